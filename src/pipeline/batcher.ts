/**
 * Groups a pull-based stream into batches closed by size or by time, whichever comes first.
 *
 * Backpressure comes from pulling: the batcher asks the source for the next item only while it is
 * filling a batch, and the consumer receives a batch only when it asks for one. A pending `next()`
 * that loses the race against the time window is kept for the following batch, never dropped.
 */
export interface BatchOptions<T> {
  maxItems: number;
  maxWaitMs: number;
  /** Weight of an item toward maxItems (e.g. rows it will write); defaults to 1. */
  weight?: (item: T) => number;
}

export async function* batches<T>(source: AsyncIterable<T>, opts: BatchOptions<T>): AsyncGenerator<T[]> {
  const it = source[Symbol.asyncIterator]();
  const weight = opts.weight ?? (() => 1);
  let pending: Promise<IteratorResult<T>> | null = null;
  let done = false;
  try {
    while (!done) {
      const batch: T[] = [];
      let filled = 0;
      // The window starts at the batch's first item, so an idle source does not emit empty batches.
      pending ??= it.next();
      const first = await pending;
      pending = null;
      if (first.done) break;
      batch.push(first.value);
      filled += weight(first.value);
      const deadline = Date.now() + opts.maxWaitMs;
      while (filled < opts.maxItems) {
        const remaining = deadline - Date.now();
        if (remaining <= 0) break;
        pending ??= it.next();
        const next = await raceTimeout(pending, remaining);
        if (next === TIMEOUT) break;
        pending = null;
        if (next.done) {
          done = true;
          break;
        }
        batch.push(next.value);
        filled += weight(next.value);
      }
      yield batch;
    }
  } finally {
    if (!done) await it.return?.();
  }
}

const TIMEOUT = Symbol('timeout');

function raceTimeout<V>(p: Promise<V>, ms: number): Promise<V | typeof TIMEOUT> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<typeof TIMEOUT>((resolve) => {
    timer = setTimeout(() => resolve(TIMEOUT), ms);
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}
