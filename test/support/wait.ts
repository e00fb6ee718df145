/**
 * Waiting in tests: for a condition, with a deadline. Every deadline is multiplied by
 * KAFKA_SONAR_TEST_TIME_FACTOR (default 1), so a slow or loaded machine gets more time without
 * touching a test; `npm test -- --stress` raises it while it keeps both cores busy.
 */

const TIME_FACTOR_VARIABLE = 'KAFKA_SONAR_TEST_TIME_FACTOR';

export function timeFactor(environment: Readonly<Record<string, string | undefined>> = process.env): number {
  const raw = environment[TIME_FACTOR_VARIABLE];
  if (raw === undefined || raw === '') return 1;
  const factor = Number(raw);
  if (!Number.isFinite(factor) || factor < 1)
    throw new Error(`${TIME_FACTOR_VARIABLE}=${JSON.stringify(raw)}: expected a number of at least 1`);
  return factor;
}

/** A deadline in milliseconds, scaled for this machine. */
export function scaled(milliseconds: number): number {
  return Math.round(milliseconds * timeFactor());
}

export function delay(milliseconds: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, milliseconds));
}

export interface WaitOptions {
  /** Unscaled deadline; the time factor applies. */
  readonly timeoutMs?: number;
  readonly intervalMs?: number;
  /** What the last attempt saw, for the error when time runs out. */
  readonly lastSeen?: () => string;
}

/**
 * Calls `probe` until it returns something other than undefined (or false) and returns that; fails
 * naming `description` and what the last attempt saw when the scaled deadline passes. A probe that
 * throws is retried: its error is what was last seen.
 */
export async function waitUntil<T>(
  description: string,
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  options: WaitOptions = {},
): Promise<T> {
  const timeoutMs = scaled(options.timeoutMs ?? 60_000);
  const deadline = Date.now() + timeoutMs;
  let lastError = '';
  for (;;) {
    try {
      const result = await probe();
      if (result !== undefined && result !== false) return result;
      lastError = '';
    } catch (error) {
      lastError = error instanceof Error ? error.message : String(error);
    }
    if (Date.now() > deadline) {
      const seen = [lastError, options.lastSeen?.() ?? ''].filter((part) => part !== '').join('\n');
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${description}${seen === '' ? '' : `; last seen:\n${seen}`}`);
    }
    await delay(options.intervalMs ?? 250);
  }
}
