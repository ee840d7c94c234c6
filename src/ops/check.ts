import { checkCandles, type CandleCheckReport } from '../analytics/candles/check.ts';
import type { TradeEvent } from '../core/events.ts';
import { DECODER_READ_CONTEXT, decodeTransaction } from '../decoders/index.ts';
import { base58Text, signatureBytea, tradeBytes } from '../db/bytea.ts';
import { TRADE_COLUMNS, tradeRow } from '../db/trades.ts';
import type { Queryable } from '../db/types.ts';
import { normalizeRpcTransaction } from '../sources/formats/index.ts';

/** One consistency rule and what violates it (at most {@link SAMPLE_LIMIT} examples, all counted). */
export interface CheckResult {
  name: string;
  /** What the rule guarantees, as the report prints it when it holds. */
  rule: string;
  violations: number;
  examples: string[];
}

export interface ConsistencyReport {
  checks: CheckResult[];
  candles: CandleCheckReport | null;
  ok: boolean;
}

const SAMPLE_LIMIT = 10;

/** Each rule: a query returning one row per violation with a printable `example`. */
const RULES: ReadonlyArray<{ name: string; rule: string; sql: string }> = [
  {
    name: 'duplicate mints',
    rule: 'one token row per mint',
    sql: `SELECT mint_address || ' ×' || count(*) AS example FROM tokens GROUP BY mint_address HAVING count(*) > 1`,
  },
  {
    name: 'duplicate trade keys',
    rule: 'one trade per (signature, instruction, inner instruction)',
    sql: `SELECT megatron_base58(signature) || ':' || ix_index || ':' || inner_ix_index || ' ×' || count(*) AS example
          FROM transactions GROUP BY signature, ix_index, inner_ix_index HAVING count(*) > 1`,
  },
  {
    name: 'orphan pools',
    rule: 'every pool belongs to a stored token',
    sql: `SELECT p.pool_address || ' → token ' || p.token_id AS example FROM pools p LEFT JOIN tokens t ON t.id = p.token_id WHERE t.id IS NULL`,
  },
  {
    name: 'orphan trades',
    rule: 'every trade has its token and its pool',
    sql: `SELECT megatron_base58(x.signature) || ':' || x.ix_index || ':' || x.inner_ix_index || CASE WHEN t.id IS NULL THEN ' without token ' || x.token_id ELSE ' without pool ' || x.pool END AS example
          FROM transactions x LEFT JOIN tokens t ON t.id = x.token_id LEFT JOIN pools p ON p.pool_address = x.pool
          WHERE t.id IS NULL OR p.id IS NULL`,
  },
  {
    name: 'graduations without signature',
    rule: 'every graduated token has its graduation signature',
    sql: `SELECT mint_address AS example FROM tokens WHERE is_graduated AND graduation_signature IS NULL`,
  },
  {
    // The writer moves a pool to the trade (or AMM liquidity change) with the highest slot it has seen
    // (last_signature). Pools whose trades were all dropped by retention have nothing to compare with and are skipped.
    name: 'pool reserves vs last trade',
    rule: "every pool's reserves are those of its last trade or liquidity change",
    // Trades hold their signature as bytes, liquidity events and pools as base58: each side is matched in
    // its own form, the pools' named signature decoded once per pool.
    sql: `WITH trade_state AS (
            SELECT pool, slot, signature, ix_index, inner_ix_index, virtual_sol_reserves, virtual_token_reserves, real_sol_reserves, real_token_reserves
            FROM transactions),
          liquidity_state AS (
            SELECT pool, slot, signature, ix_index, inner_ix_index, quote_reserves AS virtual_sol_reserves, base_reserves AS virtual_token_reserves,
                   quote_reserves AS real_sol_reserves, base_reserves AS real_token_reserves
            FROM liquidity_events WHERE base_reserves IS NOT NULL AND quote_reserves IS NOT NULL),
          named AS MATERIALIZED (
            SELECT pool_address, last_signature, megatron_base58_decode(last_signature) AS last_bytes FROM pools WHERE last_signature IS NOT NULL),
          last AS (
            SELECT DISTINCT ON (x.pool) x.pool, x.slot, x.virtual_sol_reserves, x.virtual_token_reserves, x.real_sol_reserves, x.real_token_reserves
            FROM (SELECT t.pool, t.slot, t.ix_index, t.inner_ix_index, t.virtual_sol_reserves, t.virtual_token_reserves, t.real_sol_reserves, t.real_token_reserves
                  FROM trade_state t JOIN named p ON p.pool_address = t.pool AND t.signature = p.last_bytes
                  UNION ALL
                  SELECT l.pool, l.slot, l.ix_index, l.inner_ix_index, l.virtual_sol_reserves, l.virtual_token_reserves, l.real_sol_reserves, l.real_token_reserves
                  FROM liquidity_state l JOIN named p ON p.pool_address = l.pool AND l.signature = p.last_signature) x
            ORDER BY x.pool, x.ix_index DESC, x.inner_ix_index DESC),
          newest AS (SELECT pool, max(slot) AS slot
                     FROM (SELECT pool, slot FROM trade_state UNION ALL SELECT pool, slot FROM liquidity_state) s GROUP BY pool)
          SELECT p.pool_address || CASE
                   WHEN n.slot > p.last_slot OR p.last_slot IS NULL THEN ' state at slot ' || coalesce(p.last_slot::text, 'none') || ', newest trade at ' || n.slot
                   WHEN l.pool IS NULL THEN ' last trade ' || coalesce(p.last_signature, 'none') || ' not stored'
                   ELSE ' virtual ' || p.virtual_sol_reserves || '/' || p.virtual_token_reserves || ' ≠ trade ' || l.virtual_sol_reserves || '/' || l.virtual_token_reserves END AS example
          FROM pools p JOIN newest n ON n.pool = p.pool_address LEFT JOIN last l ON l.pool = p.pool_address
          WHERE n.slot > p.last_slot OR p.last_slot IS NULL OR l.pool IS NULL
             OR (p.virtual_sol_reserves, p.virtual_token_reserves, p.real_sol_reserves, p.real_token_reserves)
                IS DISTINCT FROM (l.virtual_sol_reserves, l.virtual_token_reserves, l.real_sol_reserves, l.real_token_reserves)`,
  },
  {
    // Trust policy (docs/decoding.md): the events are stored, but a disagreement stays visible until a
    // decoder fix clears it (`megatron quarantine retry --flagged`).
    name: 'self-check disagreements',
    rule: 'no stored transaction is flagged by the balance self-check (decode_flags)',
    sql: `SELECT f.signature || ' (slot ' || f.slot || ', decoder ' || f.decoder_version || '): ' ||
                 coalesce(p->'check'->>'subject', p->>'message') || ': balances ' || coalesce(p->'check'->>'actual', '?') ||
                 ', events ' || coalesce(p->'check'->'expected'->>0, '?') AS example
          FROM decode_flags f CROSS JOIN LATERAL (SELECT f.problems->0 AS p) first
          ORDER BY f.flagged_at, f.signature`,
  },
];

