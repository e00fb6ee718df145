import type { MetricDefinition } from './definition.ts';
import type { Sample } from './definition.ts';
import type { TimeSlicer } from '../util/time-slicer.ts';
import { ChunkWriter } from './chunk-writer.ts';
import { SeriesColumns, Snapshot, type SeriesSource, type SeriesStore } from './series-store.ts';

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

/** What sample lines depend on: the same in both formats, so one rendering serves both. */
interface RenderContext {
  readonly defaultSuffix: string;
  readonly defaultLabels: Readonly<Record<string, string>>;
}

/** `_bucket` (cumulative, with `le`), `_sum` and `_count` lines of each histogram series. */
function renderHistogramSamples(definition: MetricDefinition, samples: Iterable<Sample>, context: RenderContext, out: ChunkWriter): void {
  const labelNames = definition.labels.filter((name) => !(name in context.defaultLabels));
  const bounds = [...(definition.buckets ?? []).map(formatSampleValue), '+Inf'];
  for (const sample of samples) {
    const pairs = labelNames.map((name) => `${name}="${escapeLabelValue(sample.labels[name] ?? '')}"`);
    if (context.defaultSuffix !== '') pairs.push(context.defaultSuffix);
    const plain = pairs.length === 0 ? ' ' : `{${pairs.join(',')}} `;
    const withLe = pairs.length === 0 ? '{le="' : `{${pairs.join(',')},le="`;
    const counts = sample.histogram?.counts ?? [];
    let cumulative = 0;
    for (let index = 0; index < bounds.length; index++) {
      cumulative += counts[index] ?? 0;
      out.write(`${definition.name}_bucket${withLe}${bounds[index]}"} ${cumulative}\n`);
    }
    out.write(`${definition.name}_sum${plain}${formatSampleValue(sample.histogram?.sum ?? 0)}\n`);
    out.write(`${definition.name}_count${plain}${formatSampleValue(sample.value)}\n`);
  }
}

/**
 * Lines of series `from` to `to` of `columns`, written piece by piece: no string is made for a line.
 * Label values sit in the order of the definition's labels, those the default labels override left out.
 */
function renderColumns(
  definition: MetricDefinition,
  columns: SeriesColumns,
  range: { readonly from: number; readonly to: number },
  context: RenderContext,
  out: ChunkWriter,
): void {
  if (definition.type === 'histogram') {
    const samples = Array.from({ length: range.to - range.from }, (_, index) => columns.sample(range.from + index));
    return renderHistogramSamples(definition, samples, context, out);
  }
  const kept = definition.labels.flatMap((name, index) => (name in context.defaultLabels ? [] : [index]));
  const openings = kept.map((labelIndex, index) => `${index === 0 ? '{' : '",'}${definition.labels[labelIndex]}="`);
  const closing =
    kept.length === 0
      ? context.defaultSuffix === ''
        ? ' '
        : `{${context.defaultSuffix}} `
      : context.defaultSuffix === ''
        ? '"} '
        : `",${context.defaultSuffix}} `;
  const width = definition.labels.length;
  const { labelValues, values } = columns;
  for (let series = range.from; series < range.to; series++) {
    out.write(definition.name);
    for (let index = 0; index < kept.length; index++) {
      out.write(openings[index]!);
      out.write(escapeLabelValue(labelValues[series * width + kept[index]!] ?? ''));
    }
    out.write(closing);
    out.write(formatSampleValue(values[series]!));
    out.write('\n');
  }
}

/** Series of a source that is not a sealed snapshot (live series, made at each scrape). */
function renderSamples(definition: MetricDefinition, samples: Iterable<Sample>, context: RenderContext, out: ChunkWriter): void {
  if (definition.type === 'histogram') return renderHistogramSamples(definition, samples, context, out);
  const columns = new SeriesColumns(definition.labels);
  for (const sample of samples) columns.push(sample.labels, sample.value);
  renderColumns(definition, columns, { from: 0, to: columns.length }, context, out);
}

/** Samples rendered between two turns of the event loop when a snapshot is rendered ahead of scrapes. */
const SAMPLES_PER_SLICE = 1000;

