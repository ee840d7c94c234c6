/** Exact decimal arithmetic on bigint: prices and percentages as strings, never through floats. */

const TEN = 10n;

function digitCount(n: bigint): number {
  return n === 0n ? 1 : n.toString().length;
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
  const q = (n * TEN ** BigInt(scale)) / d;
  let s = q.toString();
  if (scale > 0) {
    s = s.padStart(scale + 1, '0');
    s = `${s.slice(0, s.length - scale)}.${s.slice(s.length - scale)}`.replace(/\.?0+$/, '');
  }
  return negative ? `-${s}` : s;
}

/** Quote per whole base token from raw reserves: (quote / 10^qd) / (base / 10^bd). */
export function pricePerToken(quoteRaw: bigint, baseRaw: bigint, baseDecimals: number, quoteDecimals: number): string {
  return ratioToDecimal(quoteRaw * TEN ** BigInt(baseDecimals), baseRaw * TEN ** BigInt(quoteDecimals)) ?? '0';
}

/** 100 × part / whole, as a decimal string; null when whole is 0. */
export function percent(part: bigint, whole: bigint): string | null {
  return ratioToDecimal(part * 100n, whole);
}

export function abs(n: bigint): bigint {
  return n < 0n ? -n : n;
}
