import { waitUntil } from './wait.ts';

export interface Series {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

const SERIES_LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

export function parseExposition(text: string): Series[] {
  const series: Series[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = SERIES_LINE.exec(line);
    if (!match) throw new Error(`not an exposition line: ${line}`);
    const labels: Record<string, string> = {};
    for (const [, key, value] of (match[2] ?? '').matchAll(LABEL))
      labels[key!] = value!.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
    series.push({ name: match[1]!, labels, value: Number(match[3]) });
  }
  return series;
}

export async function scrape(baseUrl: string): Promise<{ text: string; series: Series[]; milliseconds: number }> {
  const started = performance.now();
  const response = await fetch(`${baseUrl}/metrics`, { signal: AbortSignal.timeout(5000) });
  const text = await response.text();
  if (!response.ok) throw new Error(`/metrics answered ${response.status}: ${text}`);
  return { text, series: parseExposition(text), milliseconds: performance.now() - started };
}

export function valueOf(series: readonly Series[], name: string, labels: Record<string, string> = {}): number | undefined {
  return series.find((entry) => entry.name === name && Object.entries(labels).every(([key, value]) => entry.labels[key] === value))?.value;
}

/** Sums of a metric's values by the given labels, keyed by their values joined with spaces. */
export function sumsBy(series: readonly Series[], name: string, ...labels: string[]): Map<string, number> {
  const totals = new Map<string, number>();
  for (const entry of series) {
    if (entry.name !== name) continue;
    const key = labels.map((label) => entry.labels[label]).join(' ');
    totals.set(key, (totals.get(key) ?? 0) + entry.value);
  }
  return totals;
}

/** Scrapes until the check passes; fails with the last scrape's relevant lines when the (scaled) time runs out. */
export async function waitForScrape(
  baseUrl: string,
  description: string,
  check: (series: Series[]) => boolean,
  timeoutMs = 60_000,
  relevant?: RegExp,
): Promise<Series[]> {
  let last = '';
  const shown = (): string => diagnosticLines(last, relevant);
  return await waitUntil(
    description,
    async () => {
      const { series, text } = await scrape(baseUrl);
      last = text;
      return check(series) ? series : undefined;
    },
    { timeoutMs, intervalMs: 500, lastSeen: shown },
  );
}

/** The lines of an exposition that tell why a wait failed: the up series and the `relevant` ones. */
function diagnosticLines(text: string, relevant: RegExp | undefined): string {
  return text
    .split('\n')
    .filter((line) => /^kafka_(up|brokers|broker_info) |_up[{ ]|stage_up/.test(line) || (relevant?.test(line) ?? false))
    .join('\n');
}

/**
 * Scrapes until `done` holds on the series and returns them with the time it took; fails when any scrape
 * took `maxScrapeMs` or more (/metrics must never wait on what the exporter collects), or at the deadline.
 */
export async function scrapeUntil(
  baseUrl: string,
  description: string,
  done: (series: readonly Series[]) => boolean,
  options: { timeoutMs?: number; maxScrapeMs?: number; relevant?: RegExp } = {},
): Promise<{ series: Series[]; milliseconds: number }> {
  const maxScrapeMs = options.maxScrapeMs ?? 1000;
  const started = Date.now();
  let slowest = 0;
  let last = '';
  const series = await waitUntil(
    description,
    async () => {
      const scraped = await scrape(baseUrl);
      slowest = Math.max(slowest, scraped.milliseconds);
      last = scraped.text;
      return done(scraped.series) ? scraped.series : undefined;
    },
    {
      lastSeen: () => diagnosticLines(last, options.relevant),
      ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    },
  );
  if (slowest >= maxScrapeMs) throw new Error(`a scrape took ${slowest} ms while waiting for ${description}`);
  return { series, milliseconds: Date.now() - started };
}
