import type { Queryable } from '../../db/types.ts';
import { addressBytea, base58Text } from '../../db/bytea.ts';
import { holderMetrics, type HolderBalance, type HolderMetrics } from '../holders/metrics.ts';
import { SCORE_FORMULA_VERSION, type HolderInputs, type MetadataFacts, type ScoreInputs, type TechnicalInputs } from './formula.ts';

/** Snipers: first buy within this many slots of the token's first trade (docs/scoring.md). */
export const SNIPER_SLOTS = 2;
/** Bundles: a slot with at least this many distinct buyers. */
export const BUNDLE_MIN_BUYERS = 3;

export interface ScoreToken {
  tokenId: string;
  mint: string;
  name: string;
  symbol: string;
  uri: string;
  creator: string | null;
  /** Base-unit decimals; null while unknown (the holder size buckets need them). */
  decimals: number | null;
}

/** What the trending rank reads besides the score (docs/scoring.md, "Trending rank"). */
export interface ActivityInputs {
  /** Distinct buying wallets in the last 5 minutes. */
  buyers5m: number;
}

/** Everything gathered for one token at one `asOf`: the score's inputs and the full holder metrics. */
export interface TokenFacts {
  token: ScoreToken;
  score: ScoreInputs;
  holders: HolderMetrics;
  activity: ActivityInputs;
}

const SEQ = 'megatron_trade_seq(block_time, slot, ix_index, inner_ix_index, signature)';

type TechnicalRow = Record<string, string | null> & { token_id: string };

/**
 * Trading facts at `asOf` of every token in `tokenIds` in ONE query (windows end at asOf, inclusive),
 * each token read through the (token_id, block_time) index: the work is bounded by these tokens' own
 * trades of the last hour, whatever the size of the table.
 */
async function technicalInputs(db: Queryable, tokenIds: readonly string[], asOf: Date): Promise<Map<string, { technical: TechnicalInputs; activity: ActivityInputs }>> {
  const res = await db.query<TechnicalRow>(
    `WITH tok AS (SELECT DISTINCT unnest($1::uuid[]) AS token_id),
     agg AS (
       SELECT token_id,
              coalesce(sum(sol_amount) FILTER (WHERE block_time > $2::timestamptz - INTERVAL '5 minutes'), 0)::text AS vol5m,
              sum(sol_amount)::text AS vol1h,
              count(*) FILTER (WHERE block_time > $2::timestamptz - INTERVAL '5 minutes')::text AS trades5m,
              count(*)::text AS trades1h,
              count(DISTINCT user_address)::text AS traders,
              count(*) FILTER (WHERE type = 'buy')::text AS buys,
              count(*) FILTER (WHERE type = 'sell')::text AS sells,
              count(DISTINCT user_address) FILTER (WHERE type = 'buy' AND block_time > $2::timestamptz - INTERVAL '5 minutes')::text AS buyers5m,
              ((array_agg(price_per_token ORDER BY ${SEQ}))[1])::numeric::text AS first_price
       FROM transactions
       WHERE token_id = ANY($1::uuid[]) AND block_time <= $2 AND block_time > $2::timestamptz - INTERVAL '1 hour'
       GROUP BY token_id)
     SELECT tok.token_id::text AS token_id, l.quote_decimals::text AS quote_decimals, l.real_sol_reserves::text AS real_quote,
            l.progress_pct::numeric::text AS progress, l.price_per_token::numeric::text AS price_now,
            coalesce(b.price_per_token::numeric::text, agg.first_price) AS price_ago,
            agg.vol5m, agg.vol1h, agg.trades5m, agg.trades1h, agg.traders, agg.buys, agg.sells, agg.buyers5m
     FROM tok
     LEFT JOIN agg USING (token_id)
     LEFT JOIN LATERAL (
       SELECT real_sol_reserves, progress_pct, price_per_token, quote_decimals FROM transactions x
       WHERE x.token_id = tok.token_id AND x.block_time <= $2 ORDER BY ${SEQ} DESC LIMIT 1) l ON true
     LEFT JOIN LATERAL (
       SELECT price_per_token FROM transactions x
       WHERE x.token_id = tok.token_id AND x.block_time <= $2::timestamptz - INTERVAL '1 hour' ORDER BY ${SEQ} DESC LIMIT 1) b ON true`,
    [tokenIds, asOf],
  );
  return new Map(res.rows.map((r) => [r.token_id, {
    technical: {
      quoteDecimals: Number(r.quote_decimals ?? 9),
      realQuoteReserves: r.real_quote ?? null,
      volumeQuote5m: r.vol5m ?? '0',
      volumeQuote1h: r.vol1h ?? '0',
      trades5m: Number(r.trades5m ?? 0),
      trades1h: Number(r.trades1h ?? 0),
      uniqueTraders1h: Number(r.traders ?? 0),
      buys1h: Number(r.buys ?? 0),
      sells1h: Number(r.sells ?? 0),
      progressPct: r.progress ?? null,
      priceNow: r.price_now ?? null,
      price1hAgo: r.price_ago ?? null,
    },
    activity: { buyers5m: Number(r.buyers5m ?? 0) },
  }]));
}

