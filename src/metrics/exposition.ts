import type { MetricDefinition } from './definition.ts';
import type { Sample } from './definition.ts';
import type { TimeSlicer } from '../util/time-slicer.ts';
import { Snapshot, type SeriesSource, type SeriesStore } from './series-store.ts';

export type ExpositionFormat = 'prometheus' | 'openmetrics';

const LABEL_VALUE_SPECIALS = /[\\"\n]/;
const HELP_SPECIALS = /[\\\n]/;

export function escapeLabelValue(value: string): string {
  if (!LABEL_VALUE_SPECIALS.test(value)) return value;
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

function escapeHelp(text: string): string {
  return HELP_SPECIALS.test(text) ? text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n') : text;
}

export function formatSampleValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}

interface RenderContext {
  readonly format: ExpositionFormat;
  readonly defaultSuffix: string;
  readonly defaultLabels: Readonly<Record<string, string>>;
}

/** `_bucket` (cumulative, with `le`), `_sum` and `_count` lines of each histogram series. */
function renderHistogramSamples(definition: MetricDefinition, samples: Iterable<Sample>, context: RenderContext): string {
  const labelNames = definition.labels.filter((name) => !(name in context.defaultLabels));
  const bounds = [...(definition.buckets ?? []).map(formatSampleValue), '+Inf'];
  const lines: string[] = [];
  for (const sample of samples) {
    const pairs = labelNames.map((name) => `${name}="${escapeLabelValue(sample.labels[name] ?? '')}"`);
    if (context.defaultSuffix !== '') pairs.push(context.defaultSuffix);
    const plain = pairs.length === 0 ? ' ' : `{${pairs.join(',')}} `;
    const withLe = pairs.length === 0 ? '{le="' : `{${pairs.join(',')},le="`;
    const counts = sample.histogram?.counts ?? [];
    let cumulative = 0;
    for (let index = 0; index < bounds.length; index++) {
      cumulative += counts[index] ?? 0;
      lines.push(`${definition.name}_bucket${withLe}${bounds[index]}"} ${cumulative}\n`);
    }
    lines.push(`${definition.name}_sum${plain}${formatSampleValue(sample.histogram?.sum ?? 0)}\n`);
    lines.push(`${definition.name}_count${plain}${formatSampleValue(sample.value)}\n`);
  }
  return lines.join('');
}

function renderSamples(definition: MetricDefinition, samples: Iterable<Sample>, context: RenderContext): string {
  if (definition.type === 'histogram') return renderHistogramSamples(definition, samples, context);
  const labelNames = definition.labels.filter((name) => !(name in context.defaultLabels));
  const openings = labelNames.map((name, index) => `${index === 0 ? '{' : '",'}${name}="`);
  const closing =
    labelNames.length === 0
      ? context.defaultSuffix === ''
        ? ' '
        : `{${context.defaultSuffix}} `
      : context.defaultSuffix === ''
        ? '"} '
        : `",${context.defaultSuffix}} `;
  const lines: string[] = [];
  for (const sample of samples) {
    let line = definition.name;
    for (let index = 0; index < labelNames.length; index++)
      line += openings[index]! + escapeLabelValue(sample.labels[labelNames[index]!] ?? '');
    lines.push(line + closing + formatSampleValue(sample.value) + '\n');
  }
  return lines.join('');
}

/** Samples rendered between two turns of the event loop when a snapshot is rendered ahead of scrapes. */
const SAMPLES_PER_SLICE = 1000;

/**
 * Rendered and encoded sample blocks of sealed snapshots, which never change: scrapes between two
 * cycles send these bytes as they are, without rendering or encoding them again.
 */
const renderedBlocks = new WeakMap<readonly Sample[], Map<string, Buffer>>();

function sealedSamples(source: SeriesSource, definition: MetricDefinition): readonly Sample[] | undefined {
  if (!(source instanceof Snapshot) || !source.sealed) return undefined;
  const samples = source.series(definition.name);
  return Array.isArray(samples) ? samples : undefined;
}

function contextKey(context: RenderContext): string {
  return `${context.format}\u0000${context.defaultSuffix}`;
}

function cachedBlock(samples: readonly Sample[], context: RenderContext): Buffer | undefined {
  return renderedBlocks.get(samples)?.get(contextKey(context));
}

function cacheBlock(samples: readonly Sample[], context: RenderContext, block: Buffer): Buffer {
  let byContext = renderedBlocks.get(samples);
  if (!byContext) renderedBlocks.set(samples, (byContext = new Map()));
  byContext.set(contextKey(context), block);
  return block;
}

function renderContext(defaultLabels: Readonly<Record<string, string>>, format: ExpositionFormat): RenderContext {
  const defaultSuffix = Object.entries(defaultLabels)
    .map(([name, value]) => `${name}="${escapeLabelValue(value)}"`)
    .join(',');
  return { format, defaultSuffix, defaultLabels };
}

/** Text gathered into as few buffers as possible, with the cached blocks between them as they are. */
class ChunkList {
  readonly #chunks: Buffer[] = [];
  #text = '';

  text(text: string): void {
    this.#text += text;
  }

  buffer(buffer: Buffer): void {
    this.#flush();
    this.#chunks.push(buffer);
  }

  finish(): Buffer[] {
    this.#flush();
    return this.#chunks;
  }

  #flush(): void {
    if (this.#text === '') return;
    this.#chunks.push(Buffer.from(this.#text));
    this.#text = '';
  }
}

/**
 * Renders the catalogue's series from the store in the Prometheus text format or OpenMetrics
 * (without the final `# EOF`), as buffers to send one after the other. Written for large expositions:
 * prom-client's renderer spends about 6 µs per series, a second for a cluster of 10,000 partitions,
 * mostly in garbage collection; sealed snapshots are rendered once (see prerenderSnapshots).
 */
export function renderSeries(
  definitions: readonly MetricDefinition[],
  store: SeriesStore,
  defaultLabels: Readonly<Record<string, string>>,
  format: ExpositionFormat,
): Buffer[] {
  const context = renderContext(defaultLabels, format);
  const chunks = new ChunkList();
  for (const definition of definitions) {
    const family = format === 'openmetrics' && definition.type === 'counter' ? definition.name.replace(/_total$/, '') : definition.name;
    chunks.text(`# HELP ${family} ${escapeHelp(definition.help)}\n# TYPE ${family} ${definition.type}\n`);
    for (const source of store.sources()) {
      const sealed = sealedSamples(source, definition);
      if (sealed) {
        if (sealed.length > 0)
          chunks.buffer(
            cachedBlock(sealed, context) ?? cacheBlock(sealed, context, Buffer.from(renderSamples(definition, sealed, context))),
          );
        continue;
      }
      const samples = source.series(definition.name);
      if (samples) chunks.text(renderSamples(definition, samples, context));
    }
  }
  return chunks.finish();
}

/**
 * Renders the sealed snapshots' blocks that are not cached yet, a slice of samples at a time with
 * `slicer` turns between slices, so that a new 150,000-series snapshot does not hold the event loop
 * for the half second its rendering takes.
 */
export async function prerenderSnapshots(
  definitions: readonly MetricDefinition[],
  store: SeriesStore,
  defaultLabels: Readonly<Record<string, string>>,
  format: ExpositionFormat,
  slicer: TimeSlicer,
): Promise<void> {
  const context = renderContext(defaultLabels, format);
  for (const source of [...store.sources()]) {
    for (const definition of definitions) {
      const sealed = sealedSamples(source, definition);
      if (!sealed || sealed.length === 0 || cachedBlock(sealed, context)) continue;
      const slices: string[] = [];
      for (let start = 0; start < sealed.length; start += SAMPLES_PER_SLICE) {
        await slicer.turn();
        slices.push(renderSamples(definition, sealed.slice(start, start + SAMPLES_PER_SLICE), context));
      }
      cacheBlock(sealed, context, Buffer.from(slices.join('')));
    }
  }
}
