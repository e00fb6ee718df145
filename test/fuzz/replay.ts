// Replays a saved finding: the target named by the file name runs the input again.

import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { TARGETS } from './targets.ts';
import type { FuzzTarget } from './target.ts';

export interface Replayed {
  readonly target: FuzzTarget;
  /** What `run` returned: a bound exceeded, or undefined. */
  readonly bound: string | undefined;
  readonly milliseconds: number;
}

/** `<target>-<kind>-<hash>.bin`; throws what the target throws. */
export function replayFinding(file: string): Replayed {
  const name = basename(file);
  const target = TARGETS.find((candidate) => name.startsWith(`${candidate.name}-`));
  if (target === undefined) throw new Error(`${name} names no fuzz target`);
  const input = readFileSync(file);
  const started = performance.now();
  const bound = target.run(input);
  return { target, bound, milliseconds: performance.now() - started };
}