/**
 * Rendered and encoded sample blocks of sealed snapshots, which never change: scrapes between two
 * cycles send these bytes as they are, without rendering or encoding them again.
 */
const renderedBlocks = new WeakMap<SeriesColumns, Map<string, readonly Buffer[]>>();

function sealedColumns(source: SeriesSource, definition: MetricDefinition): SeriesColumns | undefined {
  return source instanceof Snapshot && source.sealed ? source.columns(definition.name) : undefined;
}

function cachedBlock(columns: SeriesColumns, context: RenderContext): readonly Buffer[] | undefined {
  return renderedBlocks.get(columns)?.get(context.defaultSuffix);
}

function cacheBlock(columns: SeriesColumns, context: RenderContext, block: readonly Buffer[]): readonly Buffer[] {
  let byContext = renderedBlocks.get(columns);
  if (!byContext) renderedBlocks.set(columns, (byContext = new Map()));
  byContext.set(context.defaultSuffix, block);
  return block;
}

function renderContext(defaultLabels: Readonly<Record<string, string>>): RenderContext {
  const defaultSuffix = Object.entries(defaultLabels)
    .map(([name, value]) => `${name}="${escapeLabelValue(value)}"`)
    .join(',');
  return { defaultSuffix, defaultLabels };
}

/**
 * Renders the catalogue's series from the store in the Prometheus text format or OpenMetrics
 * (without the final `# EOF`), as buffers to send one after the other. Written for large expositions:
 * prom-client's renderer spends about 6 µs per series, a second for a cluster of 10,000 partitions,
 * mostly in garbage collection; sealed snapshots are rendered once (see prerenderSnapshot).
 */
export function renderSeries(
  definitions: readonly MetricDefinition[],
  store: SeriesStore,
  defaultLabels: Readonly<Record<string, string>>,
  format: ExpositionFormat,
): Buffer[] {
  const context = renderContext(defaultLabels);
  const out = new ChunkWriter();
  const body: Buffer[] = [];
  for (const definition of store.definitions(definitions)) {
    const family = format === 'openmetrics' && definition.type === 'counter' ? definition.name.replace(/_total$/, '') : definition.name;
    out.write(`# HELP ${family} ${escapeHelp(definition.help)}\n# TYPE ${family} ${definition.type}\n`);
    for (const source of store.sources()) {
      const sealed = sealedColumns(source, definition);
      if (sealed) {
        if (sealed.length === 0) continue;
        body.push(...out.take());
        let block = cachedBlock(sealed, context);
        if (!block) {
          renderColumns(definition, sealed, { from: 0, to: sealed.length }, context, out);
          block = cacheBlock(sealed, context, out.take());
        }
        body.push(...block);
        continue;
      }
      const samples = source.series(definition.name);
      if (samples) renderSamples(definition, samples, context, out);
    }
  }
  body.push(...out.take());
  return body;
}

/**
 * Renders a snapshot's blocks ahead of its publication, a slice of samples at a time with `slicer`
 * turns between slices: a new 150,000-series snapshot neither holds the event loop for the half second
 * its rendering takes nor makes a scrape wait for it, since scrapes serve the previous one meanwhile.
 */
export async function prerenderSnapshot(
  definitions: readonly MetricDefinition[],
  snapshot: Snapshot,
  defaultLabels: Readonly<Record<string, string>>,
  slicer: TimeSlicer,
): Promise<void> {
  const context = renderContext(defaultLabels);
  const out = new ChunkWriter();
  snapshot.seal();
  for (const definition of [...definitions, ...snapshot.runtimeDefinitions()]) {
    const sealed = sealedColumns(snapshot, definition);
    if (!sealed || sealed.length === 0 || cachedBlock(sealed, context)) continue;
    for (let from = 0; from < sealed.length; from += SAMPLES_PER_SLICE) {
      await slicer.turn();
      renderColumns(definition, sealed, { from, to: Math.min(sealed.length, from + SAMPLES_PER_SLICE) }, context, out);
    }
    cacheBlock(sealed, context, out.take());
  }
}
