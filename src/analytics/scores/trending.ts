import type { TechnicalInputs } from './formula.ts';
import type { ActivityInputs } from './inputs.ts';

/**
 * The trending rank of docs/scoring.md ("Trending rank"): what is moving NOW, beside the score's
 * "how promising". 0–1000 from the last 5 minutes' quote volume, trades and distinct buyers (log-scaled
 * so one whale cannot own the list), their acceleration against the rest of the hour, and the score.
 * A ranking, not chain data: computed in floating point, stored rounded to 2 decimals.
 */
export const TRENDING_VERSION = 1;

/** Where each part reaches its full points (whole quote units for volume). */
const FULL = { volume5m: 100, trades5m: 500, buyers5m: 200, acceleration: 4 } as const;
const WEIGHT = { volume5m: 300, trades5m: 150, buyers5m: 200, acceleration: 150, score: 200 } as const;

export interface TrendingDetails {
  version: number;
  /** 5-minute quote volume in whole units (SOL), trades and distinct buyers. */
  volume5m: number;
  trades5m: number;
  buyers5m: number;
  /** Last 5 minutes' volume over the average 5 minutes of the 55 before (null when those had none). */
  acceleration: number | null;
  points: Record<keyof typeof WEIGHT, number>;
}

const logShare = (value: number, full: number): number => Math.min(1, Math.log10(1 + Math.max(0, value)) / Math.log10(1 + full));
const round2 = (x: number): number => Math.round(x * 100) / 100;

export function trendingRank(t: TechnicalInputs, a: ActivityInputs, totalScore: number): { score: number; details: TrendingDetails } {
  const unit = 10 ** t.quoteDecimals;
  const vol5m = Number(BigInt(t.volumeQuote5m)) / unit;
  const volBefore = (Number(BigInt(t.volumeQuote1h)) - Number(BigInt(t.volumeQuote5m))) / unit;
  // The 55 minutes before the last 5 hold eleven 5-minute windows.
  const acceleration = volBefore > 0 ? vol5m / (volBefore / 11) : null;
  // A token whose whole volume is in the last 5 minutes (a new launch) is accelerating at full rate.
  const accelShare = vol5m === 0 ? 0 : acceleration === null ? 1 : Math.min(1, Math.max(0, (acceleration - 1) / (FULL.acceleration - 1)));
  const points = {
    volume5m: round2(WEIGHT.volume5m * logShare(vol5m, FULL.volume5m)),
    trades5m: round2(WEIGHT.trades5m * logShare(t.trades5m, FULL.trades5m)),
    buyers5m: round2(WEIGHT.buyers5m * logShare(a.buyers5m, FULL.buyers5m)),
    acceleration: round2(WEIGHT.acceleration * accelShare),
    score: round2((WEIGHT.score * Math.max(0, Math.min(999, totalScore))) / 999),
  };
  const score = round2(Object.values(points).reduce((s, p) => s + p, 0));
  return {
    score,
    details: { version: TRENDING_VERSION, volume5m: vol5m, trades5m: t.trades5m, buyers5m: a.buyers5m, acceleration: acceleration === null ? null : round2(acceleration), points },
  };
}
