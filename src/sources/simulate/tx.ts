import type { RawInnerInstructions, RawInstruction, RawTokenBalance, RawTx } from '../../core/rawtx.ts';
import type { Key } from './keys.ts';
import type { Ledger } from './ledger.ts';

/** An account passed to an instruction, with the flags the message header encodes. */
export interface AccountMeta {
  key: Key;
  signer: boolean;
  writable: boolean;
}

export const w = (key: Key): AccountMeta => key.meta(1);
export const r = (key: Key): AccountMeta => key.meta(0);
export const ws = (key: Key): AccountMeta => key.meta(2);

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
  /** An event self-CPI whose event (its data after the 8-byte tag) the parent also logs as `Program data:`. */
  eventLog?: boolean;
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

/** Address lookup table the simulated wallets use for the launchpads' fixed accounts (entries: {@link Key.tableIndex}). */
export interface LookupTable {
  key: Key;
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

const byTable = (a: Key, b: Key): number => a.tableIndex - b.tableIndex;

/** Builders are numbered so the per-key registration marks of an earlier transaction are stale. */
let builderSerial = 0;

/**
 * Assembles one transaction: takes the top-level invocations (registering their accounts) and compiles
 * keys, header, instructions, inner instructions, logs and balances. Pre-balances come from the
 * {@link Ledger}'s journal, so the caller applies effects while building and compiles before `commit()`.
 * Registration state lives on the {@link Key} objects (only one transaction is built at a time).
 */
export class TxBuilder {
  private readonly serial = ++builderSerial;
  /** Registered accounts in first-registration order. */
  private readonly keys: Key[] = [];
  private readonly tops: Invocation[] = [];

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
    top.program.txProgram = this.serial;
    this.registerTree(top);
    this.tops.push(top);
  }

  private registerTree(node: Invocation): void {
    this.register(r(node.program));
    for (const a of node.accounts) this.register(a);
    if (node.children) for (const c of node.children) this.registerTree(c);
  }

  private register(meta: AccountMeta): void {
    const key = meta.key;
    if (key.txSerial !== this.serial) {
      key.txSerial = this.serial;
      key.txSigner = meta.signer;
      key.txWritable = meta.writable;
      this.keys.push(key);
    } else {
      if (meta.signer) key.txSigner = true;
      if (meta.writable) key.txWritable = true;
    }
  }

  /** Token balances of the transaction's token accounts, before or after it, in account-index order. */
  private tokenBalances(ordered: readonly Key[], pre: boolean): RawTokenBalance[] {
    const out: RawTokenBalance[] = [];
    for (let i = 0; i < ordered.length; i++) {
      const key = ordered[i]!;
      const t = this.ledger.token(key);
      if (t === undefined) continue;
      const amount = pre ? this.ledger.preTokenAmountOf(key) : t.amount;
      if (amount !== undefined) out.push({ accountIndex: i, mint: t.mint, owner: t.owner, programId: t.programId, amount, decimals: t.decimals });
    }
    return out;
  }

