/**
 * Trades for tokens launched before monitoring began: the pipeline stores them with minimal token and pool
 * rows (is_complete = false); the enrichment job fills in the rest from the curve account and the token
 * metadata over RPC (the local RPC test server's getAccountInfo).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { base58Encode } from '../../../src/core/base58.ts';
import { openDb } from '../../../src/db/index.ts';
import { metaplexMetadataAddress, TokenEnricher } from '../../../src/pipeline/enrich.ts';
import { runPipeline } from '../../../src/pipeline/pipeline.ts';
import { JsonRpcHttpClient } from '../../../src/sources/rpc/index.ts';
import { simulatedTransactions } from '../../../src/sources/simulate/index.ts';
import type { SourceItem } from '../../../src/sources/types.ts';
import { startRpcTestServer, type TestAccount } from '../../servers/rpc-server.ts';

const u64 = (v: bigint): Buffer => {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(v);
  return b;
};
const borshString = (s: string): Buffer => Buffer.concat([u64(0n).subarray(0, 4).fill(0), Buffer.from(s)]).fill(Buffer.from(s).length, 0, 1);
const account = (data: Buffer, owner: string): TestAccount => ({ lamports: 1_000_000, owner, data: data.toString('base64') });
const newKey = (): { bytes: Buffer; b58: string } => {
  const bytes = randomBytes(32);
  return { bytes, b58: base58Encode(bytes) };
};

/** pump.fun BondingCurve at the 2025-11 size (82 bytes): reserves, supply, complete, creator, mayhem flag. */
function bondingCurve(supply: bigint, creator: Buffer): Buffer {
  return Buffer.concat([Buffer.from('17b7f83760d8ac60', 'hex'), u64(1n), u64(2n), u64(3n), u64(4n), u64(supply), Buffer.from([0]), creator, Buffer.from([0])]);
}

/** LaunchLab PoolState (429 bytes) with the fields the enricher reads. */
function poolState(f: { supply: bigint; totalBaseSell: bigint; raise: bigint; config: Buffer; platform: Buffer; quoteMint: Buffer; baseVault: Buffer; quoteVault: Buffer; creator: Buffer }): Buffer {
  const b = Buffer.alloc(429);
  Buffer.from('f7ede3f5d7c3de46', 'hex').copy(b, 0);
  b[18] = 6;
  b[19] = 9;
  b.writeBigUInt64LE(f.supply, 21);
  b.writeBigUInt64LE(f.totalBaseSell, 29);
  b.writeBigUInt64LE(f.raise, 69);
  f.config.copy(b, 141);
  f.platform.copy(b, 173);
  f.quoteMint.copy(b, 237);
  f.baseVault.copy(b, 269);
  f.quoteVault.copy(b, 301);
  f.creator.copy(b, 333);
  return b;
}

/** Metaplex MetadataV1 with NUL-padded name/symbol/uri like the program writes them. */
function metaplex(name: string, symbol: string, uri: string): Buffer {
  const pad = (s: string, n: number) => s + '\u0000'.repeat(n - s.length);
  return Buffer.concat([Buffer.from([4]), randomBytes(32), randomBytes(32), borshString(pad(name, 32)), borshString(pad(symbol, 10)), borshString(pad(uri, 200)), Buffer.alloc(40)]);
}

