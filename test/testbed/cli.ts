/**
 * The real test bed: Kafka (KRaft 4.x or ZooKeeper-mode 3.9), ZooKeeper, Apicurio Registry,
 * Prometheus and Alertmanager as plain processes on 127.0.0.1, from Maven Central and Debian.
 *
 *   npm run -s testbed -- up [--mode kraft|zk] [--brokers N] [--zookeepers N] [--registry] [--prometheus] [--name NAME]
 *   npm run -s testbed -- down [--name NAME]
 *   npm run -s testbed -- status [--name NAME]
 *
 * State lives in .testbed/<name>/ (KAFKA_SONAR_TESTBED_DIR overrides the root), downloads in
 * ~/.cache/kafka-sonar/ (KAFKA_SONAR_CACHE_DIR). Tests use the same functions from ./index.ts.
 */
import { parseCliArgs, UsageError } from './cli-args.ts';
import { ComponentStartError } from './errors.ts';
import { testbedDown, testbedUp } from './lifecycle.ts';
import { testbedStatus, testbedSummary } from './status.ts';

async function main(argv: string[]): Promise<number> {
  const cli = parseCliArgs(argv);
  switch (cli.command) {
    case 'up': {
      const bed = await testbedUp(cli.options);
      process.stdout.write(`${JSON.stringify(testbedSummary(bed))}\n`);
      return 0;
    }
    case 'down':
      await testbedDown(cli.name === undefined ? {} : { name: cli.name });
      return 0;
    case 'status':
      for (const status of testbedStatus(cli.name === undefined ? {} : { name: cli.name })) {
        process.stdout.write(`${JSON.stringify(status)}\n`);
      }
      return 0;
  }
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  const expected = error instanceof UsageError || error instanceof ComponentStartError;
  process.stderr.write(`${expected ? error.message : error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = error instanceof UsageError ? 2 : 1;
}
