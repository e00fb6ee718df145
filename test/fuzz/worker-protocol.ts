// What the fuzz runner and its workers tell each other.

import { MAX_INPUT_BYTES } from './mutate.ts';

export interface WorkerSetup {
  readonly targets: readonly string[];
  readonly seed: number;
  readonly deadlineMs: number;
  /** [0]: inputs started, [1]: target index of the current input, [2]: its length; then its bytes. */
  readonly shared: SharedArrayBuffer;
}

export type WorkerMessage =
  | { readonly type: 'ready'; readonly seeds: Record<string, number> }
  | { readonly type: 'counts'; readonly counts: Record<string, number> }
  | {
      readonly type: 'finding';
      readonly target: string;
      readonly kind: 'throw' | 'memory';
      readonly message: string;
      readonly input: Uint8Array;
    }
  | { readonly type: 'done' };

export const SHARED_HEADER_BYTES = 12;
export const SHARED_BYTES = SHARED_HEADER_BYTES + MAX_INPUT_BYTES;
