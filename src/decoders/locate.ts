import type { RawInstruction, RawTx } from '../core/rawtx.ts';
import { base64Decode } from './base64.ts';
import { EVENT_CPI_TAG } from './anchor.ts';
import type { Invocation, ProgramDecoder } from './context.ts';

/** An invocation of a registered program, with the decoder that owns it. */
export interface LocatedInvocation extends Invocation {
  decoder: ProgramDecoder;
}

function isEventCpi(ix: RawInstruction): boolean {
  const d = ix.data;
  if (d.length < 16) return false;
  for (let i = 0; i < 8; i++) if (d[i] !== EVENT_CPI_TAG[i]) return false;
  return true;
}

/**
 * Finds every invocation of a registered program at any depth and the events each emitted.
 * Self-CPI events are read from inner instructions (they survive log truncation); each is attached to
 * the instruction one stack level up. `Program data:` logs are read only when the transaction has no
 * inner instructions at all (a logs-only source), attributed with an invoke stack — so each event is
 * read from exactly one channel. Programs without self-CPI events (eventAuthority null: Raydium CPMM `emit!`,
 * AMM v4 `ray_log`) only log them: their invocations take their log lines in either case.
 */
export function locateInvocations(tx: RawTx, registry: ReadonlyMap<string, ProgramDecoder>): LocatedInvocation[] {
  if (tx.innerInstructions.length === 0 && tx.logMessages !== null) return fromLogs(tx, registry);
  const out = fromInstructions(tx, registry);
  // Programs that log their events (no self-CPI) get them from the logs, also when inner instructions exist.
  if (tx.logMessages !== null) {
    for (const inv of out) {
      if (inv.decoder.eventAuthority !== null) continue;
      attachLoggedEvents(tx.logMessages, out);
      break;
    }
  }
  return out;
}

function fromInstructions(tx: RawTx, registry: ReadonlyMap<string, ProgramDecoder>): LocatedInvocation[] {
  const out: LocatedInvocation[] = [];
  const innerByIndex = new Map<number, RawInstruction[]>();
  for (const group of tx.innerInstructions) innerByIndex.set(group.index, group.instructions);
  const frames = new FrameStack();
  for (let ixIndex = 0; ixIndex < tx.instructions.length; ixIndex++) {
    const top = tx.instructions[ixIndex]!;
    frames.open(1, tx.accountKeys[top.programIdIndex]!, registry, out, ixIndex, -1, top);
    const inner = innerByIndex.get(ixIndex);
    if (inner === undefined) continue;
    for (let innerIxIndex = 0; innerIxIndex < inner.length; innerIxIndex++) {
      const ix = inner[innerIxIndex]!;
      const program = tx.accountKeys[ix.programIdIndex]!;
      const decoder = registry.get(program);
      if (decoder && isEventCpi(ix)) {
        const parent = ix.stackHeight === null ? frames.lastOf(program) : frames.at(ix.stackHeight - 1);
        const authority = tx.accountKeys[ix.accounts[0] ?? -1];
        if (parent?.inv && parent.program === program && authority === decoder.eventAuthority) {
          parent.inv.events.push(ix.data.subarray(8));
        }
        continue;
      }
      // Without stack heights (pre-1.14 data) nesting is unknown: treat each CPI as one level down.
      frames.open(ix.stackHeight ?? 2, program, registry, out, ixIndex, innerIxIndex, ix);
    }
  }
  return out;
}

interface Frame {
  program: string;
  inv: LocatedInvocation | null;
}

/** The program (and its invocation, null for foreign programs) last seen at each stack height 1..depth. */
class FrameStack {
  private readonly frames: Array<Frame | undefined> = [];
  private depth = 0;

  /** An instruction starts at stack height `height`: deeper frames are done; a registered program opens an invocation. */
  open(
    height: number,
    program: string,
    registry: ReadonlyMap<string, ProgramDecoder>,
    out: LocatedInvocation[],
    ixIndex: number,
    innerIxIndex: number,
    ix: RawInstruction,
  ): void {
    const decoder = registry.get(program);
    const inv = decoder ? { decoder, ixIndex, innerIxIndex, ix, events: [] } : null;
    if (inv) out.push(inv);
    // A skipped height (malformed stack data) leaves no stale frame below the new one.
    for (let h = this.depth + 1; h < height; h++) this.frames[h] = undefined;
    this.frames[height] = { program, inv };
    this.depth = height;
  }

  at(height: number): Frame | undefined {
    return height >= 1 && height <= this.depth ? this.frames[height] : undefined;
  }

  lastOf(program: string): Frame | undefined {
    for (let h = this.depth; h >= 1; h--) if (this.frames[h]?.program === program) return this.frames[h];
    return undefined;
  }
}

const INVOKE = /^Program (\S+) invoke \[(\d+)\]$/;
const EXIT = /^Program (\S+) (?:success|failed)/;
const DATA = 'Program data: ';

