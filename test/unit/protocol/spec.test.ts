// The generated message definitions: up to date with the reference JSON, and correct per version.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { buildApiSpecs, defaultReferenceDir, renderModule, stripJsonComments } from '../../../scripts/gen-protocol.ts';
import { apiKeyName } from '../../../src/protocol/api-keys.ts';
import { API_SPECS, ApiKey } from '../../../src/protocol/spec/messages.generated.ts';
import type { ApiSpec, FieldSpec } from '../../../src/protocol/spec/types.ts';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const GENERATED = path.join(REPO, 'src/protocol/spec/messages.generated.ts');
const REFERENCE = defaultReferenceDir();
const noReference = existsSync(REFERENCE) ? false : `reference definitions not found at ${REFERENCE}`;

const api = (name: string): ApiSpec => API_SPECS.find((spec) => spec.name === name)!;
const namesAt = (fields: readonly FieldSpec[], version: number) =>
  fields.filter((f) => version >= f.versions[0] && version <= f.versions[1]).map((f) => f.name);
const field = (fields: readonly FieldSpec[], name: string) => fields.find((f) => f.name === name)!;

describe('generator', () => {
  it('the committed module matches a fresh generation', { skip: noReference }, () => {
    assert.equal(readFileSync(GENERATED, 'utf8'), renderModule(buildApiSpecs(REFERENCE)));
  });

  it('fails with a clear message when the reference folder is missing', () => {
    const node = process.execPath;
    const result = spawnSync(node, [path.join(REPO, 'scripts/gen-protocol.ts'), '/nonexistent/kafka-protocol'], { encoding: 'utf8' });
    assert.equal(result.status, 1);
    assert.match(result.stderr, /gen-protocol: Kafka protocol reference folder not found: \/nonexistent\/kafka-protocol/);
  });

  it('refuses api names that are not identifiers or that two keys share', () => {
    const spec = (apiKey: number, name: string): ApiSpec => ({ ...API_SPECS[0]!, apiKey, name });
    assert.throws(() => renderModule([spec(0, 'Produce'), spec(1, 'Produce')]), /api keys 0 and 1 are both named Produce/);
    assert.throws(() => renderModule([spec(0, 'Not-An-Identifier')]), /api key 0: "Not-An-Identifier" is not an identifier/);
  });

  it('strips // comments but not // inside strings', () => {
    const json = stripJsonComments('{\n  // comment "quoted"\n  "about": "see http://x // y", // trailing\n  "n": "a\\"//b"\n}');
    assert.deepEqual(JSON.parse(json), { about: 'see http://x // y', n: 'a"//b' });
  });
});

