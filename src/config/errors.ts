/** A configuration problem, with a message that names the key or file and says what to do. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}
