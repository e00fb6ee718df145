// Generates src/protocol/spec/messages.generated.ts from Apache Kafka's message JSON definitions.
//
// Usage: node scripts/gen-protocol.ts [referenceDir]
//   referenceDir (default $KAFKA_PROTOCOL_DIR, else test/fixtures/kafka-protocol, a copy of the team's shared/kafka-protocol) must hold
//   `3.9/` (versions spoken by pre-4.0 clients) and `latest/` (4.x). The output covers the union:
//   a version defined in `latest/` is taken from there, a version only in `3.9/` from `3.9/`.
//   Both definitions are restricted to the versions they own and merged into one field list; the merge
//   is verified version by version against the source JSON before anything is written.

import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ApiSpec, FieldSpec, MessageSpec, PrimitiveType, TaggedDefault, VersionRange } from '../src/protocol/spec/types.ts';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const OUTPUT_FILE = path.join(REPO_ROOT, 'src/protocol/spec/messages.generated.ts');
const LATEST_FOLDER = 'latest';
const LEGACY_FOLDER = '3.9';

const PRIMITIVES: ReadonlySet<string> = new Set<PrimitiveType>([
  'bool',
  'int8',
  'int16',
  'uint16',
  'int32',
  'uint32',
  'int64',
  'float64',
  'uuid',
  'string',
  'bytes',
  'records',
]);
const ZERO_UUID = 'AAAAAAAAAAAAAAAAAAAAAA';

interface RawField {
  name: string;
  type: string;
  versions: string;
  nullableVersions?: string;
  taggedVersions?: string;
  flexibleVersions?: string;
  tag?: number;
  default?: string | number | boolean;
  fields?: RawField[];
}

interface RawMessage {
  apiKey: number;
  type: string;
  name: string;
  validVersions: string;
  flexibleVersions?: string;
  fields?: RawField[];
  commonStructs?: { name: string; fields: RawField[] }[];
}

type Direction = 'request' | 'response';

class GeneratorError extends Error {}

// ---------------------------------------------------------------- reading

/** Removes // line comments that are outside JSON strings (the Kafka files are JSON with comments). */
export function stripJsonComments(text: string): string {
  let out = '';
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (inString) {
      out += c;
      if (c === '\\') out += text[++i] ?? '';
      else if (c === '"') inString = false;
    } else if (c === '"') {
      inString = true;
      out += c;
    } else if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
      out += '\n';
    } else {
      out += c;
    }
  }
  return out;
}

function loadFolder(dir: string): Map<string, RawMessage> {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new GeneratorError(`Kafka message definitions folder not found: ${dir}`);
  }
  const messages = new Map<string, RawMessage>();
  for (const file of readdirSync(dir).sort()) {
    if (!file.endsWith('.json')) continue;
    let message: RawMessage;
    try {
      message = JSON.parse(stripJsonComments(readFileSync(path.join(dir, file), 'utf8'))) as RawMessage;
    } catch (error) {
      throw new GeneratorError(`${path.join(dir, file)}: cannot parse: ${(error as Error).message}`);
    }
    if (message.type !== 'request' && message.type !== 'response') continue;
    messages.set(`${message.apiKey}:${message.type}`, message);
  }
  if (messages.size === 0) throw new GeneratorError(`no request/response definitions in ${dir}`);
  return messages;
}

// ---------------------------------------------------------------- version sets

function intersect(a: VersionRange | null, b: VersionRange | null): VersionRange | null {
  if (a === null || b === null) return null;
  const min = Math.max(a[0], b[0]);
  const max = Math.min(a[1], b[1]);
  return min <= max ? [min, max] : null;
}

function contains(range: VersionRange | null, version: number): boolean {
  return range !== null && version >= range[0] && version <= range[1];
}

/** Parses "none", "N", "N+", "A-B"; open ranges are closed at `ceiling`. */
function parseVersions(spec: string | undefined, ceiling: number, where: string): VersionRange | null {
  if (spec === undefined || spec === 'none') return null;
  let match = /^(\d+)\+$/.exec(spec);
  if (match) return Number(match[1]) <= ceiling ? [Number(match[1]), ceiling] : null;
  match = /^(\d+)(?:-(\d+))?$/.exec(spec);
  if (!match) throw new GeneratorError(`${where}: bad version spec "${spec}"`);
  return [Number(match[1]), Number(match[2] ?? match[1])];
}

