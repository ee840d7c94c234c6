import { floorDiv, parseDecimal } from '../decimal.ts';

/**
 * The token score of docs/scoring.md (formula version 1), as a pure function of a JSON-safe inputs
 * object. Integers beyond 2^53 travel as decimal strings so the stored inputs reproduce the score.
 */

export const SCORE_FORMULA_VERSION = 1;

export interface TechnicalInputs {
  quoteDecimals: number;
  /** Quote held by the curve, base units; null when unknown. */
  realQuoteReserves: string | null;
  volumeQuote5m: string;
  volumeQuote1h: string;
  trades5m: number;
  trades1h: number;
  uniqueTraders1h: number;
  buys1h: number;
  sells1h: number;
  /** Curve progress percent (decimal string) after the last trade. */
  progressPct: string | null;
  /** Price now and one hour ago (decimal strings, quote per whole token). */
  priceNow: string | null;
  price1hAgo: string | null;
}

export interface HolderInputs {
  holders: number;
  /** Sum of holder balances, base units. */
  heldSupply: string;
  /** From the holder snapshot: "41.07" percent and "0.8123". */
  top10Pct: string;
  gini: string;
  creatorBalance: string;
  sniperWallets: number;
  sniperBalance: string;
  bundleWallets: number;
  bundleBalance: string;
}

export type MetadataStatus = 'ok' | 'no_uri' | 'not_fetchable' | 'unavailable' | 'invalid';

export interface MetadataFacts {
  status: MetadataStatus;
  description: string | null;
  image: string | null;
  website: string | null;
  twitter: string | null;
  telegram: string | null;
}

export interface SocialInputs {
  name: string;
  symbol: string;
  uri: string;
  metadata: MetadataFacts;
}

export interface ScoreInputs {
  version: number;
  technical: TechnicalInputs;
  holder: HolderInputs;
  social: SocialInputs;
}

export interface TokenScore {
  technical: number;
  holder: number;
  social: number;
  total: number;
  liquidity: number;
  trading: number;
  distribution: number;
  /** Stored as `score_details`: the inputs verbatim and every component's points. */
  details: {
    version: number;
    inputs: ScoreInputs;
    components: { technical: Record<string, number>; holder: Record<string, number>; social: Record<string, number> };
  };
}

type Table = ReadonlyArray<readonly [bigint, number]>;

/** Points of the highest threshold reached (thresholds ascending), else 0. */
function atLeast(value: bigint, table: Table): number {
  let points = 0;
  for (const [threshold, p] of table) if (value >= threshold) points = p;
  return points;
}

/** Points of the first limit not exceeded (limits ascending), else 0. */
function atMost(value: bigint, table: Table): number {
  for (const [limit, p] of table) if (value <= limit) return p;
  return 0;
}

/** Scales a whole-quote threshold given as a decimal string ("0.5") to base units. */
function wholeToBase(threshold: string, decimals: number): bigint {
  const r = parseDecimal(threshold);
  return floorDiv(r.num * 10n ** BigInt(decimals), r.den);
}

function quoteTable(rows: ReadonlyArray<readonly [string, number]>, decimals: number): Table {
  return rows.map(([t, p]) => [wholeToBase(t, decimals), p] as const);
}

const n = (rows: ReadonlyArray<readonly [number, number]>): Table => rows.map(([t, p]) => [BigInt(t), p] as const);

