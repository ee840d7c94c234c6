import { getCandles } from '../analytics/candles/query.ts';
import { HOT_SET_SIZE } from '../cache/keys.ts';
import type { TokenRank } from '../cache/keys.ts';
import { loadHotTokens, loadLatestScores, loadPriceSnapshots } from '../cache/sync.ts';
import { readHotTokens, readPrice, readScore, type ScoreSnapshot } from '../cache/tokens.ts';
import type { Cache } from '../cache/store.ts';
import { cacheRequests, feedSubscribers, wallClockLag } from '../core/metrics.ts';
import type { Db } from '../db/index.ts';
import { base58Text } from '../db/bytea.ts';
import type { LiveFeed } from '../feed/live-feed.ts';
import { decodeCursor, encodeCursor, tokenCursor, tradeCursor } from './cursor.ts';
import { ApiError } from './errors.ts';
import * as M from './model.ts';
import * as Q from './queries/market.ts';
import * as SysQ from './queries/system.ts';
import * as T from './queries/tokens.ts';
import type { ApiData } from './routes.ts';
import { TIMEFRAMES, type Timeframe, type TokensQuery, type TradesQuery } from './schemas.ts';

const iso = (d: Date | string | null): string | null => (d === null ? null : new Date(d).toISOString());

/**
 * Short-lived memo with single flight: concurrent identical reads share one database query, and repeats
 * within `ttlMs` are answered from memory. It bounds database load from many clients polling the same
 * lists; per-token prices and scores go through the shared Redis cache instead.
 */
class Memo {
  private readonly entries = new Map<string, { until: number; value: Promise<unknown> }>();
  constructor(private readonly maxEntries = 10_000) {}

  get<T>(key: string, ttlMs: number, load: () => Promise<T>): Promise<T> {
    const now = Date.now();
    const hit = this.entries.get(key);
    if (hit && hit.until > now) return hit.value as Promise<T>;
    if (this.entries.size >= this.maxEntries) this.entries.clear();
    const value = load();
    this.entries.set(key, { until: now + ttlMs, value });
    value.catch(() => this.entries.delete(key));
    return value;
  }
}

export interface SqlApiDataOptions {
  db: Db;
  cache: Cache;
  feed: LiveFeed;
  /** /ready answers 503 while the newest committed trade is older than this (catching up). */
  maxLagSeconds: number;
}

/** The API's reads: Postgres through the named queries in `queries/`, cache first where the cache has the data. */
export class SqlApiData implements ApiData {
  private readonly db: Db;
  private readonly cache: Cache;
  private readonly memo = new Memo();
  /** mint → token id; ids never change once assigned, so this cache needs no invalidation. */
  private readonly tokenIds = new Map<string, string>();
  private schema: Promise<T.Schema> | undefined;

  constructor(private readonly opts: SqlApiDataOptions) {
    this.db = opts.db;
    this.cache = opts.cache;
  }

  /** Which analytics tables exist, probed once per minute (they arrive with later migrations). */
  private tables(): Promise<T.Schema> {
    return this.memo.get('schema', 60_000, async () => {
      const r = (await this.db.query<{ scores: boolean; analytics: boolean; holder_snapshots: boolean; holder_balances: boolean }>(T.SCHEMA_PROBE)).rows[0]!;
      return { scores: r.scores, analytics: r.analytics, holderSnapshots: r.holder_snapshots, holderBalances: r.holder_balances };
    });
  }

  private async tokenId(mint: string): Promise<string | null> {
    const known = this.tokenIds.get(mint);
    if (known) return known;
    const row = (await this.db.query<{ id: string }>(T.TOKEN_ID_BY_MINT, [mint])).rows[0];
    if (!row) return null;
    if (this.tokenIds.size > 200_000) this.tokenIds.clear();
    this.tokenIds.set(mint, row.id);
    return row.id;
  }

  private async requireTokenId(mint: string): Promise<string> {
    const id = await this.tokenId(mint);
    if (id === null) throw new ApiError(404, 'not_found', `no token with mint ${mint}`);
    return id;
  }

