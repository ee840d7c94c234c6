import bs58 from 'bs58';
import type { RawInstruction, RawTokenBalance, RawTx } from '../../core/rawtx.ts';
import type { TxEnvelope } from './tx.ts';

/** JSON-RPC `getTransaction` result (encoding "json", maxSupportedTransactionVersion 0), as nodes return it. */
export interface RpcTransactionJson {
  slot: number;
  blockTime: number | null;
  version: 'legacy' | 0 | 1;
  transactionIndex?: number;
  transaction: {
    signatures: string[];
    message: {
      header: TxEnvelope['header'];
      accountKeys: string[];
      recentBlockhash: string;
      instructions: RpcInstruction[];
      addressTableLookups?: TxEnvelope['addressTableLookups'];
    };
  };
  meta: {
    err: unknown;
    status: { Ok: null } | { Err: unknown };
    fee: number;
    preBalances: number[];
    postBalances: number[];
    innerInstructions: Array<{ index: number; instructions: RpcInstruction[] }>;
    logMessages: string[] | null;
    preTokenBalances: RpcTokenBalance[];
    postTokenBalances: RpcTokenBalance[];
    rewards: unknown[];
    loadedAddresses: { writable: string[]; readonly: string[] };
    computeUnitsConsumed: number;
  };
}

interface RpcInstruction {
  programIdIndex: number;
  accounts: number[];
  data: string;
  stackHeight: number | null;
}

interface RpcTokenBalance {
  accountIndex: number;
  mint: string;
  owner?: string;
  programId?: string;
  uiTokenAmount: { amount: string; decimals: number; uiAmount: number | null; uiAmountString: string };
}

const ix = (i: RawInstruction): RpcInstruction => ({
  programIdIndex: i.programIdIndex,
  accounts: i.accounts,
  data: bs58.encode(i.data),
  stackHeight: i.stackHeight,
});

/** Base units as the node's decimal string: `1234567` with 6 decimals → `1.234567`; no trailing zeros. */
export function uiAmountString(amount: bigint, decimals: number): string {
  if (decimals === 0) return amount.toString();
  const digits = amount.toString().padStart(decimals + 1, '0');
  const whole = digits.slice(0, -decimals);
  const fraction = digits.slice(-decimals).replace(/0+$/, '');
  return fraction ? `${whole}.${fraction}` : whole;
}

const tokenBalance = (b: RawTokenBalance): RpcTokenBalance => {
  const ui = uiAmountString(b.amount, b.decimals);
  return {
    accountIndex: b.accountIndex,
    mint: b.mint,
    ...(b.owner !== null ? { owner: b.owner } : {}),
    ...(b.programId !== null ? { programId: b.programId } : {}),
    uiTokenAmount: { amount: b.amount.toString(), decimals: b.decimals, uiAmount: b.amount === 0n ? null : Number(ui), uiAmountString: ui },
  };
};

/** Lamport values stay below 2^53 in practice; refuse to render one that would lose precision. */
const lamports = (v: bigint): number => {
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new RangeError(`lamport value ${v} exceeds JSON number precision`);
  return Number(v);
};

/**
 * Renders a normalized transaction as the exact JSON-RPC `getTransaction` result. `envelope` supplies what
 * {@link RawTx} does not keep (all signatures, header, blockhash, lookups); without it a single-signer header is
 * assumed, which is right for the launchpads' trades but not for creates (two signers).
 */
export function toRpcJson(tx: RawTx, envelope?: TxEnvelope): RpcTransactionJson {
  const loaded = envelope?.loadedAddresses ?? {
    writable: [],
    readonly: tx.accountKeys.slice(tx.staticKeyCount),
  };
  const header = envelope?.header ?? { numRequiredSignatures: 1, numReadonlySignedAccounts: 0, numReadonlyUnsignedAccounts: 0 };
  return {
    slot: tx.slot,
    blockTime: tx.blockTime,
    version: tx.version,
    ...(tx.indexInBlock !== null ? { transactionIndex: tx.indexInBlock } : {}),
    transaction: {
      signatures: envelope?.signatures ?? [tx.signature],
      message: {
        header,
        accountKeys: tx.accountKeys.slice(0, tx.staticKeyCount),
        recentBlockhash: envelope?.recentBlockhash ?? '11111111111111111111111111111111',
        instructions: tx.instructions.map(ix),
        ...(tx.version === 'legacy' ? {} : { addressTableLookups: envelope?.addressTableLookups ?? [] }),
      },
    },
    meta: {
      err: tx.err,
      status: tx.err === null ? { Ok: null } : { Err: tx.err },
      fee: lamports(tx.fee),
      preBalances: tx.preBalances.map(lamports),
      postBalances: tx.postBalances.map(lamports),
      innerInstructions: tx.innerInstructions.map((inner) => ({ index: inner.index, instructions: inner.instructions.map(ix) })),
      logMessages: tx.logMessages,
      preTokenBalances: tx.preTokenBalances.map(tokenBalance),
      postTokenBalances: tx.postTokenBalances.map(tokenBalance),
      rewards: [],
      loadedAddresses: loaded,
      computeUnitsConsumed: envelope?.computeUnitsConsumed ?? 0,
    },
  };
}