const LIQUIDITY = [['0.5', 10], ['2', 25], ['5', 40], ['10', 55], ['20', 70], ['40', 80]] as const;
const VOLUME_5M = [['0.1', 5], ['1', 12], ['5', 20], ['20', 30]] as const;
const VOLUME_1H = [['1', 8], ['10', 18], ['50', 30], ['200', 40]] as const;
const TRADES_5M = n([[1, 4], [5, 8], [20, 14], [50, 20]]);
const TRADES_1H = n([[5, 6], [25, 14], [100, 22], [300, 30]]);
const UNIQUE_TRADERS = n([[3, 8], [10, 18], [30, 28], [100, 40]]);
const MOMENTUM = n([[-5000, 5], [-2000, 10], [0, 18], [2000, 25], [10000, 30]]);
const HOLDER_COUNT = n([[10, 10], [25, 25], [50, 40], [100, 55], [250, 70], [500, 80], [1000, 90]]);
const TOP10 = n([[2000, 70], [3000, 58], [4000, 45], [5000, 32], [7000, 18], [9000, 8]]);
const GINI = n([[5000, 50], [6500, 40], [8000, 28], [9000, 15], [9500, 6]]);
const CREATOR = n([[100, 43], [500, 35], [1000, 25], [2000, 12], [3000, 5]]);
const CLUSTER = n([[100, 40], [500, 30], [1000, 20], [2000, 10], [3500, 4]]);

/** Buys' share of trades in bp → points; bands are inclusive. */
function balancePoints(buys: number, sells: number): number {
  if (buys + sells === 0) return 0;
  const bp = Math.floor((buys * 10_000) / (buys + sells));
  if (bp >= 5000 && bp <= 7000) return 30;
  if (bp >= 4000 && bp <= 8000) return 20;
  if (bp >= 2500 && bp <= 9000) return 10;
  return 0;
}

function progressPoints(progressPct: string | null): number {
  if (progressPct === null) return 0;
  const r = parseDecimal(progressPct);
  const points = floorDiv(r.num * 33n, r.den * 100n);
  return Number(points < 0n ? 0n : points > 33n ? 33n : points);
}

/** 1 h price change in bp, or null when either price is unknown or the old price is 0. */
export function changeBp(now: string | null, ago: string | null): bigint | null {
  if (now === null || ago === null) return null;
  const a = parseDecimal(ago);
  if (a.num === 0n) return null;
  const b = parseDecimal(now);
  // (b − a) / a with a common denominator: (b.num·a.den − a.num·b.den) / (a.num·b.den)
  return floorDiv((b.num * a.den - a.num * b.den) * 10_000n, a.num * b.den);
}

function technicalComponents(t: TechnicalInputs): Record<string, number> {
  const d = t.quoteDecimals;
  const change = changeBp(t.priceNow, t.price1hAgo);
  return {
    liquidity: t.realQuoteReserves === null ? 0 : atLeast(BigInt(t.realQuoteReserves), quoteTable(LIQUIDITY, d)),
    volume5m: atLeast(BigInt(t.volumeQuote5m), quoteTable(VOLUME_5M, d)),
    volume1h: atLeast(BigInt(t.volumeQuote1h), quoteTable(VOLUME_1H, d)),
    trades5m: atLeast(BigInt(t.trades5m), TRADES_5M),
    trades1h: atLeast(BigInt(t.trades1h), TRADES_1H),
    uniqueTraders: atLeast(BigInt(t.uniqueTraders1h), UNIQUE_TRADERS),
    buySellBalance: balancePoints(t.buys1h, t.sells1h),
    curveProgress: progressPoints(t.progressPct),
    momentum: change === null ? 0 : atLeast(change, MOMENTUM),
  };
}

/** `part` as basis points of `whole`, floor; 0 when whole is 0. */
export function shareBp(part: bigint, whole: bigint): bigint {
  return whole === 0n ? 0n : (part * 10_000n) / whole;
}

/** "41.07" → 4107n; "0.8123" → 8123n (exact to 2 / 4 decimals respectively). */
function scaled(decimal: string, scale: bigint): bigint {
  const r = parseDecimal(decimal);
  return floorDiv(r.num * scale, r.den);
}