export interface ConsistencyOptions {
  /** Candles are compared with trades from here on (they must still be within the 1m candles' retention). */
  candlesSince: Date;
}

/** Runs every rule and the candle check (`check candles`); `ok` is false when anything is off. */
export async function checkConsistency(db: Queryable, opts: ConsistencyOptions): Promise<ConsistencyReport> {
  const checks: CheckResult[] = [];
  for (const r of RULES) {
    const res = await db.query<{ example: string }>(r.sql);
    checks.push({ name: r.name, rule: r.rule, violations: res.rows.length, examples: res.rows.slice(0, SAMPLE_LIMIT).map((x) => x.example) });
  }
  const candles = await checkCandles(db, { since: opts.candlesSince });
  checks.push({
    name: 'candles vs trades',
    rule: `every candle since ${opts.candlesSince.toISOString()} matches the raw trades`,
    violations: candles.mismatches.length,
    examples: candles.mismatches.slice(0, SAMPLE_LIMIT).map((m) => `${m.timeframe} ${m.bucket.toISOString()} ${m.mint} ${m.problem} ${Object.keys(m.fields).join(',')}`.trimEnd()),
  });
  return { checks, candles, ok: checks.every((c) => c.violations === 0) };
}

/** Fetches one transaction (`getTransaction` result, or null when the node does not have it). */
export type FetchTransaction = (signature: string) => Promise<unknown>;

