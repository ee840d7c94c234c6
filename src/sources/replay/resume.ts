import type { Checkpoint } from '../types.ts';

/**
 * Decides which transactions of an ordered stream come after a checkpoint: everything in earlier slots and,
 * in the checkpoint's slot, everything up to and including its signature (the whole slot when the checkpoint
 * names none) was stored already. Shared by the sources that can re-read their input (simulate, replay).
 */
export class ResumeFilter {
  private done: boolean;
  private passedSignature = false;

  constructor(private readonly checkpoint: Checkpoint | null) {
    this.done = checkpoint === null;
  }

  /** True when this transaction must be emitted. Call once per transaction, in stream order. */
  admit(slot: number, signature: string): boolean {
    if (this.done) return true;
    const cp = this.checkpoint!;
    if (slot < cp.slot) return false;
    if (slot === cp.slot && !this.passedSignature) {
      if (signature === cp.signature) this.passedSignature = true;
      return false;
    }
    this.done = true;
    return true;
  }
}
