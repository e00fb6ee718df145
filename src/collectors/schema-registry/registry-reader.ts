import { getJson, RegistryHttpError, type RegistryConnection } from '../../schema-registry/registry-http.ts';
import { mapWithConcurrency } from '../../util/concurrency.ts';
import {
  compatibilityOf,
  modeOf,
  parseLatest,
  parseSubjects,
  parseVersions,
  subjectCompatibility,
  type RegistryState,
  type SubjectState,
} from './registry-model.ts';

const notFound = (error: unknown): boolean => error instanceof RegistryHttpError && error.status === 404;

/** Reads subjects, versions, latest schemas, compatibility levels and modes through the Confluent REST API. */
export async function readRegistry(connection: RegistryConnection, concurrency: number, signal: AbortSignal): Promise<RegistryState> {
  const get = (path: string): Promise<unknown> => getJson(connection, path, signal);
  /** A 404 means "not set here" (subject-level config or mode) or "not implemented" (/mode on some registries). */
  const optional = async (path: string): Promise<unknown> => {
    try {
      return await get(path);
    } catch (error) {
      if (notFound(error)) return undefined;
      throw error;
    }
  };

  const started = performance.now();
  const subjects = parseSubjects(await get('/subjects'));
  const subjectsRequestSeconds = (performance.now() - started) / 1000;
  const [globalConfig, globalMode] = await Promise.all([get('/config'), optional('/mode')]);
  const globalCompatibility = compatibilityOf(globalConfig);
  const modesSupported = modeOf(globalMode) !== undefined;

  const failures = new Map<string, string>();
  const states = await mapWithConcurrency(subjects, concurrency, async (subject): Promise<SubjectState | undefined> => {
    const path = `/subjects/${encodeURIComponent(subject)}`;
    try {
      const [versions, latest, config, mode] = await Promise.all([
        get(`${path}/versions`),
        get(`${path}/versions/latest`),
        optional(`/config/${encodeURIComponent(subject)}?defaultToGlobal=false`),
        modesSupported ? optional(`/mode/${encodeURIComponent(subject)}?defaultToGlobal=false`) : Promise.resolve(undefined),
      ]);
      const latestSchema = parseLatest(subject, latest);
      return {
        subject,
        versions: parseVersions(subject, versions),
        latestVersion: latestSchema.version,
        latestSchemaId: latestSchema.id,
        schemaType: latestSchema.schemaType,
        compatibility: subjectCompatibility(compatibilityOf(config), globalCompatibility),
        mode: modeOf(mode),
      };
    } catch (error) {
      // A subject deleted between the listing and its reads is simply gone.
      if (!(error instanceof RegistryHttpError && error.errorCode === 40401)) failures.set(subject, (error as Error).message);
      return undefined;
    }
  });
  return {
    subjectsRequestSeconds,
    globalCompatibility,
    globalMode: modeOf(globalMode),
    subjects: states.filter((state): state is SubjectState => state !== undefined),
    failures,
  };
}