/** Union of two disjoint ranges, or undefined when the union is not one contiguous range. */
function unionRanges(a: VersionRange | null, b: VersionRange | null): VersionRange | null | undefined {
  if (a === null) return b;
  if (b === null) return a;
  const [first, second] = a[0] <= b[0] ? [a, b] : [b, a];
  if (second[0] > first[1] + 1) return undefined;
  return [first[0], Math.max(first[1], second[1])];
}

/** Versions of `whole` not in `removed`; must be one contiguous range. */
function subtractRange(whole: VersionRange | null, removed: VersionRange | null, where: string): VersionRange | null {
  if (whole === null) return null;
  if (removed === null) return whole;
  const below = whole[0] < removed[0] ? ([whole[0], Math.min(whole[1], removed[0] - 1)] as const) : null;
  const above = whole[1] > removed[1] ? ([Math.max(whole[0], removed[1] + 1), whole[1]] as const) : null;
  if (below && above) throw new GeneratorError(`${where}: legacy-only versions are not contiguous`);
  return below ?? above;
}

// ---------------------------------------------------------------- normalizing

function camelCase(name: string): string {
  return name.charAt(0).toLowerCase() + name.slice(1);
}

function collectStructs(message: RawMessage): Map<string, RawField[]> {
  const structs = new Map<string, RawField[]>();
  for (const common of message.commonStructs ?? []) structs.set(common.name, common.fields);
  const walk = (fields: RawField[] | undefined): void => {
    for (const field of fields ?? []) {
      if (field.fields) {
        const typeName = field.type.replace(/^\[\]/, '');
        if (!structs.has(typeName)) structs.set(typeName, field.fields);
        walk(field.fields);
      }
    }
  };
  walk(message.fields);
  return structs;
}

interface TypeInfo {
  type: PrimitiveType | 'struct';
  array: boolean;
  structFields?: RawField[];
}

function typeInfo(field: RawField, structs: Map<string, RawField[]>, where: string): TypeInfo {
  const array = field.type.startsWith('[]');
  const base = array ? field.type.slice(2) : field.type;
  if (PRIMITIVES.has(base)) return { type: base as PrimitiveType, array };
  const structFields = field.fields ?? structs.get(base);
  if (!structFields || !/^[A-Z]/.test(base)) throw new GeneratorError(`${where}: unknown type "${field.type}"`);
  return { type: 'struct', array, structFields };
}

function parseInt64Default(raw: string): number | bigint {
  const value = BigInt(raw);
  return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
}

/** The value Kafka gives a tagged field that was not sent; undefined means "array → [], struct → null". */
function taggedDefault(field: RawField, info: TypeInfo, where: string): TaggedDefault | undefined {
  const raw = field.default;
  if (raw === 'null') return null;
  if (info.array || info.type === 'struct' || info.type === 'bytes' || info.type === 'records') return undefined;
  switch (info.type) {
    case 'bool':
      return raw === true || raw === 'true';
    case 'string':
      return raw === undefined ? '' : String(raw);
    case 'uuid':
      return raw === undefined ? ZERO_UUID : String(raw);
    case 'int64':
      return raw === undefined ? 0 : parseInt64Default(String(raw));
    default: {
      const value = raw === undefined ? 0 : Number(raw);
      if (!Number.isFinite(value)) throw new GeneratorError(`${where}: bad default ${JSON.stringify(raw)}`);
      return value;
    }
  }
}

interface Ctx {
  structs: Map<string, RawField[]>;
  ceiling: number;
  file: string;
}

/** Field list restricted to the versions in `owned` (fields absent there are dropped). */
function normalizeFields(fields: RawField[], owned: VersionRange, ctx: Ctx, where: string): FieldSpec[] {
  const result: FieldSpec[] = [];
  for (const raw of fields) {
    const here = `${ctx.file} ${where}${raw.name}`;
    if (raw.flexibleVersions !== undefined) {
      throw new GeneratorError(`${here}: field-level flexibleVersions is only supported in headers`);
    }
    const versions = intersect(parseVersions(raw.versions, ctx.ceiling, here), owned);
    if (versions === null) continue;
    const info = typeInfo(raw, ctx.structs, here);
    const nullable = intersect(parseVersions(raw.nullableVersions, ctx.ceiling, here), versions);
    const tagged = intersect(parseVersions(raw.taggedVersions, ctx.ceiling, here), versions);
    if ((raw.tag === undefined) !== (raw.taggedVersions === undefined)) {
      throw new GeneratorError(`${here}: tag and taggedVersions must come together`);
    }
    const field: {
      -readonly [K in keyof FieldSpec]: FieldSpec[K];
    } = { name: camelCase(raw.name), type: info.type, versions };
    if (info.array) field.array = true;
    if (nullable) field.nullable = nullable;
    if (tagged) {
      field.tag = raw.tag!;
      field.tagged = tagged;
      const value = taggedDefault(raw, info, here);
      if (value !== undefined) field.default = value;
    }
    if (info.structFields) field.fields = normalizeFields(info.structFields, versions, ctx, `${where}${raw.name}.`);
    result.push(field);
  }
  return result;
}

