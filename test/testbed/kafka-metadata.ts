import { Admin } from '@platformatic/kafka';

/** The broker ids a broker lists in its Metadata response, or undefined when it does not answer. */
export async function brokerIdsSeenBy(host: string, port: number, timeoutMs = 3_000): Promise<number[] | undefined> {
  const admin = new Admin({
    clientId: 'kafka-sonar-testbed',
    bootstrapBrokers: [`${host}:${port}`],
    retries: 0,
    timeout: timeoutMs,
  });
  try {
    const metadata = await admin.metadata({ topics: [] });
    return [...metadata.brokers.keys()].sort((a, b) => a - b);
  } catch {
    return undefined;
  } finally {
    await admin.close().catch(() => {});
  }
}
