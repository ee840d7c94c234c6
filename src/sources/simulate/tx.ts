import type { RawInnerInstructions, RawInstruction, RawTokenBalance, RawTx } from '../../core/rawtx.ts';
import type { Key } from './keys.ts';
import type { Ledger } from './ledger.ts';

/** An account passed to an instruction, with the flags the message header encodes. */
export interface AccountMeta {
  key: Key;
  signer: boolean;
  writable: boolean;
}

export const w = (key: Key): AccountMeta => ({ key, signer: false, writable: true });
export const r = (key: Key): AccountMeta => ({ key, signer: false, writable: false });
export const ws = (key: Key): AccountMeta => ({ key, signer: true, writable: true });

/**
 * One program invocation and what it invoked in turn. The tree gives both the inner-instruction list
 * (pre-order, stack height = depth) and the invoke/success log lines, so the two channels always agree.
 */
export interface Invocation {
  program: Key;
  accounts: AccountMeta[];
  data: Uint8Array;
  /** Lines the program prints before its CPIs (`Program log: Instruction: Buy`). */
  logs?: string[];
  children?: Invocation[];
  /** Event bytes (disc ‖ payload) the parent logs as `Program data:` right after this self-CPI. */
  eventLog?: Uint8Array;
  /** Own compute units; undefined for native programs, which print no `consumed` line. */
  cu?: number;
  /** Makes this (top-level) invocation fail: its log lines and the custom error code. */
  failure?: { logs: string[]; code: number };
}

/** The parts of a `getTransaction` result that the normalized {@link RawTx} does not keep. */
export interface TxEnvelope {
  signatures: string[];
  header: { numRequiredSignatures: number; numReadonlySignedAccounts: number; numReadonlyUnsignedAccounts: number };
  recentBlockhash: string;
  addressTableLookups: Array<{ accountKey: string; writableIndexes: number[]; readonlyIndexes: number[] }>;
  loadedAddresses: { writable: string[]; readonly: string[] };
  computeUnitsConsumed: number;
}

/** Address lookup table the simulated wallets use for the launchpads' fixed accounts. */
export interface LookupTable {
  key: Key;
  /** Address → its index in the table. */
  index: ReadonlyMap<string, number>;
}

export interface CompileContext {
  /** One per signer, payer's first (a create also has the new mint keypair's). */
  signatures: string[];
  slot: number;
  blockTime: number;
  indexInBlock: number;
  recentBlockhash: string;
  lookupTable: LookupTable | null;
  /** Base fee + priority fee, paid by the fee payer. */
  fee: bigint;
  /** Compute unit limit the transaction requested (what `consumed X of Y` counts down from). */
  computeBudget: number;
  /** False: leave `logMessages` null (as a source without logs would), which saves most of the string work. */
  withLogs: boolean;
}

/**
 * Assembles one transaction: takes the top-level invocations (registering their accounts) and compiles
 * keys, header, instructions, inner instructions, logs and balances. Pre-balances come from the
 * {@link Ledger}'s journal, so the caller applies effects while building and compiles before `commit()`.
 */
export class TxBuilder {
  private readonly accounts = new Map<string, AccountMeta>();
  private readonly tops: Invocation[] = [];
  private readonly programIds = new Set<string>();

  constructor(
    private readonly ledger: Ledger,
    readonly payer: Key,
  ) {
    this.register(ws(payer));
  }

  /** How many top-level instructions were added so far (the next one's index). */
  get instructionCount(): number {
    return this.tops.length;
  }

  /** Registers every account of an invocation tree (recursively) and queues it as a top-level instruction. */
  add(top: Invocation): void {
    this.programIds.add(top.program.b58);
    this.registerTree(top);
    this.tops.push(top);
  }

  private registerTree(node: Invocation): void {
    this.register(r(node.program));
    for (const a of node.accounts) this.register(a);
    if (node.children) for (const c of node.children) this.registerTree(c);
  }

  private register(meta: AccountMeta): void {
    const b58 = meta.key.b58;
    const seen = this.accounts.get(b58);
    if (seen === undefined) this.accounts.set(b58, meta);
    else if ((meta.signer && !seen.signer) || (meta.writable && !seen.writable)) {
      this.accounts.set(b58, { key: seen.key, signer: seen.signer || meta.signer, writable: seen.writable || meta.writable });
    }
  }

  /** Token balances of the transaction's token accounts, before or after it, in account-index order. */
  private tokenBalances(pre: boolean, index: ReadonlyMap<string, number>): RawTokenBalance[] {
    const out: RawTokenBalance[] = [];
    for (const b58 of this.accounts.keys()) {
      const t = this.ledger.token(b58);
      if (!t) continue;
      const amount = pre ? this.ledger.preTokenAmountOf(b58) : t.amount;
      if (amount !== undefined) {
        out.push({ accountIndex: index.get(b58)!, mint: t.mint, owner: t.owner, programId: t.programId, amount, decimals: t.decimals });
      }
    }
    return out.sort((a, b) => a.accountIndex - b.accountIndex);
  }