// ---------------------------------------------------------------- merging

function sameDefault(a: FieldSpec, b: FieldSpec): boolean {
  return a.default === b.default;
}

/** Merged field if `older` and `newer` can be one entry without changing any version's shape. */
function mergeField(older: FieldSpec, newer: FieldSpec): FieldSpec | undefined {
  if (older.name !== newer.name || older.type !== newer.type || older.array !== newer.array) return undefined;
  if (older.tag !== newer.tag || !sameDefault(older, newer)) return undefined;
  const versions = unionRanges(older.versions, newer.versions);
  const nullable = unionRanges(older.nullable ?? null, newer.nullable ?? null);
  const tagged = unionRanges(older.tagged ?? null, newer.tagged ?? null);
  if (!versions || nullable === undefined || tagged === undefined) return undefined;
  const merged: { -readonly [K in keyof FieldSpec]: FieldSpec[K] } = { ...newer, versions };
  delete merged.nullable;
  delete merged.tagged;
  if (nullable) merged.nullable = nullable;
  if (tagged) merged.tagged = tagged;
  if (older.fields && newer.fields) merged.fields = mergeFieldLists(older.fields, newer.fields);
  return merged;
}

/**
 * Merges two field lists owning disjoint versions. Matching entries (longest common subsequence) are
 * fused; the rest are interleaved in an order that keeps each list's own order, which is enough
 * because no version sees fields from both lists.
 */
function mergeFieldLists(older: readonly FieldSpec[], newer: readonly FieldSpec[]): FieldSpec[] {
  const n = older.length;
  const m = newer.length;
  const lcs: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i]![j] = mergeField(older[i]!, newer[j]!) ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
    }
  }
  const result: FieldSpec[] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    const merged = mergeField(older[i]!, newer[j]!);
    if (merged && lcs[i]![j] === lcs[i + 1]![j + 1]! + 1) {
      result.push(merged);
      i++;
      j++;
    } else if (lcs[i + 1]![j]! >= lcs[i]![j + 1]!) {
      result.push(older[i++]!);
    } else {
      result.push(newer[j++]!);
    }
  }
  while (i < n) result.push(older[i++]!);
  while (j < m) result.push(newer[j++]!);
  return result;
}

// ---------------------------------------------------------------- verification

/** Shape of one version straight from the raw JSON, independent of the normalizing/merging code. */
function projectRaw(fields: RawField[], version: number, ctx: Ctx, where: string): unknown[] {
  const out: unknown[] = [];
  for (const raw of fields) {
    const here = `${ctx.file} ${where}${raw.name}`;
    if (!contains(parseVersions(raw.versions, ctx.ceiling, here), version)) continue;
    const info = typeInfo(raw, ctx.structs, here);
    const isTagged = contains(parseVersions(raw.taggedVersions, ctx.ceiling, here), version);
    out.push({
      name: camelCase(raw.name),
      type: info.type,
      array: info.array,
      nullable: contains(parseVersions(raw.nullableVersions, ctx.ceiling, here), version),
      tag: isTagged ? raw.tag : undefined,
      default: isTagged ? taggedDefault(raw, info, here) : undefined,
      fields: info.structFields ? projectRaw(info.structFields, version, ctx, `${where}${raw.name}.`) : undefined,
    });
  }
  return out;
}

function projectSpec(fields: readonly FieldSpec[], version: number): unknown[] {
  return fields
    .filter((field) => contains(field.versions, version))
    .map((field) => {
      const isTagged = contains(field.tagged ?? null, version);
      return {
        name: field.name,
        type: field.type,
        array: field.array === true,
        nullable: contains(field.nullable ?? null, version),
        tag: isTagged ? field.tag : undefined,
        default: isTagged ? field.default : undefined,
        fields: field.fields ? projectSpec(field.fields, version) : undefined,
      };
    });
}

function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v));
}

// ---------------------------------------------------------------- building

interface Source {
  message: RawMessage;
  ctx: Ctx;
  owned: VersionRange;
}

