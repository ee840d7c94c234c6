import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { decodeItem, type PipelineItem } from '../../../src/pipeline/decode.ts';
import { ThreadedSource } from '../../../src/pipeline/decode-thread.ts';
import { PROGRAM_IDS } from '../../../src/pipeline/programs.ts';
import { simulatedTransactions, type SimulateOptions } from '../../../src/sources/simulate/index.ts';
import type { Checkpoint } from '../../../src/sources/types.ts';

const options: SimulateOptions = { seed: 'unit-decode-thread', count: 600, startTime: 1_750_000_000, txPerSlot: 4, bundleShare: 0.5 };
const start = (checkpoint: Checkpoint | null = null) => ({ checkpoint, signal: new AbortController().signal });
const withoutArrival = (items: PipelineItem[]) => items.map((i) => ({ ...i, receivedAtMs: 0 }));

async function collect(items: AsyncIterable<PipelineItem>): Promise<PipelineItem[]> {
  const out: PipelineItem[] = [];
  for await (const item of items) out.push(item);
  return out;
}

/** What the pipeline's own decoder stage makes of the same stream. */
const inThread = (opts: SimulateOptions, checkpoint: Checkpoint | null = null) =>
  [...simulatedTransactions(opts, checkpoint)].map((s) => decodeItem({ kind: 'tx', tx: s.tx, receivedAtMs: 0 }));

describe('decoder thread', () => {
  it('delivers exactly what the in-thread decoder stage makes, in order, across chunks', async () => {
    const items = await collect(new ThreadedSource({ kind: 'simulate', options }, { chunkItems: 37, window: 2 }).decoded(start()));
    assert.equal(items.length, 600);
    assert.ok(items.some((i) => i.kind === 'tx' && i.events.length > 0 && i.holders.length > 0));
    assert.deepEqual(withoutArrival(items), inThread(options));
  });

  it('resumes after a checkpoint and filters by program under the program name', async () => {
    const all = inThread(options);
    const mid = all[300]!;
    assert.equal(mid.kind, 'tx');
    const checkpoint = { slot: mid.kind === 'tx' ? mid.slot : 0, signature: mid.kind === 'tx' ? mid.signature : null };
    const source = new ThreadedSource({ kind: 'simulate', options, program: { id: PROGRAM_IDS.launchlab, name: 'simulate:launchlab' } });
    assert.equal(source.name, 'simulate:launchlab');
    const items = await collect(source.decoded(start(checkpoint)));
    const expected = [...simulatedTransactions(options, checkpoint)].filter((s) => s.tx.accountKeys.includes(PROGRAM_IDS.launchlab));
    assert.ok(expected.length > 0 && expected.length < 300);
    assert.deepEqual(items.map((i) => (i.kind === 'tx' ? i.signature : i.kind)), expected.map((s) => s.tx.signature));
  });

  it('stops sending when the consumer stops pulling (credit window), and continues when it pulls again', async () => {
    const source = new ThreadedSource({ kind: 'simulate', options: { ...options, count: 5000 } }, { chunkItems: 16, window: 2 });
    const it = source.decoded(start())[Symbol.asyncIterator]();
    assert.equal((await it.next()).done, false);
    await sleep(500);
    // One chunk taken (its credit returned) + the window: nothing else crossed over.
    assert.ok(source.received <= 16 * 3, `received ${source.received}`);
    let n = 1;
    while (!(await it.next()).done) n++;
    assert.equal(n, 5000);
  });

  it('a paced source is not held back until a chunk fills', async () => {
    const source = new ThreadedSource({ kind: 'simulate', options: { ...options, rate: 4, count: 3 } }, { chunkItems: 128 });
    const delivered: number[] = [];
    const generated: number[] = [];
    for await (const item of source.decoded(start())) {
      delivered.push(Date.now());
      if (item.kind === 'tx') generated.push(item.receivedAtMs);
    }
    assert.equal(generated.length, 3);
    // Each item crossed over before the source (4 tx/s) made the next one, not once a chunk of 128 filled.
    assert.ok(delivered[0]! <= generated[1]! && delivered[1]! <= generated[2]!, JSON.stringify({ delivered, generated }));
  });
});
