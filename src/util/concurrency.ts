import type { TimeSlicer } from './time-slicer.ts';

/**
 * Maps items with at most `limit` calls in flight; results keep the input order. With `slicer`, each
 * call starts only on a turn of the slicer: calls whose synchronous part is heavy (encoding a request
 * of thousands of partitions, handling its response) then hold the event loop for one slice at a time,
 * not for `limit` of them at once.
 */
export async function mapWithConcurrency<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
  slicer?: TimeSlicer,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      await slicer?.turn();
      if (next >= items.length) return;
      const index = next++;
      results[index] = await fn(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(Math.max(1, limit), items.length) }, worker));
  return results;
}

export function chunk<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let index = 0; index < items.length; index += size) chunks.push(items.slice(index, index + size));
  return chunks;
}

export class StageTimeoutError extends Error {
  override readonly name = 'StageTimeoutError';
}

export async function withTimeout<T>(promise: Promise<T>, seconds: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new StageTimeoutError(`${what}: no answer within ${seconds}s`)), seconds * 1000);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