describe('union of 3.9 and latest definitions', () => {
  it("every api key spans exactly the union of both folders' versions", { skip: noReference }, () => {
    const ranges = new Map<string, number[]>();
    for (const folder of ['3.9', 'latest']) {
      for (const file of readdirSync(path.join(REFERENCE, folder)).filter((f) => f.endsWith('.json'))) {
        const message = JSON.parse(stripJsonComments(readFileSync(path.join(REFERENCE, folder, file), 'utf8'))) as {
          apiKey?: number;
          type: string;
          validVersions: string;
        };
        if (message.type !== 'request' || message.validVersions === 'none') continue;
        const [min, max = min] = message.validVersions.split('-').map(Number) as [number, number?];
        const known = ranges.get(String(message.apiKey)) ?? [];
        ranges.set(String(message.apiKey), [...known, min, max]);
      }
    }
    assert.equal(API_SPECS.length, ranges.size);
    for (const spec of API_SPECS) {
      const bounds = ranges.get(String(spec.apiKey))!;
      assert.deepEqual(spec.request.validVersions, [Math.min(...bounds), Math.max(...bounds)], spec.name);
      assert.deepEqual(spec.response.validVersions, spec.request.validVersions, spec.name);
    }
  });

  it('Produce: v0-2 only in 3.9, v3-13 from latest; field sets per version', () => {
    const produce = api('Produce');
    assert.deepEqual(produce.request.definedBy, { latest: [3, 13], legacy: [0, 2] });
    assert.deepEqual(namesAt(produce.request.fields, 0), ['acks', 'timeoutMs', 'topicData']);
    assert.deepEqual(namesAt(produce.request.fields, 3), ['transactionalId', 'acks', 'timeoutMs', 'topicData']);
    const topicData = field(produce.request.fields, 'topicData').fields!;
    assert.deepEqual(namesAt(topicData, 12), ['name', 'partitionData']);
    assert.deepEqual(namesAt(topicData, 13), ['topicId', 'partitionData']);
    assert.equal(produce.request.flexibleFrom, 9);
    const partitionResponse = field(field(produce.response.fields, 'responses').fields!, 'partitionResponses').fields!;
    assert.deepEqual(namesAt(partitionResponse, 0), ['index', 'errorCode', 'baseOffset']);
    assert.deepEqual(field(partitionResponse, 'currentLeader').tagged, [10, 13]);
  });

  it('Fetch: v0-3 from 3.9; v18 adds a tagged HighWatermark whose default is a bigint', () => {
    const fetch = api('Fetch');
    assert.deepEqual(fetch.request.definedBy, { latest: [4, 18], legacy: [0, 3] });
    assert.deepEqual(namesAt(fetch.request.fields, 0), ['replicaId', 'maxWaitMs', 'minBytes', 'topics']);
    assert.deepEqual(namesAt(fetch.request.fields, 15).slice(0, 2), ['clusterId', 'replicaState']);
    const partition = field(field(fetch.request.fields, 'topics').fields!, 'partitions').fields!;
    const highWatermark = field(partition, 'highWatermark');
    assert.deepEqual([highWatermark.tag, highWatermark.tagged, highWatermark.default], [1, [18, 18], 2n ** 63n - 1n]);
    assert.deepEqual(field(fetch.request.fields, 'clusterId').default, null);
  });

  it('APIs removed in 4.0 come entirely from 3.9', () => {
    for (const name of ['LeaderAndIsr', 'StopReplica', 'UpdateMetadata', 'ControlledShutdown']) {
      const spec = api(name);
      assert.equal(spec.request.definedBy.latest, null, name);
      assert.deepEqual(spec.request.definedBy.legacy, spec.request.validVersions, name);
    }
    assert.deepEqual(api('LeaderAndIsr').request.validVersions, [0, 7]);
  });

  it('early-access ShareGroupHeartbeat v0 (3.9) and v1 (latest) are both kept', () => {
    const spec = api('ShareGroupHeartbeat');
    assert.deepEqual(spec.request.definedBy, { latest: [1, 1], legacy: [0, 0] });
    assert.ok(namesAt(spec.request.fields, 0).includes('groupId'));
  });

  it('api key 74 uses its 4.x name', () => {
    assert.equal(API_SPECS.find((spec) => spec.apiKey === 74)!.name, 'ListConfigResources');
    assert.deepEqual(API_SPECS.find((spec) => spec.apiKey === 74)!.request.definedBy, { latest: [0, 1], legacy: null });
  });
});

describe('ApiKey constants', () => {
  it('one entry per api, in key order, named like its spec', () => {
    assert.deepEqual(
      Object.entries(ApiKey),
      API_SPECS.map((spec) => [spec.name, spec.apiKey]),
    );
    for (const [name, key] of Object.entries(ApiKey)) assert.equal(apiKeyName(key), name);
    assert.equal(ApiKey.Produce, 0);
    assert.equal(ApiKey.ApiVersions, 18);
    assert.equal(ApiKey.SaslHandshake, 17);
  });

  it('names are the JSON message names without Request/Response (latest/ where it defines the api)', { skip: noReference }, () => {
    const names = new Map<string, string>();
    for (const folder of ['3.9', 'latest']) {
      for (const file of readdirSync(path.join(REFERENCE, folder)).filter((f) => f.endsWith('.json'))) {
        const message = JSON.parse(stripJsonComments(readFileSync(path.join(REFERENCE, folder, file), 'utf8'))) as {
          apiKey?: number;
          type: string;
          name: string;
          validVersions: string;
        };
        if (message.type !== 'request' && message.type !== 'response') continue;
        if (message.validVersions === 'none') continue;
        names.set(`${message.apiKey}:${message.type}`, message.name); // latest/ is read last and wins
      }
    }
    for (const [name, key] of Object.entries(ApiKey)) {
      assert.equal(names.get(`${key}:request`), `${name}Request`);
      assert.equal(names.get(`${key}:response`), `${name}Response`);
    }
  });
});
