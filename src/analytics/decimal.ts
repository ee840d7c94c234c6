/**
 * Exact arithmetic on decimal strings (prices, percentages) without going through JS `number`, so
 * analytics derived from stored values are reproducible bit for bit.
 */

/** A non-negative or negative rational `num / den` with `den > 0`. */
export interface Rational {
  num: bigint;
  den: bigint;
}

const DECIMAL = /^(-?)(\d+)(?:\.(\d+))?$/;

/** Parses "123", "-0.0045", "1.5" exactly. Throws on anything else (exponents included). */
export function parseDecimal(text: string): Rational {
  const m = DECIMAL.exec(text.trim());
  if (!m) throw new Error(`not a decimal number: ${JSON.stringify(text)}`);
  const frac = m[3] ?? '';
  const num = BigInt(m[2]! + frac);
  return { num: m[1] === '-' ? -num : num, den: 10n ** BigInt(frac.length) };
}

/** floor(a / b) for bigints of any sign (BigInt division truncates toward zero). */
export function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return (a % b !== 0n && (a < 0n) !== (b < 0n)) ? q - 1n : q;
}

/** round-half-up(a / b) for b > 0. */
export function roundDiv(a: bigint, b: bigint): bigint {
  return floorDiv(2n * a + b, 2n * b);
}

/** `value / 10^scale` rendered with exactly `scale` decimals (e.g. 1234n, 2 → "12.34"). */
export function formatScaled(value: bigint, scale: number): string {
  const negative = value < 0n;
  const digits = (negative ? -value : value).toString().padStart(scale + 1, '0');
  const out = scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
  return negative ? `-${out}` : out;
}
