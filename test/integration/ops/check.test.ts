import assert from 'node:assert/strict';
import { test } from 'node:test';
import { refreshCandles } from '../../../src/analytics/candles/refresh.ts';
import { EventWriter } from '../../../src/db/writer.ts';
import { checkAgainstChain, checkConsistency, type CheckResult } from '../../../src/ops/check.ts';
import { JsonRpcHttpClient } from '../../../src/sources/rpc/index.ts';
import { decodeTransaction } from '../../../src/decoders/index.ts';
import { simulatedTransactions, toRpcJson } from '../../../src/sources/simulate/index.ts';
import { DB_TARGETS, forEachDbTarget, openTestDb } from '../../helpers/db.ts';
import type { RpcTx } from '../../servers/ledger.ts';
import { startRpcTestServer } from '../../servers/rpc-server.ts';
import { fillHealthy, megatron } from './helpers.ts';

const since = () => new Date(Date.now() - 11 * 86_400_000);
const violations = (checks: CheckResult[]) => Object.fromEntries(checks.map((c) => [c.name, c.violations]));

forEachDbTarget((target) => {
  test('check: a healthy database passes every rule; a corrupted one is flagged rule by rule', async () => {
    const db = await openTestDb(target);
    try {
      await fillHealthy(db, 800);
      const healthy = await checkConsistency(db, { candlesSince: since() });
      assert.deepEqual(healthy.checks.filter((c) => c.violations > 0), []);
      assert.ok(healthy.ok);

      // Corruption, one kind per rule. Constraints that would refuse it are dropped first, as a damaged
      // restore or a manual fix could have done.
      await db.exec(`
        ALTER TABLE tokens DROP CONSTRAINT tokens_mint_address_key;
        ALTER TABLE pools DROP CONSTRAINT pools_token_id_fkey;
        INSERT INTO tokens (mint_address, platform) SELECT mint_address, platform FROM tokens ORDER BY mint_address LIMIT 1;
        INSERT INTO pools (pool_address, token_id, base_mint, quote_mint, platform, pool_type)
          VALUES ('OrphanPool111', gen_random_uuid(), 'm', 'q', 'pumpfun', 'bonding_curve');
        UPDATE tokens SET is_graduated = true, graduation_signature = NULL WHERE id = (SELECT id FROM tokens WHERE NOT is_graduated ORDER BY mint_address LIMIT 1);
        UPDATE pools SET virtual_sol_reserves = virtual_sol_reserves + 1 WHERE pool_address = (SELECT pool_address FROM pools WHERE last_signature IS NOT NULL ORDER BY pool_address LIMIT 1);`);
      const cols = `ix_index, inner_ix_index, slot, platform, mint, pool, quote_mint, user_address, type, sol_amount, token_amount, fee, protocol_fee,
        creator_fee, platform_fee, virtual_sol_reserves, virtual_token_reserves, real_sol_reserves, real_token_reserves, price_per_token,
        progress_pct, base_decimals, quote_decimals, ix_name, completes_curve`;
      // A trade whose token does not exist, and a second copy of a trade key one second later.
      await db.exec(`
        INSERT INTO transactions (signature, block_time, token_id, ${cols})
          SELECT '\\xff'::bytea || signature, block_time, gen_random_uuid(), ${cols} FROM transactions ORDER BY block_time DESC LIMIT 1;
        INSERT INTO transactions (signature, block_time, token_id, ${cols})
          SELECT signature, block_time + INTERVAL '1 second', token_id, ${cols} FROM transactions ORDER BY block_time DESC LIMIT 1;`);
      const report = await checkConsistency(db, { candlesSince: since() });
      assert.equal(report.ok, false);
      const v = violations(report.checks);
      for (const name of ['duplicate mints', 'duplicate trade keys', 'orphan pools', 'orphan trades', 'graduations without signature', 'pool reserves vs last trade']) {
        assert.ok(v[name]! >= 1, `${name} flagged (${JSON.stringify(v)})`);
      }
      // Trades inserted by hand: on plain nothing marks their buckets for the rollup (the writer does), so the
      // candles stay wrong; TimescaleDB logs the invalidation and its next refresh picks them up: not yet due.
      if (db.flavour === 'plain') assert.ok(v['candles vs trades']! >= 1, `candles vs trades flagged (${JSON.stringify(v)})`);
      else assert.ok(v['candles vs trades'] === 0 && report.candles!.pending.length >= 1, `candles pending (${JSON.stringify(v)})`);
      assert.equal(v['orphan pools'], 1);
      assert.equal(v['graduations without signature'], 1);
      // the orphan's signature (a stored one with a byte in front) printed as base58, as every example prints it
      const orphan = (await db.query<{ s: string }>(`SELECT megatron_base58(signature) AS s FROM transactions WHERE octet_length(signature) = 65`)).rows[0]!.s;
      assert.match(report.checks.find((c) => c.name === 'orphan trades')!.examples[0]!, new RegExp(`^${orphan}:\\d+:-?\\d+ without token `));
    } finally {
      await db.close();
    }
  });
});

const server = DB_TARGETS.find((t) => t.name === 'postgres')!;

