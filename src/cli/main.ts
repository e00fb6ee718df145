#!/usr/bin/env node
// Each subcommand imports what it uses when it runs: --help and replay never load the exporter, its
// Kafka client, express or OpenTelemetry, so they start in a fraction of the time.
import { ConfigError } from '../config/errors.ts';
import { parseArguments } from '../config/flags.ts';
import { VERSION } from '../version.ts';
import { renderHelp } from './help.ts';

const SHUTDOWN_DEADLINE_MS = 5000;

async function main(argv: readonly string[]): Promise<number> {
  if (argv[0] === 'replay') return (await import('./replay.ts')).runReplay(argv.slice(1));
  const args = parseArguments(argv);
  if (args.help) {
    process.stdout.write(renderHelp());
    return 0;
  }
  if (args.version) {
    process.stdout.write(`kafka-sonar ${VERSION} (node ${process.version})\n`);
    return 0;
  }
  if (args.positionals.length > 0)
    throw new ConfigError(`unexpected argument ${JSON.stringify(args.positionals[0])}: run kafka-sonar --help`);
  const { loadConfig } = await import('../config/config.ts');
  const { checkReferencedFiles } = await import('../config/referenced-files.ts');
  if (args.configCheck !== undefined) {
    const { catalogue } = await import('../metrics/catalogue/index.ts');
    const { checkConstantLabels } = await import('../metrics/constant-labels.ts');
    const checked = loadConfig({ configFile: args.configCheck });
    checkReferencedFiles(checked);
    checkConstantLabels(
      checked.constantLabels,
      catalogue({
        topicInfoConfigs: checked.collectors.cluster.topicInfoConfigs,
        kafkaLagExporter: checked.collectors.cluster.kafkaLagExporter,
      }),
    );
    process.stdout.write(`config file ${args.configCheck} is valid\n`);
    return 0;
  }

  const config = loadConfig({ flags: args.flags, environment: process.env, configFile: args.configFile });
  checkReferencedFiles(config);
  (await import('../util/heap-growth.ts')).limitHeapGrowth();
  const { createLogger } = await import('../log/logger.ts');
  const { startExporter } = await import('../exporter.ts');
  const logger = createLogger(config.log);
  const exporter = await startExporter(config, logger);

  return await new Promise<number>((resolve) => {
    const shutdown = (signal: NodeJS.Signals): void => {
      logger.info('shutting down', { signal });
      const deadline = setTimeout(() => {
        logger.warn('shutdown took longer than 5s, exiting anyway');
        resolve(0);
      }, SHUTDOWN_DEADLINE_MS);
      deadline.unref();
      void exporter.stop().then(() => {
        clearTimeout(deadline);
        resolve(0);
      });
    };
    process.once('SIGTERM', shutdown);
    process.once('SIGINT', shutdown);
  });
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    const message =
      error instanceof ConfigError
        ? `kafka-sonar: configuration error: ${error.message}`
        : `kafka-sonar: ${(error as Error).message ?? String(error)}`;
    process.stderr.write(message + '\n');
    process.exit(error instanceof ConfigError ? 2 : 1);
  },
);
