import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EventWriter } from '../../../src/db/writer.ts';
import { forEachDbTarget, openTestDb } from '../../helpers/db.ts';
import { I64_MAX, trade } from './fixtures.ts';

forEachDbTarget((target) => {
  test('a batch written twice leaves exactly the same rows', async () => {
    const db = await openTestDb(target);
    try {
      const w = new EventWriter(db);
      const mint = trade().mint;
      const batch = Array.from({ length: 300 }, (_, i) => trade({ mint, slot: 350_000_000 + i }));
      // Two trades in one transaction (create + dev buy, bundles): same signature, different instructions.
      batch.push(trade({ mint, signature: batch[0]!.signature, ixIndex: 3, innerIxIndex: 1 }));
      const first = await w.transaction((tx) => tx.insertTrades(batch));
      assert.deepEqual(first, { inserted: 301, quarantined: 0 });
      const snapshot = async () => (await db.query(`SELECT * FROM transactions ORDER BY signature, ix_index, inner_ix_index`)).rows;
      const before = await snapshot();
      const second = await new EventWriter(db).transaction((tx) => tx.insertTrades(batch));
      assert.deepEqual(second, { inserted: 0, quarantined: 0 });
      assert.deepEqual(await snapshot(), before);
      const tokens = await db.query<{ n: bigint }>('SELECT count(*) AS n FROM tokens');
      assert.equal(tokens.rows[0]!.n, 1n);
    } finally {
      await db.close();
    }
  });

  test('a partly replayed batch counts only its new trades, per platform', async () => {
    const db = await openTestDb(target);
    try {
      const stored = [trade(), trade(), trade({ program: 'launchlab' })];
      const fresh = [trade(), trade({ program: 'launchlab' }), trade({ program: 'launchlab' })];
      await new EventWriter(db).transaction((tx) => tx.writeEvents(stored));
      // The whole batch goes in one COPY, which hits the stored keys; the fallback counts what was new.
      const res = await new EventWriter(db).transaction((tx) => tx.writeEvents([...fresh, ...stored]));
      assert.deepEqual(res.insertedByPlatform, { pumpfun: 1, launchlab: 2 });
      assert.equal(res.inserted, 3);
      const rows = await db.query<{ platform: string; n: bigint }>('SELECT platform, count(*) AS n FROM transactions GROUP BY platform ORDER BY platform');
      assert.deepEqual(rows.rows, [{ platform: 'launchlab', n: 3n }, { platform: 'pumpfun', n: 3n }]);
    } finally {
      await db.close();
    }
  });

  test('i64 max (every u64 column is BIGINT) survives exactly, a 3e-8 price as its nearest double', async () => {
    const db = await openTestDb(target);
    try {
      const t = trade({ solAmount: I64_MAX, tokenAmount: I64_MAX, virtualSolReserves: I64_MAX, priceSol: '0.000000028123456789012345', quoteDecimals: 9 });
      await new EventWriter(db).transaction((tx) => tx.insertTrades([t]));
      const row = (await db.query<Record<string, unknown>>('SELECT sol_amount, token_amount, virtual_sol_reserves, price_per_token, price_per_token::numeric::text AS price_shown, megatron_ui_amount(sol_amount, quote_decimals) AS sol_amount_ui FROM transactions')).rows[0]!;
      assert.equal(row.sol_amount, I64_MAX);
      assert.equal(row.token_amount, I64_MAX);
      assert.equal(row.virtual_sol_reserves, I64_MAX);
      assert.equal(row.price_per_token, Number('0.000000028123456789012345'));
      assert.equal(row.price_shown, '0.0000000281234567890123', 'readers see 15 significant digits, in decimal notation');
      assert.equal(row.sol_amount_ui, '9223372036.854775807');
    } finally {
      await db.close();
    }
  });
});