test('tokens first seen through a trade are stored incomplete, then filled in from getAccountInfo', { timeout: 120_000 }, async () => {
  const sims = [...simulatedTransactions({ seed: 'enrich', count: 400, startTime: 1_750_000_000, txPerSlot: 4 })];
  // Monitoring "begins" mid-stream: creations before this point are never seen.
  const items: SourceItem[] = sims.slice(200).map((s) => ({ kind: 'tx', tx: s.tx, receivedAtMs: Date.now() }));
  const db = await openDb({ inMemory: true });
  try {
    await runPipeline({ source: { name: 'late', stream: async function* () { yield* items; } }, db, maxBatchRows: 500, maxBatchWaitMs: 20, signal: new AbortController().signal });
    const incomplete = await db.query<{ mint: string; platform: string; pool: string; name: string | null }>(
      `SELECT t.mint_address AS mint, t.platform, p.pool_address AS pool, t.name FROM tokens t JOIN pools p ON p.token_id = t.id
       WHERE NOT t.is_complete AND p.pool_type IN ('bonding_curve', 'launchlab') ORDER BY t.mint_address`,
    );
    const platforms = new Set(incomplete.rows.map((r) => r.platform));
    assert.ok(platforms.has('pumpfun') && platforms.has('launchlab'), `incomplete tokens of both platforms: ${[...platforms].join(',')}`);
    assert.ok(incomplete.rows.every((r) => r.name === null), 'a trade does not tell the name');

    const accounts: Record<string, TestAccount> = {};
    const expected = new Map<string, { creator: string; supply: bigint; name: string }>();
    for (const [i, t] of incomplete.rows.entries()) {
      const creator = newKey();
      const supply = 1_000_000_000_000_000n + BigInt(i);
      const name = `Early ${i}`;
      expected.set(t.mint, { creator: creator.b58, supply, name });
      accounts[await metaplexMetadataAddress(t.mint)] = account(metaplex(name, `E${i}`, `https://example.test/${i}.json`), 'metaqbxxUerdq28cj1RbAWkYQm3ybzjb6a8bt518x1s');
      accounts[t.pool] =
        t.platform === 'pumpfun'
          ? account(bondingCurve(supply, creator.bytes), '6EF8rrecthR5Dkzon8Nwu78hRvfCKubJ14M5uBEwF6P')
          : account(
              poolState({ supply, totalBaseSell: 793_100_000_000_000n, raise: 85_000_000_000n, config: newKey().bytes, platform: newKey().bytes, quoteMint: Buffer.alloc(32, 1), baseVault: newKey().bytes, quoteVault: newKey().bytes, creator: creator.bytes }),
              'LanMV9sAd7wArD4vJFi2qDdfnVhFxYSUg6eADduJ3uj',
            );
    }
    const server = await startRpcTestServer({ accounts });
    try {
      const rpc = new JsonRpcHttpClient({ url: server.httpUrl, concurrency: 4, requestsPerSecond: 1000, timeoutMs: 5000, maxRetries: 1 });
      const result = await new TokenEnricher(db, rpc, { limit: 1000 }).run();
      // Every incomplete token, also one first seen through a graduation (no curve pool row to read).
      const all = Number((await db.query<{ n: string }>('SELECT count(*)::text AS n FROM tokens WHERE NOT is_complete')).rows[0]!.n);
      assert.deepEqual(result, { examined: all, enriched: all, failed: 0 });
      const after = await db.query<{ mint: string; name: string; symbol: string; uri: string; creator: string; supply: string; enriched: boolean; complete: boolean; pool_creator: string; total_base_sell: string | null; platform: string }>(
        `SELECT t.mint_address AS mint, t.name, t.symbol, t.uri, t.creator_address AS creator, t.initial_supply::text AS supply,
                t.metadata ? 'enriched_at' AS enriched, t.is_complete AS complete, p.creator_address AS pool_creator,
                p.total_base_sell::text AS total_base_sell, t.platform
         FROM tokens t JOIN pools p ON p.token_id = t.id WHERE t.mint_address = ANY($1::text[]) AND p.pool_type IN ('bonding_curve', 'launchlab')`,
        [[...expected.keys()]],
      );
      assert.equal(after.rows.length, expected.size);
      for (const r of after.rows) {
        const e = expected.get(r.mint)!;
        assert.equal(r.name, e.name, 'NUL padding stripped');
        assert.equal(r.creator, e.creator);
        assert.equal(r.pool_creator, e.creator);
        assert.equal(r.supply, e.supply.toString(), 'u64 exact');
        assert.ok(r.enriched && !r.complete, 'marked enriched; is_complete still means "creation event stored"');
        if (r.platform === 'launchlab') assert.equal(r.total_base_sell, '793100000000000');
      }
      // Enriched tokens are not asked again.
      assert.deepEqual(await new TokenEnricher(db, rpc).run(), { examined: 0, enriched: 0, failed: 0 });
    } finally {
      await server.close();
    }
  } finally {
    await db.close();
  }
});
