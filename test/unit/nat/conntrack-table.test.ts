import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ConntrackTable } from '../../../src/nat/conntrack-table.ts';
import { ConntrackUnavailableError, type ConntrackSource } from '../../../src/nat/conntrack-source.ts';

const fixtures = fileURLToPath(new URL('../../fixtures/nat/', import.meta.url));
const procFixture = join(fixtures, 'proc-nf_conntrack.txt');
const dir = mkdtempSync(join(tmpdir(), 'sonar-nat-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** A stand-in for the conntrack tool: prints the fixture's lines of the family asked for. */
function fakeTool(name: string, body: string): string {
  const path = file(name, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
  return path;
}

describe('ConntrackTable', () => {
  it('maps the masqueraded client the broker sees back to the original client', async () => {
    const table = new ConntrackTable({ file: procFixture, source: 'proc', brokerPorts: [9092] });
    const status = await table.refresh();
    assert.equal(status.state, 'ready');
    assert.equal(status.state === 'ready' && status.entries, 6);
    assert.deepEqual(table.originalClient({ ip: '10.203.2.1', port: 43010 }, { ip: '10.203.2.2', port: 9092 }), {
      ip: '10.203.1.2',
      port: 43010,
    });
    assert.deepEqual(table.originalClient({ ip: 'fd00:203:2::1', port: 55738 }, { ip: 'fd00:203:2::2', port: 9092 }), {
      ip: 'fd00:203:1::2',
      port: 55738,
    });
    assert.deepEqual(table.originalClient({ ip: 'fd00:203:2:0:0:0:0:1', port: 55738 }, { ip: 'FD00:203:2::2', port: 9092 }), {
      ip: 'fd00:203:1::2',
      port: 55738,
    });
    assert.equal(table.originalClient({ ip: '10.203.2.1', port: 43011 }, { ip: '10.203.2.2', port: 9092 }), undefined);
    assert.equal(table.originalClient({ ip: '10.203.1.2', port: 43010 }, { ip: '10.203.2.2', port: 9092 }), undefined);
  });

  it('finds a connection to a virtual address (DNAT) under the real broker, keeping the virtual address', async () => {
    const table = new ConntrackTable({ file: procFixture, source: 'proc' });
    await table.refresh();
    assert.deepEqual(table.lookup({ ip: '10.203.2.1', port: 59922 }, { ip: '10.203.2.2', port: 9092 }), {
      originalClient: { ip: '10.203.1.2', port: 59922 },
      originalBroker: { ip: '10.203.3.10', port: 9092 },
      state: 'ESTABLISHED',
    });
  });

  it('reports no original client when only the broker side was translated', async () => {
    const path = file(
      'dnat-only',
      'ipv4     2 tcp      6 300 ESTABLISHED src=10.9.0.5 dst=10.96.0.10 sport=40000 dport=9092 ' +
        'src=10.9.1.7 dst=10.9.0.5 sport=9092 dport=40000 [ASSURED] mark=0 zone=0 use=2\n',
    );
    const table = new ConntrackTable({ file: path, source: 'proc' });
    await table.refresh();
    const client = { ip: '10.9.0.5', port: 40000 };
    const broker = { ip: '10.9.1.7', port: 9092 };
    assert.equal(table.originalClient(client, broker), undefined);
    assert.deepEqual(table.lookup(client, broker)?.originalBroker, { ip: '10.96.0.10', port: 9092 });
    assert.equal(table.knows(client, broker), true, 'known, with no client translation: nothing to wait for');
    assert.equal(table.knows({ ip: '10.9.0.5', port: 40001 }, broker), false);
  });

  it('indexes only entries to the broker ports, and at most maxEntries of them', async () => {
    const none = new ConntrackTable({ file: procFixture, source: 'proc', brokerPorts: [9093] });
    assert.equal((await none.refresh()).state === 'ready' && (none.status() as { entries: number }).entries, 0);
    const bounded = new ConntrackTable({ file: procFixture, source: 'proc', maxEntries: 2 });
    const status = await bounded.refresh();
    assert.ok(status.state === 'ready');
    assert.equal(status.entries, 2);
    assert.equal(status.droppedEntries, 4);
    assert.equal(status.malformedLines, 0);
  });

  it("reads the conntrack tool's output for both address families when asked to", async () => {
    const tool = fakeTool(
      'conntrack-ok',
      `[ "$5" = ipv6 ] && pattern=':' || pattern='^[a-z]* *[0-9]* [0-9]* [A-Z_]* src=[0-9.]* '\ngrep -e "$pattern" '${join(fixtures, 'conntrack-L.txt')}'\necho 'conntrack v1.4.7 (conntrack-tools): 3 flow entries have been shown.' >&2`,
    );
    const table = new ConntrackTable({ source: 'tool', toolCommand: tool, brokerPorts: [9092] });
    const status = await table.refresh();
    assert.ok(status.state === 'ready', JSON.stringify(status));
    assert.equal(status.entries, 6);
    assert.match(status.source, /-L -p tcp$/);
    assert.deepEqual(table.originalClient({ ip: 'fd00:203:2::1', port: 55740 }, { ip: 'fd00:203:2::2', port: 9092 }), {
      ip: 'fd00:203:1::2',
      port: 55740,
    });
  });

  it('falls back to the tool when the file is missing, and says why when neither works, once', async () => {
    const reported: string[] = [];
    const table = new ConntrackTable({
      file: join(dir, 'no-such-file'),
      toolCommand: join(dir, 'no-such-tool'),
      onUnavailable: (reason) => reported.push(reason),
    });
    const status = await table.refresh();
    assert.equal(status.state, 'unavailable');
    assert.match(
      status.state === 'unavailable' ? status.reason : '',
      /no-such-file is missing \(the nf_conntrack module is not loaded.*\); the conntrack tool \(.*no-such-tool\) is not installed/,
    );
    await table.refresh();
    assert.equal(reported.length, 1);
    assert.equal(table.originalClient({ ip: '10.0.0.1', port: 1 }, { ip: '10.0.0.2', port: 9092 }), undefined);

    const denied = fakeTool('conntrack-denied', `echo 'conntrack v1.4.7 (conntrack-tools): Operation not permitted' >&2\nexit 1`);
    const tool = new ConntrackTable({ file: join(dir, 'no-such-file'), toolCommand: denied });
    const deniedStatus = await tool.refresh();
    assert.match(
      deniedStatus.state === 'unavailable' ? deniedStatus.reason : '',
      /-f ipv4 failed \(exit 1\): .*Operation not permitted \(needs root or CAP_NET_ADMIN\)/,
    );
  });

  it('reads again on a miss at most once per interval, and joins a read under way', async () => {
    let reads = 0;
    let clock = 0;
    const lines: string[] = [];
    const source: ConntrackSource = {
      name: 'counted',
      async *lineBatches() {
        reads++;
        yield lines;
      },
    };
    const table = new ConntrackTable({ source, minRefreshIntervalMs: 1000, now: () => clock });
    const client = { ip: '10.203.2.1', port: 40000 };
    const broker = { ip: '10.203.2.2', port: 9092 };
    await Promise.all([table.refresh(), table.refresh()]);
    assert.equal(reads, 1);
    lines.push(
      'tcp      6 300 ESTABLISHED src=10.203.1.2 dst=10.203.2.2 sport=40000 dport=9092 src=10.203.2.2 dst=10.203.2.1 sport=9092 dport=40000 [ASSURED] mark=0 use=1',
    );
    assert.equal(table.originalClient(client, broker), undefined);
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(reads, 1, 'a miss within the interval does not read');
    clock = 1000;
    assert.equal(table.originalClient(client, broker), undefined);
    await table.refresh();
    assert.equal(reads, 2, 'the miss after the interval read, and refresh() joined that read');
    assert.deepEqual(table.originalClient(client, broker), { ip: '10.203.1.2', port: 40000 });
  });

  it('keeps what it knew while the table is unreadable, reads it again when due, and says when it is back', async () => {
    let clock = 0;
    let readable = true;
    const events: string[] = [];
    const source: ConntrackSource = {
      name: 'flaky',
      async *lineBatches() {
        if (!readable) throw new ConntrackUnavailableError('flaky: permission denied');
        yield [
          'tcp      6 300 ESTABLISHED src=10.203.1.2 dst=10.203.2.2 sport=40000 dport=9092 src=10.203.2.2 dst=10.203.2.1 sport=9092 dport=40000 [ASSURED] mark=0 use=1',
        ];
      },
    };
    const table = new ConntrackTable({
      source,
      minRefreshIntervalMs: 1000,
      now: () => clock,
      onUnavailable: (reason) => events.push(`unavailable: ${reason}`),
      onRecovered: () => events.push('recovered'),
    });
    const client = { ip: '10.203.2.1', port: 40000 };
    const broker = { ip: '10.203.2.2', port: 9092 };
    assert.equal(table.up(), undefined, 'nothing to say before the first read');
    await table.refresh();
    assert.equal(table.up(), true);

    readable = false;
    await table.refresh();
    assert.equal(table.up(), false);
    assert.deepEqual(table.originalClient(client, broker), { ip: '10.203.1.2', port: 40000 }, 'the last index is kept');
    clock = 1000;
    assert.equal(table.up(), false);
    await table.refresh();
    assert.deepEqual(events, ['unavailable: flaky: permission denied'], 'one line for a lasting failure');

    readable = true;
    clock = 2000;
    table.up();
    await table.refresh();
    assert.equal(table.up(), true, 'up() read the table again once the interval had passed');
    assert.deepEqual(events, ['unavailable: flaky: permission denied', 'recovered']);
    readable = false;
    clock = 3000;
    await table.refresh();
    assert.equal(events.length, 3, 'a failure after a recovery is told again');
  });

  it('parses a large table without holding the event loop', async () => {
    const line = (i: number) =>
      `ipv4     2 tcp      6 431999 ESTABLISHED src=10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255} dst=10.255.0.1 sport=${1024 + (i % 60000)} dport=9092 ` +
      `src=10.255.0.1 dst=10.254.0.1 sport=9092 dport=${1024 + (i % 60000)} [ASSURED] mark=0 zone=0 use=2`;
    const count = 100_000;
    const path = file('large', Array.from({ length: count }, (_, i) => line(i)).join('\n') + '\n');
    const table = new ConntrackTable({ file: path, source: 'proc', maxEntries: 50_000 });
    // Counted turns of the event loop, not wall-clock gaps: other test files share the CPU.
    let turns = 0;
    let reading = true;
    const turn = (): void => {
      turns++;
      if (reading) setImmediate(turn);
    };
    setImmediate(turn);
    const status = await table.refresh();
    reading = false;
    assert.ok(status.state === 'ready');
    assert.equal(status.entries, 50_000);
    assert.equal(status.droppedEntries, count - 50_000);
    const chunks = Math.ceil(statSync(path).size / (64 * 1024));
    assert.ok(turns >= chunks / 2, `the event loop turned ${turns} times while ${chunks} chunks were read and parsed`);
  });
});
