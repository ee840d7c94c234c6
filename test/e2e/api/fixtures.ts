import type { LaunchpadEvent } from '../../../src/core/events.ts';

/** A launch, a trade at u64-max size and a migration, enough to exercise every feed message kind. */
export function sampleEvents(mint = 'So11111111111111111111111111111111111111112'): LaunchpadEvent[] {
  const loc = { program: 'pumpfun' as const, signature: '5'.repeat(88), slot: 300_000_000, blockTime: 1_760_000_000, ixIndex: 0 };
  return [
    {
      ...loc, innerIxIndex: -1, type: 'token_created', mint, name: 'Test Coin', symbol: 'TEST', uri: 'https://example.invalid/t.json',
      creator: 'Cre8or1111111111111111111111111111111111111', user: 'Cre8or1111111111111111111111111111111111111',
      bondingCurve: 'Curve11111111111111111111111111111111111111', quoteMint: 'So11111111111111111111111111111111111111112',
      tokenProgram: null, decimals: 6, totalSupply: 1_000_000_000_000_000n, virtualTokenReserves: null, virtualSolReserves: null,
      realTokenReserves: null, isMayhemMode: null, ixName: 'create',
    },
    {
      ...loc, innerIxIndex: 2, type: 'trade', venue: 'curve', mint, quoteMint: 'So11111111111111111111111111111111111111112',
      pool: 'Curve11111111111111111111111111111111111111', user: 'Trader1111111111111111111111111111111111111', side: 'buy',
      solAmount: 1_000_000_000n, tokenAmount: 18_446_744_073_709_551_615n, fee: 10_000_000n, protocolFee: 9_500_000n, creatorFee: 500_000n,
      platformFee: 0n, virtualSolReserves: 31_000_000_000n, virtualTokenReserves: 1_000_000_000_000n, realSolReserves: 1_000_000_000n,
      realTokenReserves: 700_000_000_000n, priceSol: '0.0000000279500000001', progressPct: '1.25', baseDecimals: 6, quoteDecimals: 9,
      ixName: 'buy', completesCurve: false, trailingBytes: 0,
    },
    {
      ...loc, innerIxIndex: -1, ixIndex: 1, type: 'migrated', mint, quoteMint: 'So11111111111111111111111111111111111111112',
      pool: 'Curve11111111111111111111111111111111111111', newPool: 'AmmPoo11111111111111111111111111111111111111', lpMint: null,
      target: 'pumpswap', baseAmount: null, quoteAmount: null, ixName: 'migrate',
    },
  ];
}