function holderComponents(h: HolderInputs): Record<string, number> {
  const held = BigInt(h.heldSupply);
  const judged = h.holders > 0;
  const share = (part: string, table: Table) => (judged ? atMost(shareBp(BigInt(part), held), table) : 0);
  return {
    holderCount: atLeast(BigInt(h.holders), HOLDER_COUNT),
    top10Share: judged ? atMost(scaled(h.top10Pct, 100n), TOP10) : 0,
    gini: judged ? atMost(scaled(h.gini, 10_000n), GINI) : 0,
    creator: share(h.creatorBalance, CREATOR),
    snipers: share(h.sniperBalance, CLUSTER),
    bundles: share(h.bundleBalance, CLUSTER),
  };
}

const codePoints = (s: string) => [...s.trim()].length;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\ufffd]/;

type LinkKind = 'secure' | 'plain' | 'none';

/** Classifies a link by scheme (https/ipfs/ar are secure, http plain). */
export function linkKind(url: string | null): LinkKind {
  if (!url) return 'none';
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    return 'none';
  }
  if (['https:', 'ipfs:', 'ar:'].includes(parsed.protocol)) return 'secure';
  return parsed.protocol === 'http:' ? 'plain' : 'none';
}

/** Host of an http(s) link, lower case, or null. */
function webHost(url: string | null): string | null {
  if (!url) return null;
  try {
    const u = new URL(url.trim());
    return u.protocol === 'https:' || u.protocol === 'http:' ? u.hostname.toLowerCase() : null;
  } catch {
    return null;
  }
}

const onDomain = (host: string | null, domains: string[]) =>
  host !== null && domains.some((d) => host === d || host.endsWith(`.${d}`));
const TWITTER = ['x.com', 'twitter.com'];
const TELEGRAM = ['t.me', 'telegram.me'];

function socialComponents(s: SocialInputs): Record<string, number> {
  const nameLen = codePoints(s.name);
  const symbol = s.symbol.trim();
  const desc = codePoints(s.metadata.description ?? '');
  const kindPoints = (kind: LinkKind, secure: number, plain: number) => (kind === 'secure' ? secure : kind === 'plain' ? plain : 0);
  const websiteHost = webHost(s.metadata.website);
  return {
    name: nameLen === 0 ? 0 : CONTROL.test(s.name) ? 10 : nameLen >= 2 && nameLen <= 32 ? 40 : 20,
    symbol: symbol === '' ? 0 : /^[A-Za-z0-9$._-]{2,10}$/.test(symbol) ? 40 : 20,
    uri: kindPoints(linkKind(s.uri), 53, 25),
    description: desc >= 20 ? 50 : desc >= 1 ? 25 : 0,
    image: kindPoints(linkKind(s.metadata.image), 50, 25),
    website: websiteHost !== null && !onDomain(websiteHost, [...TWITTER, ...TELEGRAM]) ? 40 : 0,
    twitter: onDomain(webHost(s.metadata.twitter), TWITTER) ? 30 : 0,
    telegram: onDomain(webHost(s.metadata.telegram), TELEGRAM) ? 30 : 0,
  };
}

const sum = (r: Record<string, number>) => Object.values(r).reduce((a, b) => a + b, 0);

/** Scores a token from its recorded inputs; deterministic, integer, each part 0–333. */
export function scoreToken(inputs: ScoreInputs): TokenScore {
  if (inputs.version !== SCORE_FORMULA_VERSION) throw new Error(`score inputs version ${inputs.version} is not ${SCORE_FORMULA_VERSION}`);
  const technical = technicalComponents(inputs.technical);
  const holder = holderComponents(inputs.holder);
  const social = socialComponents(inputs.social);
  const t = sum(technical);
  const h = sum(holder);
  const s = sum(social);
  return {
    technical: t,
    holder: h,
    social: s,
    total: t + h + s,
    liquidity: technical.liquidity!,
    trading: t - technical.liquidity! - technical.curveProgress!,
    distribution: holder.top10Share! + holder.gini!,
    details: { version: SCORE_FORMULA_VERSION, inputs, components: { technical, holder, social } },
  };
}
