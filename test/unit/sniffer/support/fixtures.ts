import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ConnectionView, Exchange } from '../../../../src/sniffer/events.ts';
import type { SnifferOptions } from '../../../../src/sniffer/options.ts';
import { sniffCapture, type SniffResult } from '../../../../src/sniffer/sniff-capture.ts';
import type { FixtureTruth } from '../../../fixtures/sniffer/record/ground-truth.ts';

export const SNIFFER_FIXTURES = join(import.meta.dirname, '..', '..', '..', 'fixtures', 'sniffer');

export interface Fixture {
  name: string;
  capture: string;
  truth: FixtureTruth;
}

/** Every recorded fixture: <name>.pcap with its ground truth <name>.json. */
export function sniffFixtures(): Fixture[] {
  return readdirSync(SNIFFER_FIXTURES)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => {
      const truth = JSON.parse(readFileSync(join(SNIFFER_FIXTURES, file), 'utf8')) as FixtureTruth;
      return { name: file.replace(/\.json$/, ''), capture: join(SNIFFER_FIXTURES, truth.capture), truth };
    });
}

export interface SniffedCapture {
  exchanges: Exchange[];
  connections: ConnectionView[];
  result: SniffResult;
}

export async function sniffFile(capture: string, options: SnifferOptions = {}): Promise<SniffedCapture> {
  const exchanges: Exchange[] = [];
  const connections: ConnectionView[] = [];
  const result = await sniffCapture(capture, { exchange: (e) => exchanges.push(e), connectionClosed: (c) => connections.push(c) }, options);
  return { exchanges, connections, result };
}
