/**
 * RPC `json` transaction → Yellowstone `SubscribeUpdateTransaction`, so the test Geyser server can stream
 * the same recorded or simulated transactions the RPC server serves.
 */
import bs58 from 'bs58';
import type { SubscribeUpdateTransaction, SubscribeUpdateBlockMeta } from '@triton-one/yellowstone-grpc';
import { failed, type RpcTokenBalance, type RpcTx } from './ledger.ts';

const b58 = (s: string): Uint8Array => bs58.decode(s);

/**
 * Unit variants of Solana's `TransactionError`, in enum order: their bincode form is the u32 LE variant
 * index. Other errors (InstructionError, …) are encoded as InstructionError(0, GenericError): the sources
 * only need "failed", never the exact reason.
 */
const UNIT_ERRORS = ['AccountInUse', 'AccountLoadedTwice', 'AccountNotFound', 'ProgramAccountNotFound', 'InsufficientFundsForFee', 'InvalidAccountForFee', 'AlreadyProcessed', 'BlockhashNotFound'];

function encodeError(err: unknown): Uint8Array {
  const u32 = (n: number) => [n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, n >>> 24];
  const unit = typeof err === 'string' ? UNIT_ERRORS.indexOf(err) : -1;
  if (unit >= 0) return Uint8Array.from(u32(unit));
  return Uint8Array.from([...u32(8), 0, ...u32(0)]);
}

function tokenBalance(b: RpcTokenBalance) {
  return {
    accountIndex: b.accountIndex,
    mint: b.mint,
    owner: b.owner ?? '',
    programId: b.programId ?? '',
    uiTokenAmount: {
      amount: b.uiTokenAmount.amount,
      decimals: b.uiTokenAmount.decimals,
      uiAmount: b.uiTokenAmount.uiAmount ?? 0,
      uiAmountString: b.uiTokenAmount.uiAmountString,
    },
  };
}

/** `index` is the transaction's position in its block (Yellowstone sends it for ordering). */
export function toTransactionUpdate(tx: RpcTx, index: number): SubscribeUpdateTransaction {
  const msg = tx.transaction.message;
  const meta = tx.meta;
  if (!meta || !msg.header) throw new Error('only json-encoded transactions with metadata convert to Geyser updates');
  const loaded = meta.loadedAddresses ?? { writable: [], readonly: [] };
  return {
    slot: String(tx.slot),
    transaction: {
      signature: b58(tx.transaction.signatures[0]!),
      isVote: false,
      index: String(index),
      transaction: {
        signatures: tx.transaction.signatures.map(b58),
        message: {
          header: msg.header,
          accountKeys: msg.accountKeys.map((k) => b58(typeof k === 'string' ? k : k.pubkey)),
          recentBlockhash: b58(msg.recentBlockhash),
          instructions: msg.instructions.map((ix) => ({ programIdIndex: ix.programIdIndex, accounts: Uint8Array.from(ix.accounts), data: b58(ix.data) })),
          versioned: tx.version !== undefined && tx.version !== 'legacy',
          addressTableLookups: (msg.addressTableLookups ?? []).map((l) => ({
            accountKey: b58(l.accountKey),
            writableIndexes: Uint8Array.from(l.writableIndexes),
            readonlyIndexes: Uint8Array.from(l.readonlyIndexes),
          })),
          ...(tx.version === 1 ? { config: {} } : {}),
        },
      },
      meta: {
        err: failed(tx) ? { err: encodeError(meta.err) } : undefined,
        fee: String(meta.fee),
        preBalances: meta.preBalances.map(String),
        postBalances: meta.postBalances.map(String),
        innerInstructions: (meta.innerInstructions ?? []).map((g) => ({
          index: g.index,
          instructions: g.instructions.map((ix) => ({
            programIdIndex: ix.programIdIndex,
            accounts: Uint8Array.from(ix.accounts),
            data: b58(ix.data),
            ...(ix.stackHeight === null || ix.stackHeight === undefined ? {} : { stackHeight: ix.stackHeight }),
          })),
        })),
        innerInstructionsNone: meta.innerInstructions === null || meta.innerInstructions === undefined,
        logMessages: meta.logMessages ?? [],
        logMessagesNone: meta.logMessages === null || meta.logMessages === undefined,
        preTokenBalances: (meta.preTokenBalances ?? []).map(tokenBalance),
        postTokenBalances: (meta.postTokenBalances ?? []).map(tokenBalance),
        rewards: [],
        loadedWritableAddresses: loaded.writable.map(b58),
        loadedReadonlyAddresses: loaded.readonly.map(b58),
        returnData: undefined,
        returnDataNone: true,
        ...(meta.computeUnitsConsumed === undefined ? {} : { computeUnitsConsumed: String(meta.computeUnitsConsumed) }),
      },
    },
  };
}

export function toBlockMeta(slot: number, parentSlot: number, blockTime: number | null, txCount: number): SubscribeUpdateBlockMeta {
  return {
    slot: String(slot),
    blockhash: bs58.encode(Buffer.alloc(32, slot % 251)),
    rewards: undefined,
    blockTime: blockTime === null ? undefined : { timestamp: String(blockTime) },
    blockHeight: { blockHeight: String(slot) },
    parentSlot: String(parentSlot),
    parentBlockhash: bs58.encode(Buffer.alloc(32, parentSlot % 251)),
    executedTransactionCount: String(txCount),
    entriesCount: '0',
  };
}
