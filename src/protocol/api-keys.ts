import { API_SPECS, type ApiKeyName } from './spec/messages.generated.ts';
import type { ApiSpec } from './spec/types.ts';

export { ApiKey, type ApiKeyName } from './spec/messages.generated.ts';

const SPEC_BY_KEY: (ApiSpec | undefined)[] = [];
for (const spec of API_SPECS) SPEC_BY_KEY[spec.apiKey] = spec;

/** API key → name ("Produce", "Fetch", ...) for every API in the union of supported definitions. */
export const API_KEY_NAMES: ReadonlyMap<number, string> = new Map(API_SPECS.map((spec) => [spec.apiKey, spec.name]));

export function apiSpec(apiKey: number): ApiSpec | undefined {
  return SPEC_BY_KEY[apiKey];
}

/** Name for key ("Produce" for 0): the key of `ApiKey` whose value is `apiKey`, undefined for unknown keys. */
export function apiKeyName(apiKey: number): ApiKeyName | undefined {
  // The generator emits ApiKey from the same specs, so every spec name is an ApiKeyName.
  return SPEC_BY_KEY[apiKey]?.name as ApiKeyName | undefined;
}

/** True when `apiVersion` is a version of `apiKey` the decoder has a definition for. */
export function isKnownVersion(apiKey: number, apiVersion: number): boolean {
  const spec = SPEC_BY_KEY[apiKey];
  if (!spec) return false;
  const [min, max] = spec.request.validVersions;
  return apiVersion >= min && apiVersion <= max;
}
