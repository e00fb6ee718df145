import { OPTIONS, environmentVariableFor, formatDefault } from '../config/options.ts';

export function renderHelp(): string {
  const lines = [
    'Usage: kafka-sonar [flags]',
    '       kafka-sonar replay FILE|- [--print | --summary] [--json] [--broker-ports=PORT,...]',
    '           Decode the Kafka traffic of a pcap/pcapng capture (kafka-sonar replay --help).',
    '',
    'Prometheus and OpenTelemetry exporter for Apache Kafka.',
    'Settings come from flags, environment variables and a YAML file; flags win over the environment,',
    'the environment over the file.',
    '',
    'Flags:',
    '  -h, --help                 Show this help and exit.',
    '      --version              Print the version and exit.',
    '      --config.file=FILE     Read settings from a YAML file (nested maps or dotted keys).',
    '      --config.check=FILE    Validate a YAML configuration file and exit (0 when valid).',
  ];
  for (const option of OPTIONS) {
    const value =
      option.type === 'boolean' ? '' : option.type === 'enum' ? `=${option.choices!.join('|')}` : `=${option.type.toUpperCase()}`;
    lines.push(`      --${option.key}${value}`);
    lines.push(`          ${option.description}`);
    lines.push(
      `          default: ${option.secret ? '(empty)' : JSON.stringify(formatDefault(option))}; environment: ${environmentVariableFor(option.key)}${option.type === 'list' ? '; repeatable or comma-separated' : ''}`,
    );
  }
  return lines.join('\n') + '\n';
}