test('megatron check (CLI): exit 0 and ✓ lines when healthy, exit 1 with a readable report when not', { skip: server.skip }, async () => {
  const db = await openTestDb(server);
  try {
    await fillHealthy(db, 600);
    const env = { DATABASE_URL: db.url! };
    const ok = await megatron(['check', '--since', '11d'], env);
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);
    assert.match(ok.stdout, /✓ duplicate trade keys/);
    assert.match(ok.stdout, /OK: the database is consistent/);
    await db.exec(`UPDATE tokens SET is_graduated = true, graduation_signature = NULL WHERE id = (SELECT id FROM tokens ORDER BY mint_address LIMIT 1)`);
    const bad = await megatron(['check', '--since', '11d'], env);
    assert.equal(bad.code, 1);
    assert.match(bad.stdout, /✗ graduations without signature: 1 violation/);
    assert.match(bad.stdout, /FAILED: graduations without signature/);
    const candlesOnly = await megatron(['check', 'candles', '--since', '11d'], env);
    assert.equal(candlesOnly.code, 0, 'check candles still works beside the top-level check');
  } finally {
    await db.close();
  }
});

forEachDbTarget((target) => {
  test('check --chain: re-fetched transactions match the stored trades; a changed or lost trade is flagged', async () => {
    const sims = [...simulatedTransactions({ seed: 11, count: 120, startTime: Math.floor(Date.now() / 1000) - 3600 })];
    const rpc = await startRpcTestServer({ transactions: sims.map((s) => toRpcJson(s.tx, s.envelope) as unknown as RpcTx) });
    const db = await openTestDb(target);
    try {
      await new EventWriter(db).transaction((w) => w.writeEvents(sims.flatMap((s) => decodeTransaction(s.tx).events)));
      await refreshCandles(db);
      const client = new JsonRpcHttpClient({ url: rpc.httpUrl, concurrency: 4, requestsPerSecond: 10_000, timeoutMs: 10_000, maxRetries: 1 });
      const fetch = (sig: string) => client.call<unknown>('getTransaction', [sig, { encoding: 'json', maxSupportedTransactionVersion: 0 }]);
      const healthy = await checkAgainstChain(db, fetch, 1000);
      assert.match(healthy.rule, /^\d+ sampled/);
      assert.ok(Number(/^(\d+)/.exec(healthy.rule)![1]) > 50, 'every stored transaction was compared');
      assert.deepEqual(healthy.examples, []);
      const cli = (args: string[]) => megatron(['check', '--chain', '--since', '2h', ...args], { DATABASE_URL: db.url!, SOLANA_RPC_URL: rpc.httpUrl, RPC_REQUESTS_PER_SECOND: '5000' });
      if (target.name === 'postgres') {
        const ok = await cli(['--sample', '1000']);
        assert.equal(ok.code, 0, ok.stdout + ok.stderr);
        assert.match(ok.stdout, /✓ stored trades vs chain: \d+ sampled transactions/);
      }

      // One transaction's trades are changed; one trade of another transaction with several trades is lost
      // (its signature stays stored, so it is still sampled).
      const changed = (await db.query<{ signature: string }>(`SELECT megatron_base58(signature) AS signature FROM transactions ORDER BY signature LIMIT 1`)).rows[0]!.signature;
      const lost = (await db.query<{ signature: string; ix_index: number; inner_ix_index: number }>(
        `SELECT megatron_base58(signature) AS signature, ix_index, inner_ix_index FROM transactions
         WHERE signature IN (SELECT signature FROM transactions WHERE signature <> megatron_base58_decode($1) GROUP BY signature HAVING count(*) > 1)
         ORDER BY signature, ix_index DESC, inner_ix_index DESC LIMIT 1`,
        [changed],
      )).rows[0];
      assert.ok(lost, 'the simulation has a transaction with several trades');
      await db.query(`UPDATE transactions SET sol_amount = sol_amount + 1 WHERE signature = megatron_base58_decode($1)`, [changed]);
      await db.query(`DELETE FROM transactions WHERE signature = megatron_base58_decode($1) AND ix_index = $2 AND inner_ix_index = $3`, [lost.signature, lost.ix_index, lost.inner_ix_index]);
      const bad = await checkAgainstChain(db, fetch, 1000);
      assert.ok(bad.examples.some((e) => e.startsWith(changed) && /differs in sol_amount/.test(e)), bad.examples.join('\n'));
      assert.ok(bad.examples.includes(`${lost.signature}:${lost.ix_index}:${lost.inner_ix_index} on chain, not stored`), bad.examples.join('\n'));
      assert.equal(bad.examples.filter((e) => e.startsWith(lost.signature)).length, 1, 'the other trades of that transaction still match');
      if (target.name === 'postgres') {
        const flagged = await cli(['--sample', '1000', '--json']);
        assert.equal(flagged.code, 1);
        const chain = (JSON.parse(flagged.stdout) as { checks: Array<{ name: string; violations: number }> }).checks.find((c) => c.name === 'stored trades vs chain')!;
        assert.ok(chain.violations >= 1);
      }
    } finally {
      await db.close();
      await rpc.close();
    }
  });
});
