/**
 * The indexing commands end to end as child processes on an embedded database: `megatron replay` (with an
 * unreadable line that must reach quarantine), `megatron backfill` against the local RPC server, and
 * `megatron monitor launchlab` (one program only, its own checkpoint).
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { openDb } from '../../../src/db/index.ts';
import { LAUNCHLAB_PROGRAM_ID, PUMPFUN_PROGRAM_ID } from '../../../src/decoders/index.ts';
import { simulatedTransactions, tradeKeyString, type SimulateOptions } from '../../../src/sources/simulate/index.ts';
import { embeddedDir, Monitor, simulatedLedger } from '../../e2e/zero-loss/harness.ts';
import { accountKeysOf } from '../../servers/ledger.ts';
import { startRpcTestServer } from '../../servers/rpc-server.ts';
import { assertExactlyOnce, storedTradeKeys } from './keys.ts';

const SIM: SimulateOptions = { seed: 'cli-it', count: 400, startTime: 1_750_000_000, txPerSlot: 4 };

async function inspect(dataDir: string, fn: (db: Awaited<ReturnType<typeof openDb>>) => Promise<void>): Promise<void> {
  const db = await openDb({ dataDir, migrate: false });
  try {
    await fn(db);
  } finally {
    await db.close();
  }
}

test('megatron replay FILE: every trade once, the unreadable line quarantined once; a second replay adds nothing', { timeout: 120_000 }, async () => {
  const { txs, truth } = simulatedLedger(SIM);
  const store = embeddedDir();
  const file = path.join(path.dirname(store.dir), 'ledger.jsonl');
  const lines = txs.map((t) => JSON.stringify(t));
  lines.splice(100, 0, '{"this is": not json}');
  writeFileSync(file, `${lines.join('\n')}\n`);
  try {
    for (let run = 0; run < 2; run++) {
      const m = new Monitor(['replay', file], { MEGATRON_DATA_DIR: store.dir });
      assert.equal(await m.exited, 0, m.tail());
      assert.equal(m.trades, run === 0 ? truth.size : 0);
    }
    await inspect(store.dir, async (db) => {
      assertExactlyOnce(await storedTradeKeys(db), truth);
      const q = await db.query<{ reason: string; raw: string }>('SELECT reason, raw FROM quarantine');
      // Each replay meets the unreadable record again (it has no slot to resume past); it is stored once.
      assert.equal(q.rows.length, 1);
      assert.match(q.rows[0]!.reason, /bad_json/);
      assert.equal(q.rows[0]!.raw, '{"this is": not json}');
    });
  } finally {
    store.remove();
  }
});

test('megatron backfill --program pumpfun --since / --from: the program\'s history over RPC', { timeout: 120_000 }, async () => {
  const { txs } = simulatedLedger(SIM);
  const server = await startRpcTestServer({ transactions: txs });
  const store = embeddedDir();
  const env = { MEGATRON_DATA_DIR: store.dir, SOLANA_RPC_URL: server.httpUrl, RPC_REQUESTS_PER_SECOND: '5000' };
  const pumpTrades = (from: number) => {
    const keys = new Set<string>();
    for (const sim of [...simulatedTransactions(SIM)].slice(from)) {
      if (!sim.tx.accountKeys.includes(PUMPFUN_PROGRAM_ID)) continue;
      for (const e of sim.events) if (e.type === 'trade') keys.add(tradeKeyString(e));
    }
    return keys;
  };
  try {
    // --from: everything after the 200th transaction that mentions pump.fun.
    const pumpIndex = txs.map((t, i) => [t, i] as const).filter(([t]) => accountKeysOf(t).includes(PUMPFUN_PROGRAM_ID));
    const [fromTx, fromIndex] = pumpIndex[Math.floor(pumpIndex.length / 2)]!;
    const partial = new Monitor(['backfill', '--program', 'pumpfun', '--from', fromTx.transaction.signatures[0]!], env);
    assert.equal(await partial.exited, 0, partial.tail());
    await inspect(store.dir, async (db) => assertExactlyOnce(await storedTradeKeys(db), pumpTrades(fromIndex + 1)));
    const all = new Monitor(['backfill', '--program', 'pumpfun', '--since', String(SIM.startTime)], env);
    assert.equal(await all.exited, 0, all.tail());
    await inspect(store.dir, async (db) => assertExactlyOnce(await storedTradeKeys(db), pumpTrades(0)));
  } finally {
    await server.close();
    store.remove();
  }
});

test('megatron monitor launchlab: only LaunchLab trades, under its own checkpoint', { timeout: 120_000 }, async () => {
  const store = embeddedDir();
  try {
    const m = new Monitor(
      ['monitor', 'launchlab', '--source', 'simulate', '--seed', String(SIM.seed), '--count', String(SIM.count), '--start-time', String(SIM.startTime), '--tx-per-slot', '4', '--rate', 'unlimited'],
      { MEGATRON_DATA_DIR: store.dir },
    );
    assert.equal(await m.exited, 0, m.tail());
    const truth = new Set<string>();
    for (const sim of simulatedTransactions(SIM)) {
      if (sim.tx.accountKeys.includes(LAUNCHLAB_PROGRAM_ID)) for (const e of sim.events) if (e.type === 'trade') truth.add(tradeKeyString(e));
    }
    await inspect(store.dir, async (db) => {
      assertExactlyOnce(await storedTradeKeys(db), truth);
      const cp = await db.query<{ source: string }>('SELECT source FROM checkpoints');
      assert.deepEqual(cp.rows.map((r) => r.source), ['simulate:launchlab']);
    });
  } finally {
    store.remove();
  }
});