function flexibleFrom(message: RawMessage, where: string): number | null {
  const spec = message.flexibleVersions ?? 'none';
  if (spec === 'none') return null;
  const match = /^(\d+)\+$/.exec(spec);
  if (!match) throw new GeneratorError(`${where}: flexibleVersions "${spec}" is not open-ended`);
  return Number(match[1]);
}

function buildMessage(
  latest: RawMessage | undefined,
  legacy: RawMessage | undefined,
  latestDir: string,
  legacyDir: string,
  where: string,
): MessageSpec {
  const latestRange = latest ? parseVersions(latest.validVersions, Number.MAX_SAFE_INTEGER, where) : null;
  const legacyRange = legacy ? parseVersions(legacy.validVersions, Number.MAX_SAFE_INTEGER, where) : null;
  const legacyOwned = subtractRange(legacyRange, latestRange, where);
  const valid = unionRanges(latestRange, legacyOwned);
  if (!valid) throw new GeneratorError(`${where}: the union of versions is empty or not contiguous`);

  const sources: Source[] = [];
  if (legacy && legacyOwned) {
    const file = path.join(legacyDir, `${legacy.name}.json`);
    sources.push({ message: legacy, owned: legacyOwned, ctx: { structs: collectStructs(legacy), ceiling: legacyRange![1], file } });
  }
  if (latest && latestRange) {
    const file = path.join(latestDir, `${latest.name}.json`);
    sources.push({ message: latest, owned: latestRange, ctx: { structs: collectStructs(latest), ceiling: latestRange[1], file } });
  }

  let fields: FieldSpec[] = [];
  for (const source of sources) {
    fields = mergeFieldLists(fields, normalizeFields(source.message.fields ?? [], source.owned, source.ctx, ''));
  }

  let firstFlexible: number | null = null;
  for (let version = valid[0]; version <= valid[1]; version++) {
    const source = sources.find((s) => contains(s.owned, version))!;
    const from = flexibleFrom(source.message, where);
    const flexible = from !== null && version >= from;
    if (flexible && firstFlexible === null) firstFlexible = version;
    if (!flexible && firstFlexible !== null) throw new GeneratorError(`${where}: v${version} stops being flexible`);

    const expected = stableJson(projectRaw(source.message.fields ?? [], version, source.ctx, ''));
    const actual = stableJson(projectSpec(fields, version));
    if (expected !== actual) throw new GeneratorError(`${where} v${version}: merged fields differ from ${source.ctx.file}`);
  }

  return {
    validVersions: valid,
    definedBy: { latest: latestRange, legacy: legacyOwned },
    flexibleFrom: firstFlexible,
    fields,
  };
}

export function buildApiSpecs(referenceDir: string): ApiSpec[] {
  if (!existsSync(referenceDir)) {
    throw new GeneratorError(
      `Kafka protocol reference folder not found: ${referenceDir} (expected ${LEGACY_FOLDER}/ and ${LATEST_FOLDER}/ inside)`,
    );
  }
  const latestDir = path.join(referenceDir, LATEST_FOLDER);
  const legacyDir = path.join(referenceDir, LEGACY_FOLDER);
  const latest = loadFolder(latestDir);
  const legacy = loadFolder(legacyDir);

  const apiKeys = new Set<number>();
  for (const message of [...latest.values(), ...legacy.values()]) apiKeys.add(message.apiKey);

  const specs: ApiSpec[] = [];
  for (const apiKey of [...apiKeys].sort((a, b) => a - b)) {
    const messages = (direction: Direction) => {
      const newer = latest.get(`${apiKey}:${direction}`);
      const older = legacy.get(`${apiKey}:${direction}`);
      return { newer: newer?.validVersions === 'none' ? undefined : newer, older };
    };
    const req = messages('request');
    const res = messages('response');
    const named = req.newer ?? req.older;
    if (!named || !(res.newer ?? res.older)) throw new GeneratorError(`api key ${apiKey}: request or response missing`);
    const name = named.name.replace(/Request$/, '');
    const request = buildMessage(req.newer, req.older, latestDir, legacyDir, `${name}Request`);
    const response = buildMessage(res.newer, res.older, latestDir, legacyDir, `${name}Response`);
    if (stableJson(request.validVersions) !== stableJson(response.validVersions)) {
      throw new GeneratorError(`${name}: request and response versions differ`);
    }
    specs.push({ apiKey, name, request, response });
  }
  return specs;
}

// ---------------------------------------------------------------- emitting

