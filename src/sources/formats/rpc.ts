import type { RawInnerInstructions, RawInstruction, RawTx } from '../../core/rawtx.ts';
import { base58Decode, base58Encode, base64Decode } from './bytes.ts';
import { NormalizeError } from './errors.ts';
import { arr, checkedStrList, checkIndices, int, intList, isObj, obj, optArr, str, strList, tokenBalances, u64, u64List, type Obj } from './shape.ts';
import { parseWireTransaction } from './wire.ts';

/** Where a transaction sits when its own object does not say (blockSubscribe / getBlock entries). */
export interface TxContext {
  slot?: number;
  blockTime?: number | null;
  indexInBlock?: number | null;
  /**
   * Programs whose inner-instruction data is decoded from base58; the inner instructions of other programs keep
   * program and accounts but no bytes (as jsonParsed's parsed ones do). Base58 decoding is most of what reading
   * an RPC transaction costs, and the decoders read the bytes of their own programs only. Default: every program.
   */
  instructionDataOf?: ReadonlySet<string>;
}

const NO_DATA = new Uint8Array(0);

/** programIdIndex → whether its data is kept, memoized per transaction (few distinct programs). */
function dataFilter(programs: ReadonlySet<string>, accountKeys: readonly string[]): (programIdIndex: number) => boolean {
  return (i) => programs.has(accountKeys[i] ?? '');
}

/**
 * A JSON-RPC `getTransaction` result in `json`, `jsonParsed` or `base64` encoding, as a bare result, inside a
 * JSON-RPC envelope, or as a block entry (`{transaction, meta, version}`; slot/blockTime then come from
 * `context`). Legacy, v0 (loaded addresses appended: writable, then readonly) and v1 messages.
 * @throws NormalizeError on anything it cannot read exactly.
 */
export function normalizeRpcTransaction(value: unknown, context: TxContext = {}): RawTx {
  const result = unwrapEnvelope(value);
  const meta = result.meta;
  if (meta === null || meta === undefined) throw new NormalizeError('missing_meta', 'transaction has no status metadata');
  const m = obj(meta, 'meta');
  const slot = result.slot ?? context.slot;
  if (slot === undefined) throw new NormalizeError('missing_slot', 'entry carries no slot and none was given');
  const blockTime = result.blockTime ?? context.blockTime ?? null;

  const body = readBody(result.transaction, m, result.version);
  const innerInstructions = readInner(m.innerInstructions, body.resolveKey, context.instructionDataOf ? dataFilter(context.instructionDataOf, body.accountKeys) : null);
  const preTokenBalances = tokenBalances(m.preTokenBalances, 'meta.preTokenBalances');
  const postTokenBalances = tokenBalances(m.postTokenBalances, 'meta.postTokenBalances');
  checkIndices(body.accountKeys.length, body.instructions, innerInstructions, [preTokenBalances, postTokenBalances]);
  const logs = m.logMessages;
  const preBalances = u64List(m.preBalances, 'meta.preBalances');
  return {
    signature: body.signature,
    slot: int(slot, 'slot'),
    blockTime: blockTime === null ? null : int(blockTime, 'blockTime'),
    indexInBlock:
      result.transactionIndex !== undefined && result.transactionIndex !== null
        ? int(result.transactionIndex, 'transactionIndex')
        : (context.indexInBlock ?? null),
    accountKeys: body.accountKeys,
    staticKeyCount: body.staticKeyCount,
    version: body.version,
    instructions: body.instructions,
    innerInstructions,
    logMessages: logs === null || logs === undefined ? null : checkedStrList(logs, 'meta.logMessages'),
    err: m.err ?? null,
    fee: u64(m.fee ?? 0, 'meta.fee'),
    preBalances,
    postBalances: u64List(m.postBalances, 'meta.postBalances', { raw: m.preBalances, values: preBalances }),
    preTokenBalances,
    postTokenBalances,
  };
}

/** Every transaction of a `getBlock` / `blockSubscribe` block (full transaction details), in block order. */
export function normalizeRpcBlock(block: unknown, slot: number): RawTx[] {
  const b = obj(block, 'block');
  const blockTime = b.blockTime === null || b.blockTime === undefined ? null : int(b.blockTime, 'block.blockTime');
  return optArr(b.transactions, 'block.transactions').map((entry, indexInBlock) =>
    normalizeRpcTransaction(entry, { slot, blockTime, indexInBlock }),
  );
}