  async listTokens(q: TokensQuery): Promise<M.Page<M.TokenSummary>> {
    const key = q.cursor ? decodeCursor(q.cursor, tokenCursor[q.sort]) : null;
    return this.memo.get(`tokens:${JSON.stringify(q)}`, 2000, async () => {
      const sql = T.tokenPageSql(q.sort, await this.tables());
      const rows = (
        await this.db.query<T.TokenSummaryRow>(sql, [q.platform ?? null, q.graduated ?? null, key?.[0] ?? null, key?.[1] ?? null, q.limit + 1])
      ).rows;
      const more = rows.length > q.limit;
      const page = rows.slice(0, q.limit);
      const last = page[page.length - 1];
      return { data: page.map(summary), next_cursor: more && last ? encodeCursor([last.sort_key ?? null, last.mint]) : null };
    });
  }

  async hotTokens(limit: number, rank: TokenRank = 'score'): Promise<M.HotToken[]> {
    const schema = await this.tables();
    const members = await readHotTokens(this.cache, limit, async () => {
      const scored = schema.scores ? await loadHotTokens(this.db, rank) : [];
      if (scored.length > 0) return scored;
      // Before the first scoring run: the most traded tokens of the last hour.
      const rows = (await this.db.query<{ mint: string; score: number }>(T.HOT_BY_ACTIVITY, [HOT_SET_SIZE])).rows;
      return rows.map((r) => ({ member: r.mint, score: Number(r.score) }));
    }, rank);
    const mints = members.map((m) => m.member);
    if (mints.length === 0) return [];
    const rows = await this.memo.get(`hot:${mints.join(',')}`, 2000, async () => (await this.db.query<T.TokenSummaryRow>(T.tokensByMintSql(schema), [mints])).rows);
    const byMint = new Map(rows.map((r) => [r.mint, summary(r)]));
    return members.flatMap((m) => {
      const s = byMint.get(m.member);
      return s ? [{ ...s, rank_score: m.score }] : [];
    });
  }

  async token(mint: string): Promise<M.TokenDetail | null> {
    const schema = await this.tables();
    const row = await this.memo.get(`token:${mint}`, 1000, async () => (await this.db.query<T.TokenDetailRow>(T.tokenDetailSql(schema), [mint])).rows[0] ?? null);
    if (!row) return null;
    this.tokenIds.set(mint, row.id);
    const [pools, price, score] = await Promise.all([
      this.memo.get(`pools:${row.id}`, 1000, async () =>
        (await this.db.query<T.PoolRow>(T.POOLS_OF_TOKEN, [row.id])).rows.map((p) => ({ ...p, last_slot: p.last_slot === null ? null : Number(p.last_slot) }))),
      this.price(mint),
      schema.scores ? this.latestScore(mint) : Promise.resolve(null),
    ]);
    const base = summary(row);
    return {
      ...base,
      score: score?.total_score ?? base.score,
      trending: score?.trending_score ?? base.trending,
      score_as_of_slot: score?.as_of_slot ?? null,
      uri: row.uri,
      decimals: row.decimals ?? 6,
      supply: row.supply,
      creation_signature: row.creation_signature,
      graduation_signature: row.graduation_signature,
      pools,
      price,
    };
  }

  /** `price:current:{mint}` read-through; on a miss the cache module's own loader answers and refills it. */
  async price(mint: string): Promise<M.TokenDetail['price']> {
    let fromDb = false;
    const snap = await readPrice(this.cache, mint, async () => {
      fromDb = true;
      return (await loadPriceSnapshots(this.db, [mint])).get(mint) ?? null;
    });
    if (!snap) return { price: null, volume_1h: null, change_1h: null, last_trade: null, last_signature: null, source: 'database' };
    return {
      price: snap.price,
      volume_1h: snap.volume_1h,
      change_1h: snap.change_1h === null ? null : Number(snap.change_1h),
      last_trade: snap.last_trade.block_time,
      last_signature: snap.last_trade.signature,
      source: fromDb ? 'database' : 'cache',
    };
  }

  /** `token:score:{mint}` read-through. */
  latestScore(mint: string): Promise<ScoreSnapshot | null> {
    return readScore(this.cache, mint, async () => (await loadLatestScores(this.db, [mint])).get(mint) ?? null);
  }

