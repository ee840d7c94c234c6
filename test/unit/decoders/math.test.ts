import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { percent, pricePerToken, ratioToDecimal } from '../../../src/decoders/math.ts';

/**
 * Reference: decimal long division digit by digit, with the scale rule the module documents (enough fractional
 * digits for `significant` + 1 significant digits, truncated, trailing zeros dropped).
 */
function reference(num: bigint, den: bigint, significant: number): string {
  const negative = num < 0n !== den < 0n;
  const absNum = num < 0n ? -num : num;
  const d = den < 0n ? -den : den;
  const scale = Math.max(0, significant - (absNum.toString().length - d.toString().length) + 1);
  let rest = absNum % d;
  let frac = '';
  for (let i = 0; i < scale; i++) {
    rest *= 10n;
    frac += (rest / d).toString();
    rest %= d;
  }
  frac = frac.replace(/0+$/, '');
  const s = frac === '' ? (absNum / d).toString() : `${absNum / d}.${frac}`;
  return negative ? `-${s}` : s;
}

describe('exact decimal ratios', () => {
  it('match a digit-by-digit long division on 20 000 random u64-scale ratios', () => {
    let seed = 12345n;
    const next = () => (seed = (seed * 6364136223846793005n + 1442695040888963407n) & ((1n << 64n) - 1n));
    for (let i = 0; i < 20_000; i++) {
      const num = (next() >> BigInt(i % 64)) * (i % 3 === 0 ? 10n ** BigInt(i % 25) : 1n) * (i % 7 === 0 ? -1n : 1n);
      const den = (next() >> BigInt((i * 7) % 64)) + 1n;
      const significant = [18, 12, 3][i % 3]!;
      if (num === 0n) continue;
      assert.equal(ratioToDecimal(num, den, significant), reference(num, den, significant), `${num}/${den} @${significant}`);
    }
  });

  it('handles the edges: zero, no denominator, exact integers, tiny and huge ratios', () => {
    assert.equal(ratioToDecimal(0n, 7n), '0');
    assert.equal(ratioToDecimal(7n, 0n), null);
    assert.equal(ratioToDecimal(100n, 1n), '100');
    assert.equal(ratioToDecimal(1000n, 10n), '100');
    assert.equal(ratioToDecimal(1n, 3n, 3), '0.3333');
    assert.equal(ratioToDecimal(1n, 10n ** 30n, 3), '0.000000000000000000000000000001');
    assert.equal(ratioToDecimal(10n ** 90n, 1n), `1${'0'.repeat(90)}`);
    assert.equal(ratioToDecimal(-7n, 2n), '-3.5');
    // pump.fun initial curve: 30 SOL / 1 073 000 000 tokens (6 decimals), spec §2.6
    assert.equal(pricePerToken(30_000_000_000n, 1_073_000_000_000_000n, 6, 9), '0.000000027958993476234855545'); // 30/1073 × 10⁻⁶ (Python Decimal), truncated
    assert.equal(percent(1n, 3n), '33.33333333333333333');
  });
});
