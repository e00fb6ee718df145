/** What one cycle read from the schema registry, and the pure rules that interpret it. */

export interface SubjectState {
  readonly subject: string;
  readonly versions: readonly number[];
  readonly latestVersion: number;
  readonly latestSchemaId: number;
  /** AVRO, JSON, PROTOBUF (Confluent omits schemaType for Avro). */
  readonly schemaType: string;
  /** Subject-level compatibility, undefined when the global level applies (see subjectCompatibility). */
  readonly compatibility: string | undefined;
  /** Subject-level mode, undefined when the global mode applies (or the registry has no modes). */
  readonly mode: string | undefined;
}

export interface RegistryState {
  readonly subjectsRequestSeconds: number;
  readonly globalCompatibility: string | undefined;
  /** Undefined when the registry does not implement /mode. */
  readonly globalMode: string | undefined;
  readonly subjects: readonly SubjectState[];
  /** Subjects whose details could not be read this cycle, with the reason. */
  readonly failures: ReadonlyMap<string, string>;
}

const TOPIC_NAME = /^[a-zA-Z0-9._-]{1,249}$/;

/** `<topic>-key` and `<topic>-value` (the default TopicNameStrategy) name their topic; other subjects name none. */
export function topicOfSubject(subject: string): { topic: string; kind: 'key' | 'value' } | undefined {
  const match = /^(.+)-(key|value)$/.exec(subject);
  if (!match || !TOPIC_NAME.test(match[1]!) || match[1] === '.' || match[1] === '..') return undefined;
  return { topic: match[1]!, kind: match[2] as 'key' | 'value' };
}

/** Confluent answers {"compatibilityLevel": ...} on GET and {"compatibility": ...} on PUT; some registries mix them. */
export function compatibilityOf(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const { compatibilityLevel, compatibility } = body as { compatibilityLevel?: unknown; compatibility?: unknown };
  const level = typeof compatibilityLevel === 'string' ? compatibilityLevel : typeof compatibility === 'string' ? compatibility : undefined;
  return level?.toUpperCase();
}

/**
 * The subject's own level: Confluent answers 404 (40408) without one, but Apicurio's ccompat API ignores
 * defaultToGlobal=false and answers the global level, so a level equal to the global one counts as inherited.
 */
export function subjectCompatibility(subjectLevel: string | undefined, globalLevel: string | undefined): string | undefined {
  return subjectLevel !== undefined && subjectLevel !== globalLevel ? subjectLevel : undefined;
}

export function modeOf(body: unknown): string | undefined {
  const mode = (body as { mode?: unknown } | null | undefined)?.mode;
  return typeof mode === 'string' ? mode.toUpperCase() : undefined;
}

export function parseSubjects(body: unknown): string[] {
  if (!Array.isArray(body) || !body.every((entry) => typeof entry === 'string'))
    throw new Error('GET /subjects: expected a list of subject names');
  return [...(body as string[])].sort();
}

export function parseVersions(subject: string, body: unknown): number[] {
  if (!Array.isArray(body) || !body.every((entry) => Number.isInteger(entry)))
    throw new Error(`versions of ${subject}: expected a list of version numbers`);
  return [...(body as number[])].sort((a, b) => a - b);
}

export function parseLatest(subject: string, body: unknown): { version: number; id: number; schemaType: string } {
  const { version, id, schemaType } = (body ?? {}) as { version?: unknown; id?: unknown; schemaType?: unknown };
  if (!Number.isInteger(version) || !Number.isInteger(id)) throw new Error(`latest version of ${subject}: expected version and id`);
  return {
    version: version as number,
    id: id as number,
    schemaType: typeof schemaType === 'string' && schemaType !== '' ? schemaType.toUpperCase() : 'AVRO',
  };
}
