import { OPTIONS, environmentVariableFor, formatDefault } from '../config/options.ts';
import { KAFKA_LAG_EXPORTER_GROUP, metricGroups } from '../metrics/catalogue/index.ts';

const cell = (text: string): string => text.replace(/\|/g, '\\|');

export function renderConfigReference(): string {
  const rows = OPTIONS.map((option) => {
    const type = option.type === 'enum' ? option.choices!.join(' \\| ') : option.type;
    const fallback = option.secret ? '' : formatDefault(option);
    return `| \`--${option.key}\` | \`${environmentVariableFor(option.key)}\` | ${type} | ${fallback === '' ? '' : `\`${cell(fallback)}\``} | ${cell(option.description)} |`;
  });
  return ['| flag / YAML key | environment | type | default | meaning |', '|---|---|---|---|---|', ...rows].join('\n');
}

export function renderMetricsReference(): string {
  const sections = [...metricGroups(), KAFKA_LAG_EXPORTER_GROUP].map((group) => {
    const rows = group.metrics.map(
      (metric) =>
        `| \`${metric.name}\` | ${metric.type} | ${metric.labels.map((label) => `\`${label}\``).join(', ')} | ${cell(metric.help)} |`,
    );
    return [`#### ${group.title}`, '', '| metric | type | labels | meaning |', '|---|---|---|---|', ...rows].join('\n');
  });
  return sections.join('\n\n');
}

const GENERATED_SECTIONS: Record<string, () => string> = { config: renderConfigReference, metrics: renderMetricsReference };

/** Replaces every `<!-- BEGIN GENERATED: name -->` ... `<!-- END GENERATED: name -->` block with fresh content. */
export function regenerateReadme(readme: string): string {
  let result = readme;
  for (const [name, render] of Object.entries(GENERATED_SECTIONS)) {
    const begin = `<!-- BEGIN GENERATED: ${name} -->`;
    const end = `<!-- END GENERATED: ${name} -->`;
    const start = result.indexOf(begin);
    const stop = result.indexOf(end);
    if (start === -1 || stop === -1) throw new Error(`README.md lacks the ${begin} / ${end} markers`);
    result = `${result.slice(0, start + begin.length)}\n${render()}\n${result.slice(stop)}`;
  }
  return result;
}
