import { formatScaled, roundDiv } from '../decimal.ts';

/** One holder's exact balance in base units. */
export interface HolderBalance {
  owner: string;
  amount: bigint;
}

/**
 * Holder counts by balance in WHOLE tokens (base units / 10^decimals). The four buckets partition the
 * holders: `upTo100` is every positive balance below 100 whole tokens (dust below 1 included),
 * `upTo1k` is [100, 1 000), `upTo10k` is [1 000, 10 000) and `tenKPlus` is 10 000 and more.
 */
export interface SizeBuckets {
  upTo100: number;
  upTo1k: number;
  upTo10k: number;
  tenKPlus: number;
}

/** The figures of one `holder_snapshots` row, all derived from the balances alone. */
export interface HolderMetrics {
  totalHolders: number;
  /** Sum of all holder balances (base units): the denominator of every share below. */
  heldSupply: bigint;
  /** Percent of `heldSupply` held by the 10 largest holders, 2 decimals, rounded half-up ("41.07"). */
  top10Pct: string;
  top25Pct: string;
  /** Gini coefficient over positive balances, 4 decimals, rounded half-up; "0.0000" for < 2 holders. */
  gini: string;
  buckets: SizeBuckets;
  /** Every positive balance, largest first (ties by owner), as [owner, amount] — the snapshot's input. */
  distribution: Array<[string, string]>;
}

/** Sorts largest first, ties by owner so the order (and `distribution`) is deterministic. */
function sortDescending(balances: HolderBalance[]): HolderBalance[] {
  return [...balances].sort((a, b) => (a.amount === b.amount ? (a.owner < b.owner ? -1 : a.owner > b.owner ? 1 : 0) : a.amount > b.amount ? -1 : 1));
}

/** Percent of `total` held by `part`, as a 2-decimal string. */
function percent(part: bigint, total: bigint): string {
  return total === 0n ? '0.00' : formatScaled(roundDiv(part * 10_000n, total), 2);
}

/**
 * Gini = (2·Σ i·x_i − (n+1)·Σ x_i) / (n·Σ x_i) over balances sorted ascending, i = 1..n — the
 * mean-absolute-difference form, computed exactly in integers and rounded once at the end.
 */
export function giniCoefficient(amounts: bigint[]): string {
  const xs = amounts.filter((a) => a > 0n).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const n = BigInt(xs.length);
  const sum = xs.reduce((s, x) => s + x, 0n);
  if (n < 2n || sum === 0n) return '0.0000';
  const weighted = xs.reduce((s, x, i) => s + BigInt(i + 1) * x, 0n);
  return formatScaled(roundDiv((2n * weighted - (n + 1n) * sum) * 10_000n, n * sum), 4);
}

/** Buckets a base-unit balance by whole tokens. */
export function sizeBucket(amount: bigint, decimals: number): keyof SizeBuckets {
  const whole = amount / 10n ** BigInt(decimals);
  if (whole < 100n) return 'upTo100';
  if (whole < 1_000n) return 'upTo1k';
  if (whole < 10_000n) return 'upTo10k';
  return 'tenKPlus';
}

/** Computes a holder snapshot from exact balances; zero balances are not holders. */
export function holderMetrics(balances: HolderBalance[], decimals: number): HolderMetrics {
  const held = sortDescending(balances.filter((b) => b.amount > 0n));
  const heldSupply = held.reduce((s, b) => s + b.amount, 0n);
  const topSum = (k: number) => held.slice(0, k).reduce((s, b) => s + b.amount, 0n);
  const buckets: SizeBuckets = { upTo100: 0, upTo1k: 0, upTo10k: 0, tenKPlus: 0 };
  for (const b of held) buckets[sizeBucket(b.amount, decimals)] += 1;
  return {
    totalHolders: held.length,
    heldSupply,
    top10Pct: percent(topSum(10), heldSupply),
    top25Pct: percent(topSum(25), heldSupply),
    gini: giniCoefficient(held.map((b) => b.amount)),
    buckets,
    distribution: held.map((b) => [b.owner, b.amount.toString()]),
  };
}
