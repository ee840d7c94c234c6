/** Exact decimal arithmetic on bigint: prices and percentages as strings, never through floats. */

/** 10^k for every scale a price or percentage needs (reserves ≤ 2^64, decimals ≤ 19, ≥ 18 significant digits). */
const POW10: readonly bigint[] = Array.from({ length: 80 }, (_, k) => 10n ** BigInt(k));

/** 10^k as a bigint, from the table when it is there. */
export function pow10(k: number): bigint {
  return POW10[k] ?? 10n ** BigInt(k);
}

/** Decimal digits of n > 0, by binary search over POW10 (no string, no allocation). */
function digitCount(n: bigint): number {
  if (n >= POW10[POW10.length - 1]!) return n.toString().length;
  let lo = 0; // POW10[lo] <= n
  let hi = POW10.length - 1; // POW10[hi] > n
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (POW10[mid]! <= n) lo = mid;
    else hi = mid;
  }
  return lo + 1;
}

/**
 * num/den as a decimal string with at least `significant` significant digits (truncated, trailing zeros
 * dropped). den = 0 yields null (no price without reserves).
 */
export function ratioToDecimal(num: bigint, den: bigint, significant = 18): string | null {
  if (den === 0n) return null;
  if (num === 0n) return '0';
  const negative = num < 0n !== den < 0n;
  const n = num < 0n ? -num : num;
  const d = den < 0n ? -den : den;
  const scale = Math.max(0, significant - (digitCount(n) - digitCount(d)) + 1);
  let s = ((n * pow10(scale)) / d).toString();
  if (scale > 0) {
    if (s.length <= scale) s = '0'.repeat(scale + 1 - s.length) + s;
    const point = s.length - scale;
    let end = s.length;
    while (end > point && s.charCodeAt(end - 1) === 48 /* 0 */) end--;
    s = end === point ? s.slice(0, point) : `${s.slice(0, point)}.${s.slice(point, end)}`;
  }
  return negative ? `-${s}` : s;
}

/** Quote per whole base token from raw reserves: (quote / 10^qd) / (base / 10^bd). */
export function pricePerToken(quoteRaw: bigint, baseRaw: bigint, baseDecimals: number, quoteDecimals: number): string {
  return ratioToDecimal(quoteRaw * pow10(baseDecimals), baseRaw * pow10(quoteDecimals)) ?? '0';
}

/** 100 × part / whole, as a decimal string; null when whole is 0. */
export function percent(part: bigint, whole: bigint): string | null {
  return ratioToDecimal(part * 100n, whole);
}

export function abs(n: bigint): bigint {
  return n < 0n ? -n : n;
}
