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

/** The 8 bytes as a hex string: the key used in discriminator lookup tables. */
export function discHex(bytes: Uint8Array, offset = 0): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset + offset, 8).toString('hex');
}