function literal(value: TaggedDefault): string {
  return typeof value === 'bigint' ? `${value}n` : JSON.stringify(value);
}

function range(r: VersionRange | null): string {
  return r === null ? 'null' : `[${r[0]}, ${r[1]}]`;
}

function emitFields(fields: readonly FieldSpec[], indent: string): string {
  if (fields.length === 0) return '[]';
  const lines = fields.map((field) => {
    let line = `${indent}  { name: ${JSON.stringify(field.name)}, type: '${field.type}'`;
    if (field.array) line += ', array: true';
    line += `, versions: ${range(field.versions)}`;
    if (field.nullable) line += `, nullable: ${range(field.nullable)}`;
    if (field.tagged) line += `, tag: ${field.tag}, tagged: ${range(field.tagged)}`;
    if (field.default !== undefined) line += `, default: ${literal(field.default)}`;
    if (field.fields) line += `, fields: ${emitFields(field.fields, `${indent}  `)}`;
    return `${line} },`;
  });
  return `[\n${lines.join('\n')}\n${indent}]`;
}

function emitMessage(message: MessageSpec, indent: string): string {
  return (
    `{\n${indent}  validVersions: ${range(message.validVersions)},` +
    ` definedBy: { latest: ${range(message.definedBy.latest)}, legacy: ${range(message.definedBy.legacy)} },` +
    ` flexibleFrom: ${message.flexibleFrom},\n` +
    `${indent}  fields: ${emitFields(message.fields, `${indent}  `)},\n${indent}}`
  );
}

/**
 * `ApiKey` object literal: one `Name: key` entry per API, the names being the Kafka message names
 * without the Request suffix (the `name` of every spec), so callers write `ApiKey.Produce` not `0`.
 */
function emitApiKeys(specs: readonly ApiSpec[]): string {
  const seen = new Map<string, number>();
  for (const spec of specs) {
    if (!/^[A-Z][A-Za-z0-9]*$/.test(spec.name)) throw new GeneratorError(`api key ${spec.apiKey}: "${spec.name}" is not an identifier`);
    const other = seen.get(spec.name);
    if (other !== undefined) throw new GeneratorError(`api keys ${other} and ${spec.apiKey} are both named ${spec.name}`);
    seen.set(spec.name, spec.apiKey);
  }
  const entries = specs.map((spec) => `  ${spec.name}: ${spec.apiKey},`).join('\n');
  return (
    '/** API key of every API by its Kafka message name (without the Request/Response suffix). */\n' +
    `export const ApiKey = {\n${entries}\n} as const;\n\n` +
    '/** Name of a Kafka API: "Produce", "Fetch", ... */\n' +
    'export type ApiKeyName = keyof typeof ApiKey;\n\n'
  );
}

export function renderModule(specs: readonly ApiSpec[]): string {
  const body = specs
    .map(
      (spec) =>
        `  {\n    apiKey: ${spec.apiKey},\n    name: ${JSON.stringify(spec.name)},\n` +
        `    request: ${emitMessage(spec.request, '    ')},\n` +
        `    response: ${emitMessage(spec.response, '    ')},\n  },`,
    )
    .join('\n');
  return (
    '// GENERATED by scripts/gen-protocol.ts (npm run gen:protocol) from the Apache Kafka message\n' +
    `// definitions (${LEGACY_FOLDER}/ for versions removed in 4.0, ${LATEST_FOLDER}/ for the rest). Do not edit.\n` +
    '// Source definitions: Copyright The Apache Software Foundation, Apache License 2.0.\n\n' +
    "import type { ApiSpec } from './types.ts';\n\n" +
    emitApiKeys(specs) +
    `export const API_SPECS: readonly ApiSpec[] = [\n${body}\n];\n`
  );
}

export function defaultReferenceDir(): string {
  return process.env['KAFKA_PROTOCOL_DIR'] ?? path.join(REPO_ROOT, 'test', 'fixtures', 'kafka-protocol');
}

function main(): void {
  const referenceDir = path.resolve(process.argv[2] ?? defaultReferenceDir());
  try {
    const specs = buildApiSpecs(referenceDir);
    writeFileSync(OUTPUT_FILE, renderModule(specs));
    console.log(`wrote ${path.relative(process.cwd(), OUTPUT_FILE)}: ${specs.length} APIs from ${referenceDir}`);
  } catch (error) {
    if (!(error instanceof GeneratorError)) throw error;
    console.error(`gen-protocol: ${error.message}`);
    process.exit(1);
  }
}

if (import.meta.main) main();