  /** Candles through the analytics query surface (continuous aggregates or rollups, same relations). */
  async candles(mint: string, tf: Timeframe, from: number, to: number): Promise<M.Candle[]> {
    await this.requireTokenId(mint);
    const width = TIMEFRAMES[tf];
    const start = from - (from % width);
    // A short memo: concurrent readers share one query, yet the newest candle stays within ~200 ms of the last commit.
    return this.memo.get(`candles:${mint}:${tf}:${start}:${to}`, 200, async () => {
      const rows = await getCandles(this.db, mint, tf, new Date(start * 1000), new Date(to * 1000));
      return rows.map((c) => ({
        time: Math.floor(c.bucket.getTime() / 1000),
        open: c.open,
        high: c.high,
        low: c.low,
        close: c.close,
        volume_token: c.volumeToken.toString(),
        volume_quote: c.volumeQuote.toString(),
        trades: Number(c.trades),
        buyers: Number(c.buyers),
        sellers: Number(c.sellers),
      }));
    });
  }

  async trades(mint: string, q: TradesQuery): Promise<M.Page<M.Trade>> {
    const id = await this.requireTokenId(mint);
    const key = q.cursor ? decodeCursor(q.cursor, tradeCursor) : null;
    const load = async () =>
      (await this.db.query<Q.TradeRow>(Q.TRADES_PAGE, [id, q.side ?? null, key?.[0] ?? null, key?.[1] ?? null, key?.[2] ?? null, key?.[3] ?? null, q.limit + 1])).rows;
    // The first page is what every open token page polls; older pages are stable and rarely asked twice.
    const rows = key ? await load() : await this.memo.get(`trades:${id}:${q.side ?? ''}:${q.limit}`, 1000, load);
    const page = rows.slice(0, q.limit);
    const last = page[page.length - 1];
    return {
      data: page.map((r) => ({
        signature: base58Text(r.signature),
        ix_index: r.ix_index,
        inner_ix_index: r.inner_ix_index,
        slot: Number(r.slot),
        time: iso(r.block_time)!,
        side: r.side,
        user: base58Text(r.user_address),
        sol_amount: r.sol_amount,
        token_amount: r.token_amount,
        price_sol: r.price,
        venue: r.venue as M.Trade['venue'],
        pool: r.pool,
      })),
      next_cursor: rows.length > q.limit && last ? encodeCursor([iso(last.block_time), base58Text(last.signature), last.ix_index, last.inner_ix_index]) : null,
    };
  }

  /** Holder metrics: the real-time row when there is one (docs/realtime.md), else the latest periodic snapshot. */
  async holders(mint: string, limit: number): Promise<M.Holders> {
    const id = await this.requireTokenId(mint);
    const schema = await this.tables();
    const [live, snapshots, top] = await Promise.all([
      schema.analytics ? this.db.query<Q.LiveHoldersRow>(Q.LIVE_HOLDERS, [id]) : Promise.resolve({ rows: [] }),
      schema.holderSnapshots ? this.db.query<Q.SnapshotRow>(Q.LATEST_SNAPSHOT, [id]) : Promise.resolve({ rows: [] }),
      schema.holderBalances ? this.db.query<Q.TopHolderRow>(Q.TOP_HOLDERS, [mint, limit]) : Promise.resolve({ rows: [] }),
    ]);
    const l = live.rows[0];
    const s = snapshots.rows[0];
    const metrics = (r: Q.SnapshotRow, time: Date) => ({
      time: iso(time)!,
      total_holders: r.total_holders,
      top_10_pct: r.top_10_concentration,
      top_25_pct: r.top_25_concentration,
      gini: r.gini_coefficient,
      buckets: { '1_100': r.holders_1_100, '100_1k': r.holders_100_1k, '1k_10k': r.holders_1k_10k, '10k_plus': r.holders_10k_plus },
    });
    const snapshot = l
      ? {
          ...metrics(l, l.computed_at),
          source: 'live' as const,
          as_of_slot: Number(l.as_of_slot),
          dev_balance: l.dev_balance,
          snipers: { wallets: l.sniper_wallets, balance: l.sniper_balance },
          bundles: { wallets: l.bundle_wallets, balance: l.bundle_balance },
        }
      : s
        ? { ...metrics(s, s.snapshot_time), source: 'snapshot' as const, as_of_slot: null, dev_balance: null, snipers: null, bundles: null }
        : null;
    return { snapshot, top: top.rows };
  }