/** Accepts `{jsonrpc, result}` and wrappers whose `transaction` field holds a whole result (fixture files). */
function unwrapEnvelope(value: unknown): Obj {
  let v = obj(value, 'transaction result');
  for (let depth = 0; depth < 3; depth++) {
    if ('jsonrpc' in v || ('result' in v && !('meta' in v))) {
      if (isObj(v.error)) throw new NormalizeError('rpc_error', String(v.error.message ?? 'error response'));
      if (v.result === null || v.result === undefined) throw new NormalizeError('not_found', 'JSON-RPC result is null');
      v = obj(v.result, 'result');
      continue;
    }
    if (!('meta' in v) && isObj(v.transaction) && 'meta' in v.transaction) {
      if ('isVote' in v.transaction) throw new NormalizeError('unknown_format', 'a Yellowstone update, not an RPC result');
      v = v.transaction;
      continue;
    }
    return v;
  }
  throw new NormalizeError('unknown_format', 'too deeply wrapped');
}

interface Body {
  signature: string;
  version: RawTx['version'];
  accountKeys: string[];
  staticKeyCount: number;
  instructions: RawInstruction[];
  /** Maps a jsonParsed base58 key to its index (json/base64 inner instructions already use indices). */
  resolveKey: (key: string) => number;
}

function readBody(tx: unknown, meta: Obj, versionField: unknown): Body {
  if (Array.isArray(tx)) return readWire(tx, meta);
  const t = obj(tx, 'transaction');
  const message = obj(t.message, 'transaction.message');
  const signatures = arr(t.signatures, 'transaction.signatures');
  if (signatures.length === 0) throw new NormalizeError('no_signature');
  const signature = str(signatures[0], 'signature');
  const keysRaw = arr(message.accountKeys, 'message.accountKeys');
  const version = parseVersion(versionField) ?? inferVersion(message);
  if (keysRaw.length > 0 && isObj(keysRaw[0])) return readParsed(signature, version, keysRaw, message);
  const staticKeys = strList(keysRaw, 'accountKeys');
  const accountKeys = staticKeys.concat(loadedAddresses(meta));
  const instructions = arr(message.instructions, 'message.instructions').map((ix, i) => compiledInstruction(ix, 'instructions', i, 1));
  return { signature, version, accountKeys, staticKeyCount: staticKeys.length, instructions, resolveKey: noKeyResolution };
}

function parseVersion(v: unknown): RawTx['version'] | null {
  if (v === 'legacy' || v === 0 || v === 1) return v;
  if (v === undefined || v === null) return null;
  throw new NormalizeError('unsupported_version', String(v));
}

/** Entries without a `version` field: the message's shape tells. */
function inferVersion(message: Obj): RawTx['version'] {
  if ('transactionConfig' in message) return 1;
  return 'addressTableLookups' in message && Array.isArray(message.addressTableLookups) ? 0 : 'legacy';
}

function readWire(tx: unknown[], meta: Obj): Body {
  const [data, encoding] = tx;
  const blob = str(data, 'transaction[0]');
  let bytes: Uint8Array;
  if (encoding === 'base64') bytes = base64Decode(blob);
  else if (encoding === 'base58') bytes = base58Decode(blob);
  else throw new NormalizeError('unknown_encoding', String(encoding));
  const wire = parseWireTransaction(bytes);
  const loaded = loadedAddresses(meta);
  if (wire.lookupCount > 0 && loaded.length === 0) {
    throw new NormalizeError('missing_loaded_addresses', 'v0 message uses lookup tables but meta.loadedAddresses is empty');
  }
  return {
    signature: base58Encode(wire.signatures[0]!),
    version: wire.version,
    accountKeys: wire.staticKeys.concat(loaded),
    staticKeyCount: wire.staticKeys.length,
    instructions: wire.instructions,
    resolveKey: noKeyResolution,
  };
}