/** Positive balances of each of `mints`, base units. */
export async function loadBalancesOf(db: Queryable, mints: readonly string[]): Promise<Map<string, HolderBalance[]>> {
  const res = await db.query<{ mint: string; owner: string; amount: string }>(
    'SELECT mint, owner, amount::text AS amount FROM holder_balances WHERE mint = ANY($1::text[]) AND amount > 0',
    [mints],
  );
  const out = new Map<string, HolderBalance[]>(mints.map((m) => [m, []]));
  for (const r of res.rows) out.get(r.mint)!.push({ owner: r.owner, amount: BigInt(r.amount) });
  return out;
}

/** Sniper and bundle wallets of each token at `asOf` (the creator is neither), one query for all. */
async function clusterWallets(db: Queryable, tokens: readonly ScoreToken[], asOf: Date): Promise<Map<string, { snipers: string[]; bundlers: string[] }>> {
  const res = await db.query<{ token_id: string; kind: string; wallet: Uint8Array }>(
    `WITH tok AS (SELECT * FROM unnest($1::uuid[], $3::text[]::bytea[]) AS t(token_id, creator)),
          buys AS (SELECT x.token_id, x.user_address, x.slot FROM transactions x JOIN tok ON tok.token_id = x.token_id
                   WHERE x.token_id = ANY($1::uuid[]) AND x.type = 'buy' AND x.block_time <= $2 AND x.user_address IS DISTINCT FROM tok.creator),
          first_slot AS (SELECT token_id, min(slot) AS s FROM transactions WHERE token_id = ANY($1::uuid[]) AND block_time <= $2 GROUP BY token_id)
     SELECT DISTINCT b.token_id::text AS token_id, 'sniper' AS kind, b.user_address AS wallet
       FROM buys b JOIN first_slot f ON f.token_id = b.token_id WHERE b.slot <= f.s + ${SNIPER_SLOTS}
     UNION
     SELECT DISTINCT b.token_id::text, 'bundle', b.user_address FROM buys b
       JOIN (SELECT token_id, slot FROM buys GROUP BY token_id, slot HAVING count(DISTINCT user_address) >= ${BUNDLE_MIN_BUYERS}) c
         ON c.token_id = b.token_id AND c.slot = b.slot
     ORDER BY 1, 2, 3`,
    [tokens.map((t) => t.tokenId), asOf, tokens.map((t) => (t.creator === null ? null : addressBytea(t.creator)))],
  );
  const out = new Map(tokens.map((t) => [t.tokenId, { snipers: [] as string[], bundlers: [] as string[] }]));
  for (const r of res.rows) (r.kind === 'sniper' ? out.get(r.token_id)!.snipers : out.get(r.token_id)!.bundlers).push(base58Text(r.wallet));
  return out;
}

function holderInputs(token: ScoreToken, m: HolderMetrics, balances: HolderBalance[], wallets: { snipers: string[]; bundlers: string[] }): HolderInputs {
  const balanceOf = new Map(balances.map((b) => [b.owner, b.amount]));
  const sum = (owners: string[]) => owners.reduce((s, o) => s + (balanceOf.get(o) ?? 0n), 0n);
  return {
    holders: m.totalHolders,
    heldSupply: m.heldSupply.toString(),
    top10Pct: m.top10Pct,
    gini: m.gini,
    creatorBalance: (token.creator ? (balanceOf.get(token.creator) ?? 0n) : 0n).toString(),
    sniperWallets: wallets.snipers.length,
    sniperBalance: sum(wallets.snipers).toString(),
    bundleWallets: wallets.bundlers.length,
    bundleBalance: sum(wallets.bundlers).toString(),
  };
}

/**
 * Everything the score, the holder metrics and the trending rank read, for many tokens at one `asOf`,
 * in three queries whatever their number. `metadata` maps a mint to its metadata facts.
 */
export async function gatherTokenFacts(db: Queryable, tokens: readonly ScoreToken[], asOf: Date, metadata: ReadonlyMap<string, MetadataFacts>): Promise<TokenFacts[]> {
  if (tokens.length === 0) return [];
  const ids = tokens.map((t) => t.tokenId);
  const [trading, balances, wallets] = [
    await technicalInputs(db, ids, asOf),
    await loadBalancesOf(db, tokens.map((t) => t.mint)),
    await clusterWallets(db, tokens, asOf),
  ];
  return tokens.map((token) => {
    const held = balances.get(token.mint) ?? [];
    const holders = holderMetrics(held, token.decimals ?? 0);
    const t = trading.get(token.tokenId)!;
    return {
      token,
      holders,
      activity: t.activity,
      score: {
        version: SCORE_FORMULA_VERSION,
        technical: t.technical,
        holder: holderInputs(token, holders, held, wallets.get(token.tokenId)!),
        social: { name: token.name, symbol: token.symbol, uri: token.uri, metadata: metadata.get(token.mint)! },
      },
    };
  });
}
