const SENSITIVE = /password|secret|jaas|^scram-|credential|token|(^|\.)key$/i;

/** Config names whose values are secrets (passwords, keys, JAAS configs, SCRAM credentials): never shown in a label, a log or the audit file. */
export function isSensitiveConfig(name: string): boolean {
  return SENSITIVE.test(name);
}
