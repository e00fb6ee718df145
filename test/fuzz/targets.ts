import { captureFileTarget, packetTarget } from './targets/capture.ts';
import { kafkaRequestTarget, kafkaResponseTarget, recordSetTarget } from './targets/kafka.ts';
import { snifferTarget } from './targets/sniffer.ts';
import { textTarget } from './targets/text.ts';
import type { FuzzTarget } from './target.ts';

export const TARGETS: readonly FuzzTarget[] = [
  captureFileTarget,
  packetTarget,
  snifferTarget,
  kafkaRequestTarget,
  kafkaResponseTarget,
  recordSetTarget,
  textTarget,
];

export function targetNamed(name: string): FuzzTarget {
  const target = TARGETS.find((candidate) => candidate.name === name);
  if (target === undefined) throw new Error(`no fuzz target ${name}; there are ${TARGETS.map((t) => t.name).join(', ')}`);
  return target;
}