/** Columns compared with the chain: everything but our token id (the mint is compared instead). */
const CHAIN_COLUMNS = TRADE_COLUMNS.filter((c) => c !== 'token_id');
const NIL_UUID = '00000000-0000-0000-0000-000000000000';

/**
 * The seed's "cross-reference with blockchain": re-fetches `sample` stored transactions, decodes them and
 * compares every trade with the stored rows (missing, extra, or differing columns).
 */
export async function checkAgainstChain(db: Queryable, fetch: FetchTransaction, sample: number): Promise<CheckResult> {
  const sigs = await db.query<{ signature: Uint8Array }>(
    `SELECT signature FROM (SELECT DISTINCT signature FROM transactions) s ORDER BY random() LIMIT $1`,
    [sample],
  );
  const problems: string[] = [];
  for (const stored of sigs.rows) {
    const signature = base58Text(stored.signature);
    const bytes = signatureBytea(signature)!;
    const result = await fetch(signature);
    if (result === null || result === undefined) {
      problems.push(`${signature} not found on chain`);
      continue;
    }
    const trades = decodeTransaction(normalizeRpcTransaction(result, DECODER_READ_CONTEXT)).events.filter((e): e is TradeEvent => e.type === 'trade');
    const expected: Record<string, unknown>[] = [];
    for (const t of trades) {
      const keys = tradeBytes(t);
      if (typeof keys === 'string') {
        problems.push(`${signature}:${t.ixIndex}:${t.innerIxIndex} decodes to a trade that cannot be stored: ${keys}`);
        continue;
      }
      const row = tradeRow(t, NIL_UUID, keys);
      expected.push(Object.fromEntries(TRADE_COLUMNS.map((c, i) => [c, row[i]])));
    }
    const res = await db.query<{ key: string; missing: boolean; extra: boolean; differs: string[] }>(
      `WITH exp AS (SELECT * FROM json_populate_recordset(NULL::transactions, $1::json)),
            got AS (SELECT * FROM transactions WHERE signature = $2::text::bytea)
       SELECT coalesce(e.ix_index, g.ix_index) || ':' || coalesce(e.inner_ix_index, g.inner_ix_index) AS key,
              g.signature IS NULL AS missing, e.signature IS NULL AS extra,
              array_remove(ARRAY[${CHAIN_COLUMNS.map((c) => `CASE WHEN e.${c} IS DISTINCT FROM g.${c} THEN '${c}' END`).join(', ')}], NULL) AS differs
       FROM exp e FULL JOIN got g ON g.ix_index = e.ix_index AND g.inner_ix_index = e.inner_ix_index`,
      [JSON.stringify(expected), bytes],
    );
    for (const r of res.rows) {
      if (r.missing) problems.push(`${signature}:${r.key} on chain, not stored`);
      else if (r.extra) problems.push(`${signature}:${r.key} stored, not on chain`);
      else if (r.differs.length > 0) problems.push(`${signature}:${r.key} differs in ${r.differs.join(', ')}`);
    }
  }
  return {
    name: 'stored trades vs chain',
    rule: `${sigs.rows.length} sampled transactions re-fetched and decoded match the stored trades`,
    violations: problems.length,
    examples: problems.slice(0, SAMPLE_LIMIT),
  };
}

/** The report as readable lines: ✓ per rule that holds, ✗ with examples per rule that does not. */
export function formatConsistency(checks: readonly CheckResult[]): string {
  let out = '';
  for (const c of checks) {
    if (c.violations === 0) {
      out += `✓ ${c.name}: ${c.rule}\n`;
      continue;
    }
    out += `✗ ${c.name}: ${c.violations} violation(s) of "${c.rule}"\n`;
    for (const e of c.examples) out += `    ${e}\n`;
    if (c.violations > c.examples.length) out += `    … ${c.violations - c.examples.length} more\n`;
  }
  const bad = checks.filter((c) => c.violations > 0);
  out += bad.length === 0 ? 'OK: the database is consistent\n' : `FAILED: ${bad.map((c) => c.name).join(', ')}\n`;
  return out;
}
