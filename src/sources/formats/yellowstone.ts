import type { RawInstruction, RawTx } from '../../core/rawtx.ts';
import { base58Decode, base58Encode } from './bytes.ts';
import { NormalizeError } from './errors.ts';
import { arr, checkIndices, int, isObj, obj, optArr, tokenBalances, u64, u64List } from './shape.ts';

/**
 * A Yellowstone `SubscribeUpdateTransaction` (`{transaction: {signature, isVote, transaction, meta, index}, slot}`)
 * as `@triton-one/yellowstone-grpc` delivers it: keys, signatures and data as Uint8Array, u64 as strings. JSON
 * dumps of the same message (byte arrays as number arrays, base58 signature) are accepted too. Updates carry no
 * block time: pass it when known (blocksMeta), else null.
 * @throws NormalizeError on anything it cannot read exactly.
 */
export function normalizeYellowstoneTransaction(update: unknown, blockTime: number | null): RawTx {
  const u = obj(update, 'update');
  const info = obj(u.transaction, 'update.transaction');
  const tx = obj(info.transaction, 'transaction.transaction');
  const message = obj(tx.message, 'transaction.message');
  const meta = obj(info.meta, 'transaction.meta');

  const staticKeys = arr(message.accountKeys, 'message.accountKeys').map((k, i) => key(k, `accountKeys[${i}]`));
  const loaded = [
    ...optArr(meta.loadedWritableAddresses, 'meta.loadedWritableAddresses'),
    ...optArr(meta.loadedReadonlyAddresses, 'meta.loadedReadonlyAddresses'),
  ].map((k, i) => key(k, `loadedAddresses[${i}]`));
  const accountKeys = staticKeys.concat(loaded);

  const instructions = arr(message.instructions, 'message.instructions').map((ix, i) => instruction(ix, `instructions[${i}]`, 1));
  const innerInstructions = optArr(meta.innerInstructions, 'meta.innerInstructions').map((raw, g) => {
    const group = obj(raw, `innerInstructions[${g}]`);
    return {
      index: int(group.index, `innerInstructions[${g}].index`),
      instructions: arr(group.instructions, `innerInstructions[${g}].instructions`).map((ix, i) =>
        instruction(ix, `innerInstructions[${g}][${i}]`, null),
      ),
    };
  });
  const preTokenBalances = tokenBalances(meta.preTokenBalances, 'meta.preTokenBalances');
  const postTokenBalances = tokenBalances(meta.postTokenBalances, 'meta.postTokenBalances');
  checkIndices(accountKeys.length, instructions, innerInstructions, [preTokenBalances, postTokenBalances]);

  const signature = info.signature ?? arr(tx.signatures, 'signatures')[0];
  if (signature === undefined) throw new NormalizeError('no_signature');
  return {
    signature: typeof signature === 'string' ? signature : base58Encode(bytes(signature, 'signature')),
    slot: int(u.slot, 'slot'),
    blockTime,
    indexInBlock: info.index === undefined || info.index === null ? null : int(info.index, 'index'),
    accountKeys,
    staticKeyCount: staticKeys.length,
    version: message.config !== undefined && message.config !== null ? 1 : message.versioned === true ? 0 : 'legacy',
    instructions,
    innerInstructions,
    logMessages: meta.logMessagesNone === true ? null : optArr(meta.logMessages, 'meta.logMessages').map(String),
    err: readError(meta.err),
    fee: u64(meta.fee ?? 0, 'meta.fee'),
    preBalances: u64List(meta.preBalances, 'meta.preBalances'),
    postBalances: u64List(meta.postBalances, 'meta.postBalances'),
    preTokenBalances,
    postTokenBalances,
  };
}

/** The gRPC error is bincode-serialized TransactionError bytes; kept as hex so it is non-null and printable. */
function readError(err: unknown): unknown {
  if (err === undefined || err === null) return null;
  if (isObj(err) && 'err' in err) return { bincodeHex: Buffer.from(bytes(err.err, 'meta.err.err')).toString('hex') };
  return err;
}

function bytes(v: unknown, what: string): Uint8Array {
  if (v instanceof Uint8Array) return v;
  if (Array.isArray(v) && v.every((b) => Number.isInteger(b) && (b as number) >= 0 && (b as number) < 256)) return Uint8Array.from(v as number[]);
  throw new NormalizeError('bad_shape', `${what} is not a byte array`);
}

function key(v: unknown, what: string): string {
  if (typeof v === 'string') {
    if (base58Decode(v).length !== 32) throw new NormalizeError('bad_key', `${what} is not 32 bytes`);
    return v;
  }
  const b = bytes(v, what);
  if (b.length !== 32) throw new NormalizeError('bad_key', `${what} has ${b.length} bytes`);
  return base58Encode(b);
}

function instruction(raw: unknown, what: string, defaultHeight: number | null): RawInstruction {
  const ix = obj(raw, what);
  return {
    programIdIndex: int(ix.programIdIndex, `${what}.programIdIndex`),
    accounts: Array.from(bytes(ix.accounts, `${what}.accounts`)),
    data: bytes(ix.data, `${what}.data`),
    stackHeight: ix.stackHeight === undefined || ix.stackHeight === null ? defaultHeight : int(ix.stackHeight, `${what}.stackHeight`),
  };
}