function readParsed(signature: string, version: RawTx['version'], keysRaw: unknown[], message: Obj): Body {
  const accountKeys: string[] = [];
  let staticKeyCount = 0;
  keysRaw.forEach((k, i) => {
    const key = obj(k, 'accountKeys', i);
    accountKeys.push(str(key.pubkey, 'accountKeys', i, 'pubkey'));
    if (key.source !== 'lookupTable') staticKeyCount++;
  });
  const index = new Map<string, number>();
  accountKeys.forEach((k, i) => {
    if (!index.has(k)) index.set(k, i);
  });
  const resolveKey = (key: string): number => {
    const i = index.get(key);
    if (i === undefined) throw new NormalizeError('index_out_of_range', `key ${key} not among the account keys`);
    return i;
  };
  const instructions = arr(message.instructions, 'message.instructions').map((ix, i) =>
    parsedInstruction(ix, 'instructions', i, resolveKey, 1),
  );
  return { signature, version, accountKeys, staticKeyCount, instructions, resolveKey };
}

function noKeyResolution(key: string): number {
  throw new NormalizeError('bad_shape', `instruction names account ${key} by key in a non-jsonParsed transaction`);
}

function loadedAddresses(meta: Obj): string[] {
  if (!isObj(meta.loadedAddresses)) return [];
  const { writable, readonly } = meta.loadedAddresses;
  const loaded = (v: unknown, what: string) => (v === undefined || v === null ? [] : strList(v, what));
  return loaded(writable, 'loadedAddresses.writable').concat(loaded(readonly, 'loadedAddresses.readonly'));
}

function stackHeightOf(ix: Obj, fallback: number | null): number | null {
  return ix.stackHeight === null || ix.stackHeight === undefined ? fallback : int(ix.stackHeight, 'stackHeight');
}

/** Instruction `index` of the list `list` (`instructions` or `innerInstructions[g]`), names built on failure only. */
function compiledInstruction(raw: unknown, list: string, index: number, defaultHeight: number | null, keep: DataFilter = null): RawInstruction {
  const ix = obj(raw, list, index);
  const programIdIndex = int(ix.programIdIndex, list, index, 'programIdIndex');
  const accounts = intList(ix.accounts, list, index, 'accounts');
  const text = str(ix.data, list, index, 'data');
  const stackHeight = stackHeightOf(ix, defaultHeight);
  if (keep !== null && !keep(programIdIndex)) return { programIdIndex, accounts, data: NO_DATA, stackHeight };
  return base58Instruction(programIdIndex, accounts, text, stackHeight);
}

/** Which programs' inner-instruction bytes are decoded (null: all), see {@link TxContext.instructionDataOf}. */
type DataFilter = ((programIdIndex: number) => boolean) | null;

/**
 * An instruction with base58 data, decoded now. (Decoding long data on first read through an own accessor was
 * tried: accessor objects cost ~0.7 µs each to build and turn every `ix.data` read polymorphic, so eager
 * decoding is ~25% faster end to end even though most long payloads are never read.)
 */
function base58Instruction(programIdIndex: number, accounts: number[], text: string, stackHeight: number | null): RawInstruction {
  return { programIdIndex, accounts, data: base58Decode(text), stackHeight };
}

/**
 * jsonParsed instruction: unparsed ones keep base58 data and name accounts by key; parsed ones
 * (system, spl-token…) lost their raw bytes, so they keep program and no data — decoders never read them.
 */
function parsedInstruction(
  raw: unknown,
  list: string,
  index: number,
  resolveKey: (key: string) => number,
  defaultHeight: number | null,
  keep: DataFilter = null,
): RawInstruction {
  const ix = obj(raw, list, index);
  if (typeof ix.programIdIndex === 'number') return compiledInstruction(ix, list, index, defaultHeight, keep);
  const programIdIndex = resolveKey(str(ix.programId, list, index, 'programId'));
  if ('parsed' in ix) return { programIdIndex, accounts: [], data: new Uint8Array(0), stackHeight: stackHeightOf(ix, defaultHeight) };
  return base58Instruction(
    programIdIndex,
    strList(ix.accounts, list, index, 'accounts').map(resolveKey),
    str(ix.data, list, index, 'data'),
    stackHeightOf(ix, defaultHeight),
  );
}

function readInner(value: unknown, resolveKey: (key: string) => number, keep: DataFilter): RawInnerInstructions[] {
  return optArr(value, 'meta.innerInstructions').map((raw, g) => {
    const group = obj(raw, 'innerInstructions', g);
    const instructions = arr(group.instructions, 'innerInstructions', g, 'instructions');
    const list = `innerInstructions[${g}]`;
    return {
      index: int(group.index, 'innerInstructions', g, 'index'),
      instructions: instructions.map((ix, i) => parsedInstruction(ix, list, i, resolveKey, null, keep)),
    };
  });
}
