/**
 * `ray_log` records (raydium-io/raydium-amm program/src/log.rs): bincode, little-endian, fixed size. Swap records
 * are 57 bytes: log_type u8, then seven u64. Shorter is corrupt; longer is counted as trailing.
 */
export interface RaySwapLog {
  baseIn: boolean;
  /** base in: amount_in / minimum_out; base out: max_in / amount_out. */
  inAmount: bigint;
  outAmount: bigint;
  /** 1 = PC2Coin (pc in, coin out), 2 = Coin2PC. */
  coinIn: boolean;
  /** The pool's coin / pc totals before the swap (vaults + open orders − PnL not yet taken). */
  poolCoin: bigint;
  poolPc: bigint;
  trailingBytes: number;
}

export const SWAP_LOG_BYTES = 57;

export class RayLogError extends Error {
  override name = 'RayLogError';
}

function u64(bytes: Uint8Array, at: number): bigint {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getBigUint64(at, true);
}

/** A SwapBaseIn (3) / SwapBaseOut (4) record; throws RayLogError when short or its direction is unknown. */
export function decodeRaySwapLog(bytes: Uint8Array): RaySwapLog {
  if (bytes.length < SWAP_LOG_BYTES) throw new RayLogError(`swap ray_log has ${bytes.length} bytes, ${SWAP_LOG_BYTES} expected`);
  const baseIn = bytes[0] === 3;
  const direction = u64(bytes, 17);
  if (direction !== 1n && direction !== 2n) throw new RayLogError(`swap ray_log direction ${direction} is unknown`);
  // base in: amount_in, minimum_out, direction, user_source, pool_coin, pool_pc, out_amount
  // base out: max_in, amount_out, direction, user_source, pool_coin, pool_pc, deduct_in
  return {
    baseIn,
    inAmount: baseIn ? u64(bytes, 1) : u64(bytes, 49),
    outAmount: baseIn ? u64(bytes, 49) : u64(bytes, 9),
    coinIn: direction === 2n,
    poolCoin: u64(bytes, 33),
    poolPc: u64(bytes, 41),
    trailingBytes: bytes.length - SWAP_LOG_BYTES,
  };
}

/** DepositLog (105 bytes): mint_lp is its last u64. */
export function rayDepositLpMinted(bytes: Uint8Array): bigint | null {
  return bytes.length >= 105 ? u64(bytes, 97) : null;
}
