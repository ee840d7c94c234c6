import type { Cache } from '../../cache/store.ts';
import { updateRankedTokens, writeScores, type ScoreSnapshot } from '../../cache/tokens.ts';
import { errorMessage } from '../../core/errors.ts';
import { log } from '../../core/logger.ts';
import { liveAnalyticsBacklog, liveAnalyticsRound, liveAnalyticsTokens } from '../../core/metrics.ts';
import type { Queryable } from '../../db/types.ts';
import type { MetadataFacts } from '../scores/formula.ts';
import type { ScoreToken } from '../scores/inputs.ts';
import { fetchMetadataFacts, knownMetadataOf, METADATA_PENDING } from '../scores/metadata.ts';
import { computeTokenAnalytics, scoreTokensByMint, storeTokenAnalytics, type TokenAnalytics } from './compute.ts';

export interface LiveAnalyticsOptions {
  /** Least time between the starts of two rounds: trades of one token within it coalesce (default 250 ms). */
  roundGapMs?: number;
  /** Most tokens recomputed per round; the rest wait for the next (default 300). */
  maxTokensPerRound?: number;
  /** Metadata fetches in flight at once (default 4) and each one's time limit (default 3 s). */
  metadataConcurrency?: number;
  metadataTimeoutMs?: number;
}

/** Outcome of one round, for tests and benchmarks. */
export interface LiveRound {
  tokens: number;
  asOfSlot: number;
  ms: number;
}

/** While the pipeline is behind its input, the worker idles this many times a round's length between rounds. */
const CATCH_UP_IDLE = 9;

/** Metadata facts fetched by this process (when the cache cannot keep them, a token must not refetch forever). */
const FETCHED_LIMIT = 10_000;

/**
 * Real-time analytics (docs/realtime.md): the after-commit hook marks the tokens a batch touched; this
 * worker recomputes their holder metrics, score and trending rank from the committed data in rounds of
 * its own — off the commit path, at most one round at a time, a token marked many times between two
 * rounds computed once — then upserts token_analytics and updates the cached scores and both rankings.
 * Metadata never blocks a round: a uri not yet known scores as `unavailable` and is fetched in the
 * background, which marks the token again when the facts arrive.
 */
export class LiveAnalytics {
  private readonly dirty = new Map<string, number>();
  private committedSlot = 0;
  private pipelineBehind = false;
  /** No round starts before this (the rest after the previous round). */
  private nextRoundAt = 0;
  private loop: Promise<void> | null = null;
  private closed = false;
  private readonly fetching = new Set<string>();
  private readonly fetched = new Map<string, MetadataFacts>();
  private readonly fetchQueue: ScoreToken[] = [];
  private readonly gapMs: number;
  private readonly maxTokens: number;
  private readonly listeners: ((round: LiveRound) => void)[] = [];

  constructor(private readonly db: Queryable, private readonly cache: Cache, private readonly opts: LiveAnalyticsOptions = {}) {
    this.gapMs = opts.roundGapMs ?? 250;
    this.maxTokens = opts.maxTokensPerRound ?? 300;
  }

  /**
   * Marks tokens for recomputation; `committedSlot` is the newest slot whose data is committed;
   * `pipeline.behind`: the pipeline is behind its input (a batch from the pipeline says so; a metadata
   * fetch's mark leaves the state as it was).
   */
  mark(mints: Iterable<string>, committedSlot: number | null, pipeline?: { behind: boolean }): void {
    if (this.closed) return;
    if (pipeline) this.pipelineBehind = pipeline.behind;
    if (committedSlot !== null && committedSlot > this.committedSlot) this.committedSlot = committedSlot;
    for (const mint of mints) this.dirty.set(mint, this.committedSlot);
    liveAnalyticsBacklog.set(this.dirty.size);
    if (this.dirty.size > 0) this.loop ??= this.runRounds();
  }

  /** Called after each round (benchmarks, tests). */
  onRound(listener: (round: LiveRound) => void): void {
    this.listeners.push(listener);
  }

  /** Computes what is still marked, then stops taking marks (a clean stop leaves every token current). */
  async close(): Promise<void> {
    while (this.loop) await this.loop;
    this.closed = true;
  }

