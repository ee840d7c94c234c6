import { createHash } from 'node:crypto';

/** Anchor discriminators: first 8 bytes of sha256("<namespace>:<name>"). Computed, not pasted, so a typo can't hide. */
export function anchorDiscriminator(namespace: 'global' | 'event' | 'account', name: string): Uint8Array {
  return new Uint8Array(createHash('sha256').update(`${namespace}:${name}`).digest().subarray(0, 8));
}

/** Instruction discriminator for a snake_case instruction name. */
export const instructionDisc = (name: string): Uint8Array => anchorDiscriminator('global', name);
/** Event discriminator for a PascalCase event struct name. */
export const eventDisc = (name: string): Uint8Array => anchorDiscriminator('event', name);

/**
 * Prefix of every `emit_cpi!` self-invocation, as it appears on the wire: e4 45 a5 2e 51 cb 9a 1d. Anchor
 * declares it as the u64 0x1d9acb512ea545e4 (= sha256("anchor:event")[..8] read big-endian) and writes it
 * little-endian, so the wire bytes are the hash prefix reversed.
 */
export const EVENT_CPI_TAG: Uint8Array = Uint8Array.from([0xe4, 0x45, 0xa5, 0x2e, 0x51, 0xcb, 0x9a, 0x1d]);

/** The 8 bytes as a hex string (problem messages). */
export function discHex(bytes: Uint8Array, offset = 0): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset + offset, 8).toString('hex');
}

function u32At(bytes: Uint8Array, offset: number): number {
  return (bytes[offset]! | (bytes[offset + 1]! << 8) | (bytes[offset + 2]! << 16) | (bytes[offset + 3]! << 24)) >>> 0;
}

/**
 * Values by 8-byte discriminator, looked up without building a key string (every instruction and event
 * blob goes through one): keyed on the first 4 bytes as a number, confirmed on the other 4.
 */
export class DiscriminatorMap<T> {
  private readonly byHead = new Map<number, Array<{ tail: number; value: T }>>();

  constructor(entries: Iterable<readonly [Uint8Array, T]>) {
    for (const [disc, value] of entries) {
      const head = u32At(disc, 0);
      const list = this.byHead.get(head) ?? [];
      list.push({ tail: u32At(disc, 4), value });
      this.byHead.set(head, list);
    }
  }

  /** The value for the discriminator at bytes[0, 8); undefined when unknown or shorter than 8 bytes. */
  get(bytes: Uint8Array): T | undefined {
    if (bytes.length < 8) return undefined;
    const list = this.byHead.get(u32At(bytes, 0));
    if (list === undefined) return undefined;
    const tail = u32At(bytes, 4);
    for (const entry of list) if (entry.tail === tail) return entry.value;
    return undefined;
  }
}