  compile(ctx: CompileContext): { tx: RawTx; envelope: TxEnvelope } {
    const { staticKeys, loadedWritable, loadedReadonly, header, lookups } = this.orderKeys(ctx);
    if (header.numRequiredSignatures !== ctx.signatures.length) throw new Error('simulator bug: signature count mismatch');
    const accountKeys = [...staticKeys, ...loadedWritable, ...loadedReadonly];
    const index = new Map<string, number>();
    for (let i = 0; i < accountKeys.length; i++) index.set(accountKeys[i]!, i);

    const instructions: RawInstruction[] = [];
    const innerInstructions: RawInnerInstructions[] = [];
    const logs: string[] | null = ctx.withLogs ? [] : null;
    let remaining = ctx.computeBudget;
    let consumed = 0;
    let failedAt = -1;
    for (let i = 0; i < this.tops.length && failedAt < 0; i++) {
      const top = this.tops[i]!;
      instructions.push(compileIx(top, index, 1));
      const inner: RawInstruction[] = [];
      const used = renderLogs(top, 1, remaining, logs, inner, index);
      consumed += used;
      remaining -= used;
      if (inner.length > 0) innerInstructions.push({ index: i, instructions: inner });
      if (top.failure) failedAt = i;
    }
    // Instructions after a failure never ran but are still part of the message.
    for (let i = failedAt + 1; failedAt >= 0 && i < this.tops.length; i++) instructions.push(compileIx(this.tops[i]!, index, 1));

    const failure = failedAt >= 0 ? this.tops[failedAt]!.failure! : null;
    const err = failure ? { InstructionError: [failedAt, { Custom: failure.code }] } : null;
    const preBalances: bigint[] = [];
    const postBalances: bigint[] = [];
    for (const k of accountKeys) {
      preBalances.push(this.ledger.preLamportsOf(k));
      postBalances.push(this.ledger.lamportsOf(k));
    }
    const tx: RawTx = {
      signature: ctx.signatures[0]!,
      slot: ctx.slot,
      blockTime: ctx.blockTime,
      indexInBlock: ctx.indexInBlock,
      accountKeys,
      staticKeyCount: staticKeys.length,
      version: 0,
      instructions,
      innerInstructions,
      logMessages: logs,
      err,
      fee: ctx.fee,
      preBalances,
      postBalances,
      preTokenBalances: this.tokenBalances(true, index),
      postTokenBalances: this.tokenBalances(false, index),
    };
    const envelope: TxEnvelope = {
      signatures: ctx.signatures,
      header,
      recentBlockhash: ctx.recentBlockhash,
      addressTableLookups: lookups,
      loadedAddresses: { writable: loadedWritable, readonly: loadedReadonly },
      computeUnitsConsumed: consumed,
    };
    return { tx, envelope };
  }

  /** Solana's key order: writable signers (payer first), readonly signers, writable, readonly; ALT keys last. */
  private orderKeys(ctx: CompileContext) {
    const table = ctx.lookupTable;
    const tableIndex = table?.index;
    const groups: string[][] = [[], [], [], []];
    const loadedW: Array<[string, number]> = [];
    const loadedR: Array<[string, number]> = [];
    for (const meta of this.accounts.values()) {
      const b58 = meta.key.b58;
      const slotInTable = tableIndex?.get(b58);
      if (slotInTable !== undefined && !meta.signer && !this.programIds.has(b58)) {
        (meta.writable ? loadedW : loadedR).push([b58, slotInTable]);
        continue;
      }
      groups[(meta.signer ? 0 : 2) + (meta.writable ? 0 : 1)]!.push(b58);
    }
    const byTable = (a: [string, number], b: [string, number]) => a[1] - b[1];
    loadedW.sort(byTable);
    loadedR.sort(byTable);
    const header = {
      numRequiredSignatures: groups[0]!.length + groups[1]!.length,
      numReadonlySignedAccounts: groups[1]!.length,
      numReadonlyUnsignedAccounts: groups[3]!.length,
    };
    const lookups =
      table && loadedW.length + loadedR.length > 0
        ? [{ accountKey: table.key.b58, writableIndexes: loadedW.map((e) => e[1]), readonlyIndexes: loadedR.map((e) => e[1]) }]
        : [];
    return {
      staticKeys: groups.flat(),
      loadedWritable: loadedW.map((e) => e[0]),
      loadedReadonly: loadedR.map((e) => e[0]),
      header,
      lookups,
    };
  }
}

function compileIx(node: Invocation, index: Map<string, number>, stackHeight: number): RawInstruction {
  return {
    programIdIndex: index.get(node.program.b58)!,
    accounts: node.accounts.map((a) => index.get(a.key.b58)!),
    data: node.data,
    stackHeight,
  };
}

/**
 * Writes the invocation's log lines and its CPIs (pre-order, into `inner`); returns the compute units it
 * used, which the `consumed X of Y` line reports against the budget left when it was invoked.
 */
function renderLogs(
  node: Invocation,
  depth: number,
  budget: number,
  logs: string[] | null,
  inner: RawInstruction[],
  index: Map<string, number>,
): number {
  const id = node.program.b58;
  logs?.push(`Program ${id} invoke [${depth}]`);
  if (logs && node.logs) for (const line of node.logs) logs.push(line);
  let used = node.cu ?? 0;
  if (node.failure) {
    if (logs) {
      for (const line of node.failure.logs) logs.push(line);
      logs.push(`Program ${id} consumed ${used} of ${budget} compute units`);
      logs.push(`Program ${id} failed: custom program error: 0x${node.failure.code.toString(16)}`);
    }
    return used;
  }
  if (node.children) {
    for (const child of node.children) {
      inner.push(compileIx(child, index, depth + 1));
      used += renderLogs(child, depth + 1, budget - used, logs, inner, index);
      if (logs && child.eventLog) logs.push(`Program data: ${Buffer.from(child.eventLog).toString('base64')}`);
    }
  }
  if (logs) {
    if (node.cu !== undefined) logs.push(`Program ${id} consumed ${used} of ${budget} compute units`);
    logs.push(`Program ${id} success`);
  }
  return used;
}
