import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CommittedBatch } from '../../../src/pipeline/commit.ts';
import type { AfterCommitHook } from '../../../src/pipeline/hooks.ts';
import { runPipeline } from '../../../src/pipeline/pipeline.ts';
import { expectedTradeKeySet, SimulateSource, simulatedTransactions, type SimulateOptions } from '../../../src/sources/simulate/index.ts';
import type { SourceItem, SourceStartOptions, TransactionSource } from '../../../src/sources/types.ts';
import { forEachDbTarget, openTestDb } from '../../helpers/db.ts';
import { assertExactlyOnce, storedTradeKeys } from './keys.ts';

const SIM: SimulateOptions = { seed: 'pipeline-it', count: 1500, startTime: 1_750_000_000 };

/** A source that yields what it is given, then ends. */
function listSource(name: string, items: SourceItem[]): TransactionSource {
  return {
    name,
    async *stream(_opts: SourceStartOptions) {
      yield* items;
    },
  };
}

forEachDbTarget((target) => {
  test('simulate → pipeline: every trade stored exactly once; a second run resumes from the checkpoint and adds nothing', async () => {
    const db = await openTestDb(target);
    try {
      const signal = new AbortController().signal;
      const first = await runPipeline({ source: new SimulateSource(SIM), db, maxBatchRows: 400, maxBatchWaitMs: 50, signal });
      const truth = expectedTradeKeySet(SIM);
      assertExactlyOnce(await storedTradeKeys(db), truth);
      assert.equal(first.tradesStored, truth.size);
      assert.equal(first.txs, 1500);
      const cp = await db.query<{ slot: string; signature: string }>(`SELECT slot::text, signature FROM checkpoints WHERE source = 'simulate'`);
      const lastTx = [...simulatedTransactions(SIM)].at(-1)!.tx;
      assert.deepEqual(cp.rows[0], { slot: String(lastTx.slot), signature: lastTx.signature });

      const second = await runPipeline({ source: new SimulateSource(SIM), db, maxBatchRows: 400, maxBatchWaitMs: 50, signal });
      assert.equal(second.txs, 0, 'the resumed simulator must start after the checkpoint');
      // The same stream replayed from scratch under another checkpoint name: duplicates are skipped by key.
      const replayed = await runPipeline({ source: new SimulateSource(SIM), db, checkpointName: 'again', maxBatchRows: 400, maxBatchWaitMs: 50, signal });
      assert.equal(replayed.tradesStored, 0);
      assertExactlyOnce(await storedTradeKeys(db), truth);
      const balances = await db.query<{ n: string }>('SELECT count(*)::text AS n FROM holder_balances');
      assert.ok(Number(balances.rows[0]!.n) > 0, 'holder balances are written with the batch');
    } finally {
      await db.close();
    }
  });

  test('unreadable records and transactions failing self-verification go to quarantine with their reason; the rest is stored', async () => {
    const db = await openTestDb(target);
    try {
      const sims = [...simulatedTransactions({ ...SIM, count: 60 })];
      const tampered = sims.find((s) => s.events.some((e) => e.type === 'trade') && s.tx.postTokenBalances.length > 0)!;
      const items: SourceItem[] = sims.map((s) => ({ kind: 'tx', tx: s.tx, receivedAtMs: Date.now() }));
      const i = sims.indexOf(tampered);
      items[i] = { kind: 'tx', receivedAtMs: Date.now(), tx: { ...tampered.tx, postTokenBalances: tampered.tx.postTokenBalances.map((b) => ({ ...b, amount: b.amount + 1n })) } };
      items.splice(10, 0, { kind: 'invalid', raw: '{"not":"a transaction"}', reason: 'bad_shape: no signatures', receivedAtMs: Date.now() });
      const stats = await runPipeline({ source: listSource('list', items), db, maxBatchRows: 50, maxBatchWaitMs: 20, signal: new AbortController().signal });
      assert.equal(stats.quarantined, 2);
      const q = await db.query<{ kind: string; signature: string | null; reason: string; raw: string }>('SELECT kind, signature, reason, raw FROM quarantine ORDER BY id');
      const bySig = q.rows.find((r) => r.signature === tampered.tx.signature);
      assert.ok(bySig && /verification_mismatch/.test(bySig.reason), `tampered tx quarantined with a verification reason: ${JSON.stringify(q.rows.map((r) => r.reason))}`);
      assert.ok(JSON.parse(bySig.raw).signature === tampered.tx.signature, 'the raw transaction is kept as JSON');
      assert.ok(q.rows.some((r) => r.signature === null && r.reason === 'bad_shape: no signatures' && r.raw === '{"not":"a transaction"}'));
      const truth = new Set<string>();
      for (const s of sims) if (s !== tampered) for (const e of s.events) if (e.type === 'trade') truth.add(`${e.signature}:${e.ixIndex}:${e.innerIxIndex}`);
      assertExactlyOnce(await storedTradeKeys(db), truth);

      // The same input again (a replayed file): every quarantined record is already there, none is added.
      await runPipeline({ source: listSource('list', items), db, maxBatchRows: 50, maxBatchWaitMs: 20, signal: new AbortController().signal });
      const again = await db.query<{ n: string }>('SELECT count(*)::text AS n FROM quarantine');
      assert.equal(again.rows[0]!.n, '2', 'quarantine is idempotent');
    } finally {
      await db.close();
    }
  });

  test('after-commit hooks: every committed batch once, in commit order, in the background; a slow hook gets the backlog in one call, bounded', async () => {
    const db = await openTestDb(target);
    try {
      const perBatch: CommittedBatch[] = [];
      const rounds: CommittedBatch[][] = [];
      const slowMany: AfterCommitHook = {
        name: 'slow',
        run: () => Promise.reject(new Error('runMany is preferred')),
        runMany: async (batches) => {
          rounds.push([...batches]);
          await new Promise((r) => setTimeout(r, 40));
        },
      };
      const ordinary: AfterCommitHook = { name: 'ordinary', run: async (b) => void perBatch.push(b) };
      const stats = await runPipeline({
        source: new SimulateSource({ ...SIM, count: 400 }), db, maxBatchRows: 40, maxBatchWaitMs: 20,
        signal: new AbortController().signal, hooks: [slowMany, ordinary],
      });
      // All delivered before runPipeline resolves, each batch once, in commit order.
      assert.equal(perBatch.length, stats.batches);
      assert.deepEqual(rounds.flat(), perBatch);
      assert.equal(perBatch.reduce((n, b) => n + b.txs, 0), 400);
      for (let i = 1; i < perBatch.length; i++) assert.ok(perBatch[i]!.committedAtMs >= perBatch[i - 1]!.committedAtMs);
      // The slow hook fell behind: batches were coalesced, never more than the backlog bound per call.
      assert.ok(rounds.length < stats.batches, `${rounds.length} rounds for ${stats.batches} batches`);
      assert.ok(rounds.every((r) => r.length >= 1 && r.length <= 4), JSON.stringify(rounds.map((r) => r.length)));
    } finally {
      await db.close();
    }
  });
});
