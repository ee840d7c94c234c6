import type { LaunchpadEvent, Venue } from '../core/events.ts';

/**
 * What the live feed carries: the three things a trader watches (launches, trades, graduations), as
 * JSON-safe objects. Amounts stay exact as decimal strings (bigint has no JSON form); prices are the
 * decoder's ≥ 12-significant-digit strings, untouched.
 */
export type FeedKind = 'launch' | 'trade' | 'graduation';
export const FEED_KINDS: readonly FeedKind[] = ['launch', 'trade', 'graduation'];

interface FeedBase {
  kind: FeedKind;
  platform: LaunchpadEvent['program'];
  mint: string;
  signature: string;
  slot: number;
  blockTime: number | null;
  /** The event's stream sequence, when the feed reads the event stream (the SSE `id`, to resume from). */
  seq?: number;
}

export interface LaunchMessage extends FeedBase {
  kind: 'launch';
  name: string;
  symbol: string;
  uri: string;
  creator: string;
  pool: string;
  quoteMint: string;
}

export interface TradeMessage extends FeedBase {
  kind: 'trade';
  /** curve, or the AMM the token graduated to. */
  venue: Venue;
  pool: string;
  user: string;
  side: 'buy' | 'sell';
  solAmount: string;
  tokenAmount: string;
  priceSol: string;
  progressPct: string | null;
  baseDecimals: number;
  quoteDecimals: number;
}

export interface GraduationMessage extends FeedBase {
  kind: 'graduation';
  /** `completed`: the curve sold out; `migrated`: liquidity moved to the AMM pool `newPool`. */
  stage: 'completed' | 'migrated';
  pool: string;
  newPool: string | null;
  target: string | null;
}

export type FeedMessage = LaunchMessage | TradeMessage | GraduationMessage;

/** Maps one decoded event to its feed message; null for events the feed does not carry (AMM pool and liquidity changes). */
export function toFeedMessage(e: LaunchpadEvent): FeedMessage | null {
  const base = { platform: e.program, signature: e.signature, slot: e.slot, blockTime: e.blockTime };
  switch (e.type) {
    case 'token_created':
      return { ...base, kind: 'launch', mint: e.mint, name: e.name, symbol: e.symbol, uri: e.uri, creator: e.creator, pool: e.bondingCurve, quoteMint: e.quoteMint };
    case 'pool_created':
      return { ...base, kind: 'launch', mint: e.mint, name: e.name, symbol: e.symbol, uri: e.uri, creator: e.creator, pool: e.pool, quoteMint: e.quoteMint };
    case 'trade':
      return {
        ...base,
        kind: 'trade',
        mint: e.mint,
        venue: e.venue,
        pool: e.pool,
        user: e.user,
        side: e.side,
        solAmount: e.solAmount.toString(),
        tokenAmount: e.tokenAmount.toString(),
        priceSol: e.priceSol,
        progressPct: e.progressPct,
        baseDecimals: e.baseDecimals,
        quoteDecimals: e.quoteDecimals,
      };
    case 'curve_completed':
      return { ...base, kind: 'graduation', stage: 'completed', mint: e.mint, pool: e.pool, newPool: null, target: null };
    case 'migrated':
      return { ...base, kind: 'graduation', stage: 'migrated', mint: e.mint, pool: e.pool, newPool: e.newPool, target: e.target };
    case 'amm_pool_created':
    case 'liquidity':
      return null;
  }
}

/** The feed messages of a batch's events, in order. */
export function feedMessagesOf(events: readonly LaunchpadEvent[]): FeedMessage[] {
  const out: FeedMessage[] = [];
  for (const e of events) {
    const m = toFeedMessage(e);
    if (m !== null) out.push(m);
  }
  return out;
}
