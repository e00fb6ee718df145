import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { AddressSettling } from '../../../src/agent/address-settling.ts';
import { ClientAddressBook, type AddressPort, type ClientAddressResolver } from '../../../src/agent/client-address-resolver.ts';
import { ClientMetrics } from '../../../src/agent/client-metrics.ts';
import type { ConnectionView, Exchange, SnifferListener } from '../../../src/sniffer/events.ts';
import { sniffCapture } from '../../../src/sniffer/sniff-capture.ts';
import type { CloseReason } from '../../../src/tcp/connection.ts';
import { sumBy } from './support.ts';

const CAPTURE = fileURLToPath(new URL('../../fixtures/sniffer/kcat-kraft.pcap', import.meta.url));
const PRODUCED = 300;

type Event = { kind: 'exchange'; exchange: Exchange } | { kind: 'closed'; connection: ConnectionView; reason: CloseReason };

async function recordedEvents(): Promise<Event[]> {
  const events: Event[] = [];
  await sniffCapture(CAPTURE, {
    exchange: (exchange) => events.push({ kind: 'exchange', exchange }),
    connectionClosed: (connection, reason) => events.push({ kind: 'closed', connection, reason }),
  });
  return events;
}

/** A conntrack-like resolver: every client is translated, but only known once the table was "read". */
class LateResolver implements ClientAddressResolver {
  tableRead = false;
  originalClient(client: AddressPort): AddressPort | undefined {
    return this.tableRead ? { ip: '10.9.9.9', port: client.port } : undefined;
  }
}

function setup(
  resolver: ClientAddressResolver,
  maxHeld = 100_000,
): { settling: AddressSettling; metrics: ClientMetrics; clock: { now: number } } {
  const clock = { now: 0 };
  const addresses = new ClientAddressBook(resolver);
  const metrics = new ClientMetrics({ addresses, maxClients: 100, maxSeries: 100_000, now: () => clock.now });
  const settling = new AddressSettling(metrics, { addresses, settleMs: 6000, maxHeld, now: () => clock.now });
  return { settling, metrics, clock };
}

function feed(listener: SnifferListener, events: readonly Event[], withCloses: boolean): void {
  for (const event of events) {
    if (event.kind === 'exchange') listener.exchange?.(event.exchange);
    else if (withCloses) listener.connectionClosed?.(event.connection, event.reason);
  }
}

test("a new connection's first exchanges wait for the original address and are counted under it", async () => {
  const events = await recordedEvents();
  const resolver = new LateResolver();
  const { settling, metrics } = setup(resolver);
  feed(settling, events, false);
  assert.ok(settling.heldExchanges > 0);
  assert.equal(
    sumBy(metrics.snapshot(), 'kafka_client_produce_records_total', 'client_address').size,
    0,
    'nothing counted while the address is unknown',
  );
  resolver.tableRead = true;
  settling.release();
  assert.equal(settling.heldExchanges, 0);
  const produced = sumBy(metrics.snapshot(), 'kafka_client_produce_records_total', 'client_address');
  assert.deepEqual([...produced], [['10.9.9.9', PRODUCED]], 'every record under the original address, none under the captured one');
});

test('an address that never resolves is let through after the settle time, nothing lost', async () => {
  const events = await recordedEvents();
  const { settling, metrics, clock } = setup({ originalClient: () => undefined });
  feed(settling, events, false);
  clock.now = 5999;
  settling.release();
  assert.ok(settling.heldExchanges > 0, 'still within the settle time');
  clock.now = 6000;
  settling.release();
  assert.equal(settling.heldExchanges, 0);
  assert.deepEqual([...sumBy(metrics.snapshot(), 'kafka_client_produce_records_total', 'client_address')], [['127.0.0.1', PRODUCED]]);
  const first = events.find((event): event is Extract<Event, { kind: 'exchange' }> => event.kind === 'exchange')!;
  settling.exchange(first.exchange);
  assert.equal(settling.heldExchanges, 0, 'a settled connection passes straight through');
});

test('a closing connection releases what it held, and the bound lets the oldest through', async () => {
  const events = await recordedEvents();
  const closing = setup({ originalClient: () => undefined });
  feed(closing.settling, events, true);
  assert.equal(closing.settling.heldExchanges, 0, 'every connection of the capture closed');
  assert.deepEqual(
    [...sumBy(closing.metrics.snapshot(), 'kafka_client_produce_records_total', 'client_address')],
    [['127.0.0.1', PRODUCED]],
  );

  const bounded = setup({ originalClient: () => undefined }, 3);
  feed(bounded.settling, events, false);
  assert.ok(bounded.settling.heldExchanges <= 3);
});

test('a connection the resolver knows to be untranslated is not held', async () => {
  const events = await recordedEvents();
  const knowsEveryone: ClientAddressResolver = { originalClient: () => undefined, knows: () => true };
  const { settling, metrics } = setup(knowsEveryone);
  feed(settling, events, false);
  assert.equal(settling.heldExchanges, 0);
  const produced = sumBy(metrics.snapshot(), 'kafka_client_produce_records_total', 'client_address');
  assert.deepEqual([...produced.values()], [PRODUCED], 'counted at once, under the captured address');
});

test('thousands of held exchanges are passed on in slices, in order, with the event loop turning between them and later exchanges queued behind', async () => {
  const events = await recordedEvents();
  const first = events.find((event): event is Extract<Event, { kind: 'exchange' }> => event.kind === 'exchange')!.exchange;
  const held = Array.from({ length: 3000 }, () => ({ ...first }));
  const later = { ...first };
  const received: Exchange[] = [];
  const slowListener: SnifferListener = {
    exchange: (exchange) => {
      received.push(exchange);
      const until = performance.now() + 0.05;
      while (performance.now() < until) {
        /* a listener that takes 50 µs an exchange */
      }
    },
  };
  const clock = { now: 0 };
  const addresses = new ClientAddressBook({ originalClient: () => undefined });
  const settling = new AddressSettling(slowListener, { addresses, settleMs: 6000, maxHeld: 100_000, now: () => clock.now });
  for (const exchange of held) settling.exchange(exchange);
  clock.now = 6000;
  settling.release();
  assert.ok(received.length > 0 && received.length < held.length, `a first slice of ${received.length} passed on at once`);
  settling.exchange(later);
  let turns = 0;
  while (settling.heldExchanges > 0) {
    await new Promise((resolve) => setImmediate(resolve));
    turns++;
  }
  assert.ok(turns > 1, `the event loop turned ${turns} times during the release`);
  assert.equal(received.length, held.length + 1);
  assert.ok(
    received.every((exchange, index) => exchange === (index < held.length ? held[index] : later)),
    'in the order they came, the later one last',
  );
});