  async scores(mint: string, limit: number): Promise<M.Score[]> {
    const id = await this.requireTokenId(mint);
    if (!(await this.tables()).scores) return [];
    const rows = (await this.db.query<Q.ScoreRow>(Q.SCORES, [id, limit])).rows;
    return rows.map((r) => ({
      time: iso(r.calculated_at)!,
      total: r.total_score,
      technical: r.technical_score,
      holder: r.holder_score,
      social: r.social_score,
      liquidity: r.liquidity_score,
      trading: r.trading_score,
      distribution: r.distribution_score,
      details: r.score_details,
    }));
  }

  stats(): Promise<M.Stats> {
    return this.memo.get('stats', 1000, async () => {
      const [o, platforms, checkpoints, jobs, lag, cacheCounts, subscribers] = await Promise.all([
        this.db.query<SysQ.OverviewRow>(SysQ.OVERVIEW),
        this.db.query<SysQ.PlatformRow>(SysQ.BY_PLATFORM),
        this.db.query<{ source: string; slot: bigint; updated_at: Date }>(SysQ.CHECKPOINTS),
        this.db.query<{ name: string; last_run: Date | null; duration_ms: number | null; error: string | null }>(SysQ.JOBS),
        this.lagSeconds(),
        cacheRequests.get(),
        feedSubscribers.get(),
      ]);
      const overview = o.rows[0]!;
      const count = (result: string) => cacheCounts.values.filter((v) => v.labels.result === result).reduce((a, v) => a + v.value, 0);
      return {
        tokens: { total: overview.tokens_total, last_1h: overview.tokens_1h, graduated: overview.tokens_graduated },
        trades: { last_1m: overview.trades_1m, last_1h: overview.trades_1h, last_24h: overview.trades_24h },
        volume_24h_sol: overview.volume_24h,
        by_platform: platforms.rows,
        ingest: {
          trades_per_s: overview.trades_1m / 60,
          lag_seconds: lag,
          checkpoints: checkpoints.rows.map((c) => ({ source: c.source, slot: Number(c.slot), updated_at: iso(c.updated_at) })),
        },
        quarantine_rows: overview.quarantine_rows,
        jobs: jobs.rows.map((j) => ({ ...j, last_run: iso(j.last_run) })),
        cache: { mode: this.cache.kind, hits: count('hit'), misses: count('miss') },
        feed: { mode: this.opts.feed.mode, subscribers: subscribers.values[0]?.value ?? 0 },
      };
    });
  }

  /**
   * Ingest lag: the pipeline's own gauge when it runs in this process (`megatron run`), else the age of the
   * newest committed trade (a separate `megatron serve`). Null when nothing was ingested yet.
   */
  private async lagSeconds(): Promise<number | null> {
    const gauge = (await wallClockLag.get()).values;
    if (gauge.length > 0) return Math.max(...gauge.map((v) => v.value));
    const row = (await this.db.query<{ lag: number }>(SysQ.LAG)).rows[0];
    return row ? Math.max(0, row.lag) : null;
  }

  async ready(): Promise<M.Ready> {
    const max = this.opts.maxLagSeconds;
    try {
      const lag = await this.lagSeconds();
      const catchingUp = lag !== null && lag > max;
      return { ready: !catchingUp, database: true, lag_seconds: lag, max_lag_seconds: max, reason: catchingUp ? `catching up: ${lag.toFixed(0)} s behind` : null };
    } catch (err) {
      return { ready: false, database: false, lag_seconds: null, max_lag_seconds: max, reason: `database: ${(err as Error).message}` };
    }
  }
}

function summary(r: T.TokenSummaryRow): M.TokenSummary {
  return {
    mint: r.mint,
    name: r.name,
    symbol: r.symbol,
    platform: r.platform,
    creator: r.creator,
    created_at: iso(r.created_at)!,
    graduated: r.graduated,
    graduated_at: iso(r.graduated_at),
    price_sol: r.price_sol,
    volume_24h_sol: r.volume_24h_sol,
    trades_24h: r.trades_24h,
    progress_pct: r.progress_pct,
    score: r.score,
    trending: r.trending === null ? null : Number(r.trending),
    venue: (r.venue ?? 'curve') as M.TokenSummary['venue'],
    pool: r.pool,
  };
}