  private async runRounds(): Promise<void> {
    try {
      // The rest after the last round holds also when marks stop and resume in between.
      const wait = this.nextRoundAt - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      while (this.dirty.size > 0) {
        const started = Date.now();
        await this.round();
        const took = Date.now() - started;
        // At least the gap between round starts. While the pipeline keeps up with its input, idle for half
        // the round's time (a longer pause makes a worker that fell behind take bigger rounds and fall
        // further behind — measured on the embedded database at 1,000 tx/s). While the pipeline is behind
        // (catching up at full speed, or a source that always runs at full speed), the commits come first:
        // idle nine times the round (rounds ≤ 10 % of the time; the target is ≥ 0.9 of the pipeline's
        // throughput without the worker).
        const rest = Math.max(this.gapMs - took, this.pipelineBehind ? took * CATCH_UP_IDLE : took / 2);
        this.nextRoundAt = Date.now() + rest;
        if (this.dirty.size > 0) await new Promise((r) => setTimeout(r, rest));
      }
    } finally {
      this.loop = null;
    }
  }

  private async round(): Promise<void> {
    const mints = [...this.dirty.keys()].slice(0, this.maxTokens);
    for (const m of mints) this.dirty.delete(m);
    const asOfSlot = this.committedSlot;
    const stop = liveAnalyticsRound.startTimer();
    const started = Date.now();
    try {
      const asOf = (await this.db.query<{ now: Date }>('SELECT now() AS now')).rows[0]!.now;
      const tokens = await scoreTokensByMint(this.db, mints);
      const rows = await computeTokenAnalytics(this.db, tokens, asOf, await this.metadataOf(tokens));
      await storeTokenAnalytics(this.db, rows, asOf, asOfSlot);
      await publishAnalytics(this.cache, rows, asOf, asOfSlot);
      liveAnalyticsTokens.inc(rows.length);
      const round = { tokens: rows.length, asOfSlot, ms: Date.now() - started };
      for (const l of this.listeners) l(round);
    } catch (err) {
      // The data is committed; the safety-net job (analytics:realtime) repairs what a failed round missed.
      log().warn({ err: errorMessage(err), tokens: mints.length }, 'real-time analytics round failed');
    } finally {
      stop();
      liveAnalyticsBacklog.set(this.dirty.size);
    }
  }

  /** Metadata known without the network; the rest score as pending and are fetched in the background. */
  private async metadataOf(tokens: readonly ScoreToken[]): Promise<Map<string, MetadataFacts>> {
    const out = new Map<string, MetadataFacts>();
    const cached = await knownMetadataOf(tokens.filter((t) => !this.fetched.has(t.uri)), this.cache);
    for (const t of tokens) {
      const known = this.fetched.get(t.uri) ?? cached.get(t.mint);
      if (known) out.set(t.mint, known);
      else {
        out.set(t.mint, METADATA_PENDING);
        this.queueFetch(t);
      }
    }
    return out;
  }

  private queueFetch(token: ScoreToken): void {
    if (this.fetching.has(token.uri)) return;
    this.fetching.add(token.uri);
    this.fetchQueue.push(token);
    if (this.fetching.size - this.fetchQueue.length < (this.opts.metadataConcurrency ?? 4)) void this.fetchNext();
  }

  private async fetchNext(): Promise<void> {
    // After close the cache may be gone: queued fetches wait for the next process.
    const token = this.closed ? undefined : this.fetchQueue.shift();
    if (!token) return;
    const facts = await fetchMetadataFacts(token.uri, { cache: this.cache, timeoutMs: this.opts.metadataTimeoutMs }).catch(() => METADATA_PENDING);
    if (this.fetched.size >= FETCHED_LIMIT) this.fetched.clear();
    this.fetched.set(token.uri, facts);
    this.fetching.delete(token.uri);
    this.mark([token.mint], null);
    void this.fetchNext();
  }
}

/** The computed rows' scores into the cache and both rankings (ZADD: the members that changed). */
export async function publishAnalytics(cache: Cache, rows: readonly TokenAnalytics[], asOf: Date, asOfSlot: number | null): Promise<void> {
  if (rows.length === 0) return;
  const snapshots = new Map<string, ScoreSnapshot>(rows.map((a) => [a.token.mint, {
    technical_score: a.score.technical, holder_score: a.score.holder, social_score: a.score.social, total_score: a.score.total,
    last_updated: asOf.toISOString(), as_of_slot: asOfSlot, trending_score: a.trending.score,
  }]));
  await writeScores(cache, snapshots);
  await updateRankedTokens(
    cache,
    rows.map((a) => ({ member: a.token.mint, score: a.score.total })),
    rows.map((a) => ({ member: a.token.mint, score: a.trending.score })),
  );
}
