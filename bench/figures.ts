// Small helpers the benchmarks share for their options and figures.

/** The value at `share` (0.5, 0.99) of ascending `sorted`. */
export function percentile(sorted: readonly number[], share: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(share * sorted.length) - 1)]!;
}

/** A duration option such as 90s, 3m or 1h, in milliseconds. */
export function parseDuration(option: string, text: string): number {
  const match = /^(\d+(?:\.\d+)?)(s|m|h)$/.exec(text);
  if (!match) throw new Error(`--${option} must be a number with s, m or h (90s, 3m, 1h), not ${JSON.stringify(text)}`);
  return Number(match[1]) * { s: 1000, m: 60_000, h: 3_600_000 }[match[2] as 's' | 'm' | 'h'];
}
