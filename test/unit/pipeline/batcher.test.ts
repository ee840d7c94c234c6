import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { batches } from '../../../src/pipeline/batcher.ts';

async function* counted(n: number, delayMs = 0, pulls?: { count: number }) {
  for (let i = 0; i < n; i++) {
    if (pulls) pulls.count++;
    if (delayMs) await sleep(delayMs);
    yield i;
  }
}

async function collect<T>(it: AsyncIterable<T[]>): Promise<T[][]> {
  const out: T[][] = [];
  for await (const b of it) out.push(b);
  return out;
}

describe('batches', () => {
  it('closes batches by size and keeps every item in order', async () => {
    const out = await collect(batches(counted(10), { maxItems: 4, maxWaitMs: 1000 }));
    assert.deepEqual(out, [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]);
  });

  it('closes batches by time without losing the item that was pending at the deadline', async () => {
    const out = await collect(batches(counted(6, 30), { maxItems: 100, maxWaitMs: 45 }));
    assert.deepEqual(out.flat(), [0, 1, 2, 3, 4, 5]);
    assert.ok(out.length >= 2, `expected several time-closed batches, got ${out.length}`);
  });

  it('counts item weight toward the size limit', async () => {
    const out = await collect(batches(counted(6), { maxItems: 5, maxWaitMs: 1000, weight: () => 2 }));
    assert.deepEqual(out, [[0, 1, 2], [3, 4, 5]]);
  });

  it('pulls from the source only as the consumer asks (backpressure)', async () => {
    const pulls = { count: 0 };
    const it = batches(counted(1000, 0, pulls), { maxItems: 10, maxWaitMs: 1000 })[Symbol.asyncIterator]();
    await it.next();
    await sleep(20);
    assert.ok(pulls.count <= 11, `source pulled ${pulls.count} items for one batch of 10`);
    await it.return?.(undefined);
  });
});
