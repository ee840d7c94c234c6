import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Platform, TradeEvent } from '../../../src/core/events.ts';
import { csvLine, csvPieces, jsonArrayChunks } from '../../../src/db/encode.ts';
import { addressBytea, signatureBytea, type TradeBytes } from '../../../src/db/bytea.ts';
import { invalidTradeReason, tradeCsvLine, tradeRow } from '../../../src/db/trades.ts';
import { trade } from '../../integration/db/fixtures.ts';

const U64_MAX = (1n << 64n) - 1n;

const TOKEN_ID = '6f1d0a1e-1111-4111-8111-111111111111';

test('a trade written directly as CSV equals the generic encoding of its cells', () => {
  const cases: TradeEvent[] = [
    trade(),
    trade({ program: 'launchlab', side: 'sell', completesCurve: true, innerIxIndex: 3, ixIndex: 0 }),
    trade({ realSolReserves: null, realTokenReserves: null, progressPct: null }),
    trade({ solAmount: U64_MAX, tokenAmount: 0n, fee: 0n, priceSol: '3e-8', progressPct: '-0.5' }),
    // Strings from chain that need quoting: comma, quote, newline, CR, backslash, empty.
    trade({ user: 'a,b', mint: 'say "hi"', pool: 'line\nbreak', quoteMint: 'cr\rhere', ixName: 'back\\slash' }),
    trade({ signature: '', ixName: '' }),
  ];
  // The key cells as the writer passes them (bytea text); the others check quoting (an empty cell, a comma).
  const cell = (t: TradeEvent): TradeBytes => ({ signature: signatureBytea(t.signature) ?? t.signature, user: addressBytea(t.user) ?? t.user });
  for (const t of cases) {
    assert.equal(tradeCsvLine(t, TOKEN_ID, cell(t)), csvLine(tradeRow(t, TOKEN_ID, cell(t))));
  }
  // The COPY paths take the direct lines when the rows offer them, the cells otherwise: same text.
  const rows = cases.map((t) => tradeRow(t, TOKEN_ID, cell(t)));
  const direct = { [Symbol.iterator]: () => rows.values(), csvLines: () => cases.map((t) => tradeCsvLine(t, TOKEN_ID, cell(t))) };
  assert.equal([...csvPieces(direct, 2)].join(''), [...csvPieces(rows, 4)].join(''));
  assert.equal([...csvPieces(rows, 4)].length, 2, 'six rows in pieces of four');
});

test('CSV keeps NULL and the empty string apart', () => {
  assert.equal(csvLine([null, '', 'x', 'a"b']), ',"",x,"a""b"\n');
});

test('JSON chunks: one piece when the batch fits, split under the byte budget otherwise', () => {
  const items = Array.from({ length: 50 }, (_, i) => ({ i, s: 'é'.repeat(10) }));
  assert.deepEqual([...jsonArrayChunks(items, 1 << 20)], [JSON.stringify(items)]);
  const small = [...jsonArrayChunks(items, 200)];
  assert.ok(small.length > 1);
  for (const c of small) assert.ok(Buffer.byteLength(c) <= 200, c);
  assert.deepEqual(small.flatMap((c) => JSON.parse(c) as unknown[]), items);
  assert.deepEqual([...jsonArrayChunks([], 100)], []);
});

test('invalidTradeReason names the first bad field, and passes good trades', () => {
  assert.equal(invalidTradeReason(trade()), null);
  assert.equal(invalidTradeReason(trade({ realSolReserves: null, progressPct: null, solAmount: (1n << 63n) - 1n })), null);
  const bad: Array<[Partial<TradeEvent>, RegExp]> = [
    [{ program: 'raydium' as Platform }, /^platform "raydium" is unknown$/],
    [{ side: 'swap' as 'buy' }, /^side "swap" is not buy or sell$/],
    [{ baseDecimals: 19 }, /^base_decimals 19 /],
    [{ quoteDecimals: 1.5 }, /^quote_decimals 1.5 /],
    [{ blockTime: null }, /^block_time is unknown/],
    [{ blockTime: 1.5 }, /^block_time 1.5 is not an integer/],
    [{ ixIndex: Number.NaN }, /^ix_index NaN /],
    [{ innerIxIndex: 2 ** 53 }, /^inner_ix_index /],
    [{ slot: -Infinity }, /^slot -Infinity /],
    [{ solAmount: U64_MAX + 1n }, /^sol_amount 18446744073709551616 is outside u64$/],
    [{ realTokenReserves: -1n }, /^real_token_reserves -1 is outside u64$/],
    [{ virtualSolReserves: 1n << 63n }, /^virtual_sol_reserves 9223372036854775808 does not fit the column \(BIGINT, at most 2\^63 - 1\)$/],
    [{ fee: U64_MAX }, /^fee 18446744073709551615 does not fit the column/],
    [{ tokenAmount: 1n << 63n }, /^token_amount 9223372036854775808 does not fit the column/],
    [{ platformFee: -5n }, /^platform_fee -5 /],
    [{ priceSol: '1,5' }, /^price "1,5" is not a decimal number$/],
    [{ progressPct: '' }, /^progress "" is not a decimal number$/],
  ];
  for (const [over, reason] of bad) assert.match(invalidTradeReason(trade(over)) ?? 'null', reason, Object.keys(over).join());
});
