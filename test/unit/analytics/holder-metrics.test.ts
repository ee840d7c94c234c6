import assert from 'node:assert/strict';
import { test } from 'node:test';
import { giniCoefficient, holderMetrics, sizeBucket } from '../../../src/analytics/holders/metrics.ts';

const bal = (amounts: number[]) => amounts.map((a, i) => ({ owner: `o${String(i).padStart(2, '0')}`, amount: BigInt(a) }));

test('Gini matches hand-computed values', () => {
  // equal shares: no inequality
  assert.equal(giniCoefficient([5n, 5n, 5n, 5n]), '0.0000');
  // 1,2,3,4: Σ|xi−xj| over ordered pairs = 20; 2·n²·mean = 80 → 0.25
  assert.equal(giniCoefficient([4n, 1n, 3n, 2n]), '0.2500');
  // 1,1,1,97: (2·394 − 5·100) / (4·100) = 288/400
  assert.equal(giniCoefficient([97n, 1n, 1n, 1n]), '0.7200');
  // 1,2: (2·5 − 3·3) / (2·3) = 1/6 = 0.16666… → rounded half-up
  assert.equal(giniCoefficient([1n, 2n]), '0.1667');
  // one holder, none, zero balances ignored
  assert.equal(giniCoefficient([10n]), '0.0000');
  assert.equal(giniCoefficient([]), '0.0000');
  assert.equal(giniCoefficient([0n, 0n, 4n, 1n, 3n, 2n]), '0.2500');
});

test('top-10 / top-25 concentration over the held supply', () => {
  // 12 holders 1..12: sum 78, top 10 = 3+…+12 = 75 → 96.1538…%
  const m = holderMetrics(bal([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]), 0);
  assert.equal(m.totalHolders, 12);
  assert.equal(m.heldSupply, 78n);
  assert.equal(m.top10Pct, '96.15');
  assert.equal(m.top25Pct, '100.00');
  // 30 holders of 1 + one of 70: top 10 = 70 + 9 = 79 of 100; top 25 = 70 + 24 = 94
  const whale = holderMetrics(bal([...Array(30).fill(1), 70]), 0);
  assert.equal(whale.top10Pct, '79.00');
  assert.equal(whale.top25Pct, '94.00');
  // 2/3 = 66.666…% → 66.67 (half-up on the third decimal)
  assert.equal(holderMetrics(bal([1, 2]), 0).top10Pct, '100.00');
  const third = holderMetrics(bal(Array(11).fill(1).concat([0])), 0);
  assert.equal(third.totalHolders, 11, 'zero balances are not holders');
  assert.equal(third.top10Pct, '90.91'); // 10/11 = 90.909…
});

test('size buckets are in whole tokens and partition the holders', () => {
  const d = 6;
  assert.equal(sizeBucket(1n, d), 'upTo100'); // dust
  assert.equal(sizeBucket(99_999_999n, d), 'upTo100'); // 99.999999
  assert.equal(sizeBucket(100_000_000n, d), 'upTo1k'); // 100
  assert.equal(sizeBucket(999_999_999n, d), 'upTo1k');
  assert.equal(sizeBucket(1_000_000_000n, d), 'upTo10k'); // 1 000
  assert.equal(sizeBucket(9_999_999_999n, d), 'upTo10k');
  assert.equal(sizeBucket(10_000_000_000n, d), 'tenKPlus'); // 10 000
  const m = holderMetrics(bal([1, 99_999_999, 100_000_000, 1_000_000_000, 10_000_000_000, 35_000_000_000_000]), d);
  assert.deepEqual(m.buckets, { upTo100: 2, upTo1k: 1, upTo10k: 1, tenKPlus: 2 });
  assert.equal(m.buckets.upTo100 + m.buckets.upTo1k + m.buckets.upTo10k + m.buckets.tenKPlus, m.totalHolders);
});

test('raw distribution is sorted largest first with deterministic ties and exact amounts', () => {
  const m = holderMetrics(
    [
      { owner: 'b', amount: 5n },
      { owner: 'a', amount: 5n },
      { owner: 'c', amount: 18_446_744_073_709_551_615n },
      { owner: 'z', amount: 0n },
    ],
    0,
  );
  assert.deepEqual(m.distribution, [['c', '18446744073709551615'], ['a', '5'], ['b', '5']]);
  assert.equal(holderMetrics([], 6).top10Pct, '0.00');
});
