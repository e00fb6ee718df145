// What other programs answer: ZooKeeper's four-letter words and znodes, conntrack lines, the schema
// registry's and the Kubernetes API's JSON, SASL tokens, and the consumer protocol inside group requests.
// An input is a selector byte (which parser) followed by the answer.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as fourLetterWords from '../../../src/collectors/zookeeper/four-letter-word-parsers.ts';
import * as znodes from '../../../src/collectors/zookeeper/kafka-znodes.ts';
import * as registry from '../../../src/collectors/schema-registry/registry-model.ts';
import { parseConntrackLine } from '../../../src/nat/conntrack-parser.ts';
import { parsePodListPage } from '../../../src/nat/pod-list.ts';
import { assignedPartitions, subscriptionTopics } from '../../../src/sniffer/consumer-protocol.ts';
import { saslUsername, scramServerOutcome } from '../../../src/sniffer/sasl-tokens.ts';
import { parseConsumerOffset } from '../../../src/zookeeper/consumer-offset.ts';
import type { FuzzTarget } from '../target.ts';
import { isDeliberateRejection } from '../target.ts';

const FIXTURES = join(import.meta.dirname, '..', '..', 'fixtures');

/** Each parser, given the answer as text or bytes; a deliberate rejection (an Error naming what is wrong) is allowed. */
const PARSERS: ReadonlyArray<{ readonly name: string; readonly parse: (answer: Buffer) => unknown }> = [
  { name: 'mntr', parse: (answer) => fourLetterWords.parseMntr(answer.toString()) },
  { name: 'srvr', parse: (answer) => fourLetterWords.parseSrvr(answer.toString()) },
  { name: 'ruok', parse: (answer) => fourLetterWords.parseRuok(answer.toString()) },
  { name: 'envi', parse: (answer) => fourLetterWords.parseEnvi(answer.toString()) },
  { name: 'cons', parse: (answer) => fourLetterWords.parseCons(answer.toString()) },
  { name: 'wchs', parse: (answer) => fourLetterWords.parseWchs(answer.toString()) },
  {
    name: 'refusal',
    parse: (answer) => [fourLetterWords.isWhitelistRefusal(answer.toString()), fourLetterWords.isNotServing(answer.toString())],
  },
  { name: 'broker-znode', parse: (answer) => znodes.parseBrokerRegistration(1, answer.toString()) },
  { name: 'controller-znode', parse: (answer) => znodes.parseController(answer.toString()) },
  { name: 'controller-epoch-znode', parse: (answer) => znodes.parseControllerEpoch(answer.toString()) },
  { name: 'config-znode', parse: (answer) => znodes.parseDynamicConfig('topics', 't', answer.toString()) },
  { name: 'reassignment-znode', parse: (answer) => znodes.parseReassignments(answer.toString()) },
  { name: 'topic-znode', parse: (answer) => znodes.parseTopicReassignments('t', answer.toString()) },
  { name: 'consumer-offset-znode', parse: (answer) => parseConsumerOffset(answer.toString()) },
  { name: 'conntrack', parse: (answer) => answer.toString().split('\n').map(parseConntrackLine) },
  {
    name: 'registry',
    parse: (answer) => {
      const body: unknown = JSON.parse(answer.toString());
      return [
        registry.compatibilityOf(body),
        registry.modeOf(body),
        attempt(() => registry.parseSubjects(body)),
        attempt(() => registry.parseVersions('s', body)),
        attempt(() => registry.parseLatest('s', body)),
        typeof body === 'string' ? registry.topicOfSubject(body) : undefined,
      ];
    },
  },
  { name: 'kubernetes-pods', parse: (answer) => parsePodListPage(JSON.parse(answer.toString()) as unknown) },
  {
    name: 'sasl',
    parse: (answer) => [saslUsername('PLAIN', answer), saslUsername('SCRAM-SHA-256', answer), scramServerOutcome(answer)],
  },
  { name: 'consumer-protocol', parse: (answer) => [subscriptionTopics(answer), assignedPartitions(answer)] },
];

