/** Wire formats → {@link RawTx}. Everything a source needs to normalize what it received. */
export { NormalizeError } from './errors.ts';
export { normalizeRpcTransaction, normalizeRpcBlock, type TxContext } from './rpc.ts';
export { normalizeYellowstoneTransaction } from './yellowstone.ts';
export { parseTransactionInput, normalizeAnyTransaction } from './input.ts';
export { parseWireTransaction, type WireTransaction } from './wire.ts';
export { base58Encode, base58Decode } from './bytes.ts';