/** The event blob of a log line for invocation `top`: `Program data:` or the decoder's own prefix; null otherwise. */
function loggedEvent(line: string, top: LocatedInvocation): Uint8Array | null {
  const prefix = top.decoder.logEventPrefix;
  const at = line.startsWith(DATA) ? DATA.length : prefix !== undefined && line.startsWith(prefix) ? prefix.length : -1;
  if (at < 0) return null;
  const bytes = base64Decode(line.slice(at));
  return bytes && bytes.length >= 8 ? bytes : null;
}

/**
 * Transactions with inner instructions: the log lines of the invocations whose program has no event authority,
 * attributed with the same invoke stack as the logs-only path and matched to the located invocation by key
 * (ixIndex, innerIxIndex). Other programs' lines are not read (their events came from the self-CPIs).
 */
function attachLoggedEvents(logs: readonly string[], located: LocatedInvocation[]): void {
  let lastIxIndex = -1;
  for (const c of located) if (c.decoder.eventAuthority === null && c.ixIndex > lastIxIndex) lastIxIndex = c.ixIndex;
  // The invocation open at each depth 1..depth (null: a program whose lines are not read).
  const frames: Array<LocatedInvocation | null> = [null, null, null, null, null, null];
  let depthNow = 0;
  let ixIndex = -1;
  let innerCount = -1;
  for (const line of logs) {
    const top = depthNow > 0 ? (frames[depthNow] ?? null) : null;
    if (top) {
      const bytes = loggedEvent(line, top);
      if (bytes) {
        top.events.push(bytes);
        continue;
      }
    }
    // `Program <id> invoke [<depth>]` / `Program <id> success`, told apart by their last character (no regex).
    const last = line.charCodeAt(line.length - 1);
    if (last === 93 /* ] */) {
      const open = line.lastIndexOf(' invoke [');
      // Same shape as INVOKE: `Program ` + an id without spaces + ` invoke [` + digits + `]`.
      if (open < 9 || !line.startsWith('Program ') || line.indexOf(' ', 8) !== open) continue;
      let depth = 0;
      for (let i = open + 9; i < line.length - 1 && depth <= 64; i++) {
        const digit = line.charCodeAt(i) - 48;
        depth = digit >= 0 && digit <= 9 ? depth * 10 + digit : 65;
      }
      if (depth < 1 || depth > 64) continue;
      if (depth === 1) {
        if (++ixIndex > lastIxIndex) return;
        innerCount = -1;
      } else innerCount++;
      const innerIxIndex = depth === 1 ? -1 : innerCount;
      let inv: LocatedInvocation | null = null;
      for (const c of located) {
        if (c.ixIndex === ixIndex && c.innerIxIndex === innerIxIndex) {
          const id = c.decoder.programId;
          if (c.decoder.eventAuthority === null && open === 8 + id.length && line.startsWith(id, 8)) inv = c;
          break;
        }
      }
      for (let h = depthNow + 1; h < depth; h++) frames[h] = null;
      frames[depth] = inv;
      depthNow = depth;
    } else if (last === 115 /* s */ && line.endsWith(' success') && line.startsWith('Program ') && depthNow > 0) depthNow--;
  }
}

/**
 * Logs-only path. Every `invoke` at depth ≥ 2 is one inner instruction, so counting them reproduces the
 * inner-instruction positions: the same event key as the CPI path. Top-level instruction bytes are used
 * when present; a CPI'd instruction has none (decoders report missing accounts).
 */
function fromLogs(tx: RawTx, registry: ReadonlyMap<string, ProgramDecoder>): LocatedInvocation[] {
  const out: LocatedInvocation[] = [];
  const stack: Array<LocatedInvocation | null> = [];
  let ixIndex = -1;
  let innerCount = -1;
  for (const line of tx.logMessages ?? []) {
    const invoke = INVOKE.exec(line);
    if (invoke) {
      const depth = Number(invoke[2]);
      if (depth === 1) {
        ixIndex++;
        innerCount = -1;
      } else innerCount++;
      const decoder = registry.get(invoke[1]!);
      const innerIxIndex = depth === 1 ? -1 : innerCount;
      const parent = stack[depth - 2];
      // A self-invoke (the event CPI) belongs to its parent: its `Program data:` copy is emitted there.
      const selfInvoke = parent && parent.decoder === decoder;
      let inv: LocatedInvocation | null = null;
      if (decoder && !selfInvoke) {
        inv = { decoder, ixIndex, innerIxIndex, ix: depth === 1 ? (tx.instructions[ixIndex] ?? null) : null, events: [] };
        out.push(inv);
      }
      stack.length = depth - 1;
      stack.push(selfInvoke ? parent : inv);
      continue;
    }
    if (EXIT.test(line)) {
      stack.pop();
      continue;
    }
    const top = stack[stack.length - 1];
    const bytes = top ? loggedEvent(line, top) : null;
    if (top && bytes) top.events.push(bytes);
  }
  return out;
}
