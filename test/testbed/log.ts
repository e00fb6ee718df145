const startedAt = Date.now();

/** Progress goes to stderr so stdout stays one JSON line; KAFKA_SONAR_TESTBED_QUIET=1 silences it. */
export function progress(message: string): void {
  if (process.env.KAFKA_SONAR_TESTBED_QUIET) return;
  const seconds = ((Date.now() - startedAt) / 1000).toFixed(1);
  process.stderr.write(`[testbed +${seconds}s] ${message}\n`);
}