  compile(ctx: CompileContext): { tx: RawTx; envelope: TxEnvelope } {
    const { ordered, staticKeyCount, loadedWritable, loadedReadonly, header, lookups } = this.orderKeys(ctx);
    if (header.numRequiredSignatures !== ctx.signatures.length) throw new Error('simulator bug: signature count mismatch');
    const accountKeys: string[] = new Array<string>(ordered.length);
    for (let i = 0; i < ordered.length; i++) {
      const key = ordered[i]!;
      key.txIndex = i;
      accountKeys[i] = key.b58;
    }

    const instructions: RawInstruction[] = [];
    const innerInstructions: RawInnerInstructions[] = [];
    const logs: string[] | null = ctx.withLogs ? [] : null;
    let remaining = ctx.computeBudget;
    let consumed = 0;
    let failedAt = -1;
    for (let i = 0; i < this.tops.length && failedAt < 0; i++) {
      const top = this.tops[i]!;
      instructions.push(compileIx(top, 1));
      const inner: RawInstruction[] = [];
      const used = renderLogs(top, 1, remaining, logs, inner);
      consumed += used;
      remaining -= used;
      if (inner.length > 0) innerInstructions.push({ index: i, instructions: inner });
      if (top.failure) failedAt = i;
    }
    // Instructions after a failure never ran but are still part of the message.
    for (let i = failedAt + 1; failedAt >= 0 && i < this.tops.length; i++) instructions.push(compileIx(this.tops[i]!, 1));

    const failure = failedAt >= 0 ? this.tops[failedAt]!.failure! : null;
    const err = failure ? { InstructionError: [failedAt, { Custom: failure.code }] } : null;
    const preBalances: bigint[] = new Array<bigint>(ordered.length);
    const postBalances: bigint[] = new Array<bigint>(ordered.length);
    for (let i = 0; i < ordered.length; i++) {
      const key = ordered[i]!;
      preBalances[i] = this.ledger.preLamportsOf(key);
      postBalances[i] = this.ledger.lamportsOf(key);
    }
    const tx: RawTx = {
      signature: ctx.signatures[0]!,
      slot: ctx.slot,
      blockTime: ctx.blockTime,
      indexInBlock: ctx.indexInBlock,
      accountKeys,
      staticKeyCount,
      version: 0,
      instructions,
      innerInstructions,
      logMessages: logs,
      err,
      fee: ctx.fee,
      preBalances,
      postBalances,
      preTokenBalances: this.tokenBalances(ordered, true),
      postTokenBalances: this.tokenBalances(ordered, false),
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
    const useTable = table !== null;
    const groups: Key[][] = [[], [], [], []];
    const loadedW: Key[] = [];
    const loadedR: Key[] = [];
    for (const key of this.keys) {
      if (useTable && key.tableIndex >= 0 && !key.txSigner && key.txProgram !== this.serial) {
        (key.txWritable ? loadedW : loadedR).push(key);
        continue;
      }
      groups[(key.txSigner ? 0 : 2) + (key.txWritable ? 0 : 1)]!.push(key);
    }
    loadedW.sort(byTable);
    loadedR.sort(byTable);
    const header = {
      numRequiredSignatures: groups[0]!.length + groups[1]!.length,
      numReadonlySignedAccounts: groups[1]!.length,
      numReadonlyUnsignedAccounts: groups[3]!.length,
    };
    const lookups =
      table !== null && loadedW.length + loadedR.length > 0
        ? [{ accountKey: table.key.b58, writableIndexes: loadedW.map((k) => k.tableIndex), readonlyIndexes: loadedR.map((k) => k.tableIndex) }]
        : [];
    const ordered = groups[0]!.concat(groups[1]!, groups[2]!, groups[3]!, loadedW, loadedR);
    return {
      ordered,
      staticKeyCount: ordered.length - loadedW.length - loadedR.length,
      loadedWritable: loadedW.map((k) => k.b58),
      loadedReadonly: loadedR.map((k) => k.b58),
      header,
      lookups,
    };
  }
}

function compileIx(node: Invocation, stackHeight: number): RawInstruction {
  const metas = node.accounts;
  const accounts: number[] = new Array<number>(metas.length);
  for (let i = 0; i < metas.length; i++) accounts[i] = metas[i]!.key.txIndex;
  return { programIdIndex: node.program.txIndex, accounts, data: node.data, stackHeight };
}

/** A program's fixed log lines (the runtime prints them for every invocation). */
export interface ProgramLogLines {
  /** `Program <id>` */
  prefix: string;
  success: string;
  /** invoke[d] = `Program <id> invoke [d]` (d ≥ 1; index 0 unused). */
  invoke: string[];
}

function logLinesOf(program: Key): ProgramLogLines {
  if (program.programLogs === null) {
    const prefix = `Program ${program.b58}`;
    const invoke = ['', 1, 2, 3, 4, 5].map((d) => `${prefix} invoke [${d}]`);
    program.programLogs = { prefix, success: `${prefix} success`, invoke };
  }
  return program.programLogs;
}

/**
 * Writes the invocation's log lines and its CPIs (pre-order, into `inner`); returns the compute units it
 * used, which the `consumed X of Y` line reports against the budget left when it was invoked.
 */
function renderLogs(node: Invocation, depth: number, budget: number, logs: string[] | null, inner: RawInstruction[]): number {
  const lines = logs === null ? null : logLinesOf(node.program);
  if (logs !== null) {
    logs.push(lines!.invoke[depth] ?? `${lines!.prefix} invoke [${depth}]`);
    if (node.logs) for (const line of node.logs) logs.push(line);
  }
  let used = node.cu ?? 0;
  if (node.failure) {
    if (logs) {
      for (const line of node.failure.logs) logs.push(line);
      logs.push(`${lines!.prefix} consumed ${used} of ${budget} compute units`);
      logs.push(`${lines!.prefix} failed: custom program error: 0x${node.failure.code.toString(16)}`);
    }
    return used;
  }
  if (node.children) {
    for (const child of node.children) {
      inner.push(compileIx(child, depth + 1));
      used += renderLogs(child, depth + 1, budget - used, logs, inner);
      if (logs && child.eventLog === true) logs.push(`Program data: ${base64(child.data, 8)}`);
    }
  }
  if (logs !== null) {
    if (node.cu !== undefined) logs.push(`${lines!.prefix} consumed ${used} of ${budget} compute units`);
    logs.push(lines!.success);
  }
  return used;
}

/** Base64 of `bytes` from `offset`, read in place (no copy). */
function base64(bytes: Uint8Array, offset: number): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset + offset, bytes.byteLength - offset).toString('base64');
}