function attempt(parse: () => unknown): unknown {
  try {
    return parse();
  } catch (error) {
    if (isDeliberateRejection(error)) return undefined;
    throw error;
  }
}

function parserNamed(name: string): number {
  return PARSERS.findIndex((parser) => parser.name === name);
}

function seed(name: string, answer: string | Buffer): Buffer {
  return Buffer.concat([Buffer.from([parserNamed(name)]), Buffer.isBuffer(answer) ? answer : Buffer.from(answer)]);
}

function fixtureTexts(directory: string): [string, string][] {
  return readdirSync(join(FIXTURES, directory))
    .sort()
    .map((name) => [name, readFileSync(join(FIXTURES, directory, name), 'utf8')]);
}

/** A consumer protocol subscription (v0): version, topics, no user data. */
function subscription(topics: string[]): Buffer {
  const parts = [Buffer.from([0, 0]), Buffer.alloc(4)];
  parts[1]!.writeInt32BE(topics.length);
  for (const topic of topics) {
    const length = Buffer.alloc(2);
    length.writeInt16BE(topic.length);
    parts.push(length, Buffer.from(topic));
  }
  parts.push(Buffer.from([0xff, 0xff, 0xff, 0xff]));
  return Buffer.concat(parts);
}

function seeds(): Buffer[] {
  const out: Buffer[] = [];
  for (const [name, text] of fixtureTexts('zookeeper')) {
    const word = name.split('-')[0]!;
    out.push(seed(parserNamed(word) >= 0 ? word : 'refusal', text));
  }
  for (const [, text] of fixtureTexts('nat')) if (text.includes('src=')) out.push(seed('conntrack', text));
  for (const [name, text] of fixtureTexts('schema-registry')) if (name.endsWith('.json')) out.push(seed('registry', text));
  out.push(
    seed(
      'broker-znode',
      '{"listener_security_protocol_map":{"PLAINTEXT":"PLAINTEXT"},"endpoints":["PLAINTEXT://127.0.0.1:9092"],"jmx_port":-1,"features":{},"host":"127.0.0.1","timestamp":"1700000000000","port":9092,"version":5,"rack":"a"}',
    ),
    seed('controller-znode', '{"version":2,"brokerid":1,"timestamp":"1700000000000","kraftControllerEpoch":-1}'),
    seed('controller-epoch-znode', '7'),
    seed('config-znode', '{"version":1,"config":{"retention.ms":"1000","cleanup.policy":"compact"}}'),
    seed('reassignment-znode', '{"version":1,"partitions":[{"topic":"t","partition":0,"replicas":[1,2]}]}'),
    seed('topic-znode', '{"version":3,"topic_id":"x","partitions":{"0":[2,1]},"adding_replicas":{"0":[2]},"removing_replicas":{"0":[1]}}'),
    seed('consumer-offset-znode', '42'),
    seed(
      'kubernetes-pods',
      '{"metadata":{"resourceVersion":"1","continue":"next"},"items":[{"metadata":{"name":"p","namespace":"n"},"spec":{},"status":{"podIP":"10.1.2.3","podIPs":[{"ip":"10.1.2.3"},{"ip":"fd00::1"}]}}]}',
    ),
    seed('sasl', Buffer.from('\0alice\0secret')),
    seed('sasl', 'n,,n=alice,r=fyko+d2lbbFgONRv9qkxdawL'),
    seed('sasl', 'v=rmF9pqV8S7suAoZWja4dJRkFsKQ='),
    seed('sasl', 'e=invalid-proof'),
    seed('consumer-protocol', subscription(['orders', 'payments'])),
  );
  return out;
}

export const textTarget: FuzzTarget = {
  name: 'text',
  seeds,
  run(input) {
    const parser = PARSERS[(input[0] ?? 0) % PARSERS.length]!;
    attempt(() => parser.parse(input.subarray(1)));
    return undefined;
  },
};
