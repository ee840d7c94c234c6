import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CurveCompletedEvent, Platform } from '../../../src/core/events.ts';
import { migrate } from '../../../src/db/migrate.ts';
import { EventWriter } from '../../../src/db/writer.ts';
import { forEachDbTarget, openTestDb, type TestDb } from '../../helpers/db.ts';
import { BLOCK_TIME, migrated, signature, tokenCreated, trade } from './fixtures.ts';

async function withDb(target: Parameters<typeof openTestDb>[0], fn: (db: TestDb) => Promise<void>): Promise<void> {
  const db = await openTestDb(target);
  try {
    await fn(db);
  } finally {
    await db.close();
  }
}

const count = async (db: TestDb, sql: string, params: string[] = []) =>
  (await db.query<{ n: bigint }>(`SELECT count(*) AS n FROM ${sql}`, params)).rows[0]!.n;

forEachDbTarget((target) => {
  test('migrations re-run is a no-op', () =>
    withDb(target, async (db) => {
      const before = await db.query('SELECT id, flavour FROM schema_migrations ORDER BY id');
      assert.ok(before.rows.length >= 2);
      assert.deepEqual(before.rows.map((r) => r.flavour), before.rows.map(() => db.flavour));
      assert.equal(db.flavour, target.name === 'postgres' ? 'plain' : 'timescale');
      const again = await migrate(db);
      assert.deepEqual(again.applied, []);
      assert.deepEqual((await db.query('SELECT id, flavour FROM schema_migrations ORDER BY id')).rows, before.rows);
    }));

  test('one bad row in a batch is quarantined with its reason, the rest lands', () =>
    withDb(target, async (db) => {
      const mint = trade().mint;
      const good = Array.from({ length: 40 }, (_, i) => trade({ mint, slot: 1000 + i }));
      // Passes the writer's own checks, fails in the database (Postgres text cannot hold NUL): found by splitting.
      const dbBad = trade({ mint, ixName: 'buy\u0000corrupt' });
      // Caught before the database: the platform is not one we store.
      const badPlatform = trade({ mint, program: 'raydium' as Platform });
      // Caught before the database: block_time is NOT NULL.
      const noTime = trade({ mint, blockTime: null });
      // Caught before the database: the signature is stored as its 64 bytes.
      const notBase58 = trade({ mint, signature: `0${trade().signature.slice(1)}` });
      const shortSignature = trade({ mint, signature: trade().mint });
      // Caught before the database: the trader is stored as its 32 bytes.
      const longUser = trade({ mint, user: trade().signature });
      const batch = [...good.slice(0, 17), dbBad, ...good.slice(17, 30), noTime, badPlatform, notBase58, longUser, ...good.slice(30), shortSignature];
      const res = await new EventWriter(db).transaction((w) => w.insertTrades(batch, 'test-source'));
      assert.deepEqual(res, { inserted: 40, quarantined: 6 });
      assert.equal(await count(db, 'transactions'), 40n);
      const q = await db.query<{ signature: string; reason: string; raw: string; source: string; kind: string }>(
        'SELECT signature, reason, raw, source, kind FROM quarantine ORDER BY signature',
      );
      const bySig = new Map(q.rows.map((r) => [r.signature, r]));
      assert.match(bySig.get(dbBad.signature)!.reason, /^insert failed: .*(0x00|Unicode escape)/);
      assert.match(bySig.get(badPlatform.signature)!.reason, /platform "raydium"/);
      assert.match(bySig.get(noTime.signature)!.reason, /block_time/);
      for (const t of [notBase58, shortSignature]) assert.match(bySig.get(t.signature)!.reason, /^signature ".+" is not 64 bytes of base58$/);
      assert.match(bySig.get(longUser.signature)!.reason, /^user ".+" is not 32 bytes of base58$/);
      assert.equal(JSON.parse(bySig.get(dbBad.signature)!.raw).solAmount, dbBad.solAmount.toString());
      assert.equal(bySig.get(dbBad.signature)!.source, 'test-source');
      assert.equal(bySig.get(dbBad.signature)!.kind, 'trade');
    }));

  test('pool state only moves forward by slot', () =>
    withDb(target, async (db) => {
      const w = new EventWriter(db);
      const base = trade();
      const newer = trade({ ...base, signature: trade().signature, slot: 500, virtualSolReserves: 50n, priceSol: '0.00000005' });
      const older = trade({ ...base, signature: trade().signature, slot: 400, virtualSolReserves: 40n, priceSol: '0.00000004' });
      await w.transaction((tx) => tx.insertTrades([newer]));
      await w.transaction((tx) => tx.insertTrades([older]));
      const pool = (await db.query('SELECT virtual_sol_reserves, latest_price, last_slot, last_signature FROM pools WHERE pool_address = $1', [base.pool])).rows[0]!;
      assert.deepEqual(pool, { virtual_sol_reserves: '50', latest_price: '0.00000005', last_slot: 500n, last_signature: newer.signature });
      // Within one batch the latest slot wins whatever the order.
      await w.transaction((tx) => tx.insertTrades([trade({ ...base, signature: trade().signature, slot: 700, virtualSolReserves: 70n }), trade({ ...base, signature: trade().signature, slot: 600, virtualSolReserves: 60n })]));
      const after = (await db.query('SELECT virtual_sol_reserves, last_slot FROM pools WHERE pool_address = $1', [base.pool])).rows[0]!;
      assert.deepEqual(after, { virtual_sol_reserves: '70', last_slot: 700n });
      assert.equal(await count(db, 'transactions'), 4n);
    }));

  test('a trade before its creation event: stub first, creation fills the gaps, never the reverse', () =>
    withDb(target, async (db) => {
      const w = new EventWriter(db);
      const created = tokenCreated();
      const t = trade({ mint: created.mint, pool: created.bondingCurve, slot: created.slot + 5 });
      await w.transaction((tx) => tx.insertTrades([t]));
      const stub = (await db.query('SELECT name, decimals, is_complete, platform FROM tokens WHERE mint_address = $1', [created.mint])).rows[0]!;
      assert.deepEqual(stub, { name: null, decimals: 6, is_complete: false, platform: 'pumpfun' });
      await w.transaction((tx) => tx.writeEvents([created]));
      // A second creation with other strings (a replay or a conflicting decoder) changes nothing.
      await new EventWriter(db).transaction((tx) => tx.writeEvents([{ ...created, name: 'Other', symbol: 'OTH' }]));
      const token = (await db.query('SELECT name, symbol, uri, creator_address, initial_supply, is_complete, creation_signature FROM tokens WHERE mint_address = $1', [created.mint])).rows[0]!;
      assert.deepEqual(token, {
        name: created.name, symbol: created.symbol, uri: created.uri, creator_address: created.creator,
        initial_supply: '1000000000000000', is_complete: true, creation_signature: created.signature,
      });
      // The creation's initial reserves never overwrite the state a later trade already set.
      const pool = (await db.query('SELECT virtual_sol_reserves, last_slot, creator_address FROM pools WHERE pool_address = $1', [created.bondingCurve])).rows[0]!;
      assert.deepEqual(pool, { virtual_sol_reserves: t.virtualSolReserves.toString(), last_slot: BigInt(t.slot), creator_address: created.creator });
      assert.equal(await count(db, 'tokens'), 1n);
      assert.equal(await count(db, 'pools'), 1n);
    }));

  test('long chain strings are stored as the chain holds them', () =>
    withDb(target, async (db) => {
      const created = tokenCreated({ name: 'N'.repeat(300) + ' 🚀', symbol: 'SYMBOLTOOLONGFORVARCHAR10', uri: 'https://x/' + 'u'.repeat(400) });
      await new EventWriter(db).transaction((tx) => tx.writeEvents([created]));
      const row = (await db.query('SELECT name, symbol, uri FROM tokens')).rows[0]!;
      assert.deepEqual(row, { name: created.name, symbol: created.symbol, uri: created.uri });
    }));

  test('graduation marks the token and the curve pool and creates the AMM pool, idempotently', () =>
    withDb(target, async (db) => {
      const w = new EventWriter(db);
      const created = tokenCreated();
      const last = trade({ mint: created.mint, pool: created.bondingCurve, completesCurve: true, slot: created.slot + 50 });
      const grad = migrated({ mint: created.mint, pool: created.bondingCurve, slot: created.slot + 60 });
      await w.transaction((tx) => tx.writeEvents([created, last]));
      assert.equal((await db.query('SELECT status FROM pools WHERE pool_address = $1', [created.bondingCurve])).rows[0]!.status, 'complete');
      await w.transaction((tx) => tx.writeEvents([grad]));
      await w.transaction((tx) => tx.writeEvents([{ ...grad, signature: 'replayed-later-signature' }]));
      const token = (await db.query('SELECT is_graduated, graduation_signature, graduation_target, graduation_timestamp IS NOT NULL AS has_time FROM tokens')).rows[0]!;
      assert.deepEqual(token, { is_graduated: true, graduation_signature: grad.signature, graduation_target: 'pumpswap', has_time: true });
      const pools = (await db.query('SELECT pool_address, pool_type, status, migrated_to_pool, initial_quote_liquidity FROM pools ORDER BY pool_type')).rows;
      assert.deepEqual(pools, [
        { pool_address: created.bondingCurve, pool_type: 'bonding_curve', status: 'migrated', migrated_to_pool: grad.newPool, initial_quote_liquidity: null },
        { pool_address: grad.newPool, pool_type: 'pumpswap', status: 'active', migrated_to_pool: null, initial_quote_liquidity: '84990359056' },
      ]);
      // A late trade from before completion does not move the migrated pool backwards.
      await w.transaction((tx) => tx.insertTrades([trade({ mint: created.mint, pool: created.bondingCurve, slot: created.slot + 1 })]));
      assert.equal((await db.query('SELECT status FROM pools WHERE pool_address = $1', [created.bondingCurve])).rows[0]!.status, 'migrated');
    }));

  test('one batch repeating itself (set-based statements) stores what the events one by one store', () =>
    withDb(target, async (db) => {
      const created = tokenCreated();
      const pool = created.bondingCurve;
      const last = trade({ mint: created.mint, pool, completesCurve: true, slot: created.slot + 50 });
      const completed: CurveCompletedEvent = {
        type: 'curve_completed', program: 'pumpfun', signature: last.signature, slot: last.slot, blockTime: BLOCK_TIME + 50,
        ixIndex: 3, innerIxIndex: -1, mint: created.mint, pool, user: last.user,
      };
      const grad = migrated({ mint: created.mint, pool, slot: created.slot + 60 });
      const regrad = migrated({ mint: created.mint, pool, slot: created.slot + 70, target: 'raydium_cpmm', quoteAmount: 1n });
      // An unseen token's curve completes: a stub token is created for it.
      const orphan: CurveCompletedEvent = { ...completed, signature: signature(), mint: trade().mint, pool: trade().pool };
      const launch = trade({ program: 'launchlab', slot: created.slot + 5 });
      const res = await new EventWriter(db).transaction((w) => w.writeEvents([
        created, { ...created, signature: signature(), name: 'Other', symbol: 'OTH', creator: 'someone-else' },
        last, launch, completed, { ...completed, signature: signature(), blockTime: BLOCK_TIME + 55 }, grad, regrad, orphan,
      ]));
      assert.deepEqual(res.insertedByPlatform, { pumpfun: 1, launchlab: 1 });
      assert.equal(res.inserted, 2);
      const token = (await db.query(
        `SELECT name, creator_address, creation_signature, is_complete, is_graduated, graduation_signature, graduation_target,
                curve_completed_at = to_timestamp($2) AS completed_first, graduation_timestamp = to_timestamp($3) AS graduated_first
         FROM tokens WHERE mint_address = $1`,
        [created.mint, String(BLOCK_TIME + 50), String(grad.blockTime)],
      )).rows[0]!;
      assert.deepEqual(token, {
        name: created.name, creator_address: created.creator, creation_signature: created.signature, is_complete: true,
        is_graduated: true, graduation_signature: grad.signature, graduation_target: 'pumpswap', completed_first: true, graduated_first: true,
      });
      const pools = (await db.query('SELECT pool_address, status, migrated_to_pool, initial_quote_liquidity FROM pools WHERE base_mint = $1 ORDER BY pool_type', [created.mint])).rows;
      assert.deepEqual(pools, [
        { pool_address: pool, status: 'migrated', migrated_to_pool: grad.newPool, initial_quote_liquidity: null },
        { pool_address: grad.newPool, status: 'active', migrated_to_pool: null, initial_quote_liquidity: '84990359056' },
        { pool_address: regrad.newPool, status: 'active', migrated_to_pool: null, initial_quote_liquidity: '1' },
      ]);
      const stub = (await db.query('SELECT is_complete, curve_completed_at = to_timestamp($2) AS at FROM tokens WHERE mint_address = $1', [orphan.mint, String(BLOCK_TIME + 50)])).rows[0]!;
      assert.deepEqual(stub, { is_complete: false, at: true });
      assert.equal(await count(db, 'tokens'), 3n);
    }));

  test('checkpoints and the mint cache commit with the transaction, never on rollback', () =>
    withDb(target, async (db) => {
      const w = new EventWriter(db);
      const t = trade();
      await assert.rejects(
        w.transaction(async (tx) => {
          await tx.insertTrades([t]);
          await tx.advanceCheckpoint('rpc:pumpfun', { slot: 123, signature: 'sig' });
          throw new Error('boom');
        }),
        /boom/,
      );
      assert.equal(await w.transaction((tx) => tx.getCheckpoint('rpc:pumpfun')), null);
      // The token id learned in the rolled-back transaction was not cached: this insert must recreate it.
      const res = await w.transaction(async (tx) => {
        const r = await tx.insertTrades([t]);
        await tx.advanceCheckpoint('rpc:pumpfun', { slot: 124, signature: 'sig2' });
        return r;
      });
      assert.deepEqual(res, { inserted: 1, quarantined: 0 });
      assert.deepEqual(await w.transaction((tx) => tx.getCheckpoint('rpc:pumpfun')), { slot: 124, signature: 'sig2' });
      // Forward only: an older batch (a replay, the slower monitor of a pair) leaves it where it is.
      assert.equal(await w.transaction((tx) => tx.advanceCheckpoint('rpc:pumpfun', { slot: 100, signature: 'old' })), null);
      assert.deepEqual(await w.transaction((tx) => tx.getCheckpoint('rpc:pumpfun')), { slot: 124, signature: 'sig2' });
      assert.equal(await count(db, 'transactions t JOIN tokens k ON k.id = t.token_id'), 1n);
    }));
});
