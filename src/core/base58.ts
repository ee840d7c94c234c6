/**
 * Base58 (Bitcoin alphabet) tuned for the hot path of every normalizer and decoder: 32-byte keys and 64-byte
 * signatures are encoded on every transaction, instruction data and event payloads are decoded. Everything is
 * float64 arithmetic that stays below 2^53, with scratch buffers reused across calls (single-threaded).
 */
const ALPHABET = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
const CHAR_CODE = Uint8Array.from(ALPHABET, (c) => c.charCodeAt(0));
const DIGIT_OF = new Int8Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) DIGIT_OF[ALPHABET.charCodeAt(i)] = i;
const VALID = /^[1-9A-HJ-NP-Za-km-z]*$/;

/** True when every character is in the base58 alphabet (so {@link base58Decode} cannot fail). */
export function isBase58(text: string): boolean {
  return VALID.test(text);
}

// ---- encoding ---------------------------------------------------------------------------------------------
// Up to 64 bytes the number is read as 16-bit limbs and each limb is multiplied into base-58^5 groups by a
// precomputed table (limb value × 2^(16r) expressed in groups): no long division, independent multiply-adds.
// Each product is < 2^16 × 58^5 < 2^45.3 and at most 32 are summed per group, so sums stay < 2^50.3.

const GROUP = 58 ** 5;
const GROUP_DIGITS = 5;
const TABLE_BYTES = 64;
const TABLE_LIMBS = TABLE_BYTES / 2;
const MAX_GROUPS = Math.ceil(Math.ceil((TABLE_BYTES * 8) / Math.log2(58)) / GROUP_DIGITS);
/** LIMB_GROUPS[r]: groups that 2^(16(r+1)) − 1 spans, i.e. where limb r (from the right) can contribute. */
const LIMB_GROUPS = new Uint8Array(TABLE_LIMBS);
/** LIMB_TABLE[r × MAX_GROUPS + g]: group g (least significant first) of 2^(16r) in base 58^5. */
const LIMB_TABLE = new Float64Array(TABLE_LIMBS * MAX_GROUPS);
for (let r = 0; r < TABLE_LIMBS; r++) {
  let v = 1n << BigInt(16 * r);
  for (let g = 0; g < MAX_GROUPS; g++, v /= BigInt(GROUP)) LIMB_TABLE[r * MAX_GROUPS + g] = Number(v % BigInt(GROUP));
  let top = (1n << BigInt(16 * (r + 1))) - 1n;
  let groups = 0;
  for (; top > 0n; top /= BigInt(GROUP)) groups++;
  LIMB_GROUPS[r] = groups;
}
const groupScratch = new Float64Array(MAX_GROUPS + 1);
const digitScratch = new Uint8Array((MAX_GROUPS + 1) * GROUP_DIGITS);
const charScratch = Buffer.alloc((MAX_GROUPS + 1) * GROUP_DIGITS);

// ---- key memo -------------------------------------------------------------------------------------------
// Keys recur: program ids, sysvars, fee accounts, and the curves and mints being traded appear in transaction
// after transaction, and an event's pubkeys repeat its instruction's accounts. A direct-mapped table of recent
// 32-byte keys returns the text after a 32-byte comparison; a collision simply replaces the slot.

const KEY_BYTES = 32;
const MEMO_BITS = 13;
const memoKeys = new Uint8Array(KEY_BYTES << MEMO_BITS);
const memoText: string[] = new Array<string>(1 << MEMO_BITS).fill('');
/** A slot is valid while its generation is the current one: clearing is O(1). */
const memoGeneration = new Uint32Array(1 << MEMO_BITS);
let generation = 1;

function memoSlot(bytes: Uint8Array, start: number): number {
  const head = bytes[start]! | (bytes[start + 1]! << 8) | (bytes[start + 2]! << 16) | (bytes[start + 3]! << 24);
  const tail = bytes[start + 28]! | (bytes[start + 29]! << 8) | (bytes[start + 30]! << 16) | (bytes[start + 31]! << 24);
  return Math.imul(head ^ Math.imul(tail, 0x85ebca6b), 0x9e3779b1) >>> (32 - MEMO_BITS);
}

/** Forgets every memoized key, in O(1) (the bench measures the cost of keys never seen before). */
export function clearKeyMemo(): void {
  generation++;
}

/** Encodes bytes[start, end) as base58 (keys, signatures); the range spares callers a subarray per key. */
export function base58Encode(bytes: Uint8Array, start = 0, end = bytes.length): string {
  if (end - start !== KEY_BYTES) return encode(bytes, start, end);
  const slot = memoSlot(bytes, start);
  const at = slot * KEY_BYTES;
  if (memoGeneration[slot] === generation) {
    let i = 0;
    while (i < KEY_BYTES && memoKeys[at + i] === bytes[start + i]) i++;
    if (i === KEY_BYTES) return memoText[slot]!;
  }
  const text = encode(bytes, start, end);
  memoKeys.set(bytes.subarray(start, end), at);
  memoText[slot] = text;
  memoGeneration[slot] = generation;
  return text;
}

function encode(bytes: Uint8Array, start: number, end: number): string {
  const n = end - start;
  if (n > TABLE_BYTES) return encodeByDivision(bytes.subarray(start, end));
  let zeros = 0;
  while (zeros < n && bytes[start + zeros] === 0) zeros++;
  const acc = groupScratch;
  acc.fill(0);
  let groups = 0;
  // limb r covers bytes end-2r-2, end-2r-1 (an odd length leaves a single byte in the top limb)
  for (let r = 0, hi = end - 2; hi > start - 2; r++, hi -= 2) {
    const limb = (hi >= start ? bytes[hi]! << 8 : 0) | bytes[hi + 1]!;
    if (limb === 0) continue;
    const row = r * MAX_GROUPS;
    const span = LIMB_GROUPS[r]!;
    for (let g = 0; g < span; g++) acc[g] = acc[g]! + limb * LIMB_TABLE[row + g]!;
    if (span > groups) groups = span;
  }
  let carry = 0;
  for (let g = 0; g <= groups; g++) {
    const v = acc[g]! + carry;
    carry = Math.floor(v / GROUP);
    acc[g] = v - carry * GROUP;
  }
  // Groups are < 58^5 < 2^30: int32 arithmetic from here. Digits are written most significant first.
  const digitCount = (groups + 1) * GROUP_DIGITS;
  for (let g = 0; g <= groups; g++) {
    let v = acc[g]! | 0;
    for (let k = digitCount - 1 - g * GROUP_DIGITS, end = k - GROUP_DIGITS; k > end; k--) {
      const q = (v / 58) | 0;
      digitScratch[k] = v - q * 58;
      v = q;
    }
  }
  let first = 0;
  while (first < digitCount && digitScratch[first] === 0) first++;
  let len = 0;
  for (let z = 0; z < zeros; z++) charScratch[len++] = CHAR_CODE[0]!;
  for (let k = first; k < digitCount; k++) charScratch[len++] = CHAR_CODE[digitScratch[k]!]!;
  return charScratch.toString('latin1', 0, len);
}

/** Long inputs (never keys or signatures): repeated division of 16-bit limbs by 58^5. */
function encodeByDivision(bytes: Uint8Array): string {
  const n = bytes.length;
  let zeros = 0;
  while (zeros < n && bytes[zeros] === 0) zeros++;
  const limbCount = (n + 1) >> 1;
  const limbs = new Float64Array(limbCount);
  const odd = n & 1;
  for (let i = 0; i < limbCount; i++) {
    const hiIdx = 2 * i - odd;
    limbs[i] = ((hiIdx >= 0 ? bytes[hiIdx]! : 0) << 8) | bytes[hiIdx + 1]!;
  }
  const digits: number[] = [];
  let start = 0;
  while (start < limbCount) {
    let rem = 0;
    for (let i = start; i < limbCount; i++) {
      const cur = rem * 65536 + limbs[i]!;
      const q = Math.floor(cur / GROUP);
      rem = cur - q * GROUP;
      limbs[i] = q;
    }
    while (start < limbCount && limbs[start] === 0) start++;
    for (let k = 0; k < GROUP_DIGITS; k++, rem = Math.floor(rem / 58)) digits.push(rem % 58);
  }
  while (digits.length > 0 && digits[digits.length - 1] === 0) digits.pop();
  let out = ALPHABET[0]!.repeat(zeros);
  for (let i = digits.length - 1; i >= 0; i--) out += ALPHABET[digits[i]!];
  return out;
}

// ---- decoding ---------------------------------------------------------------------------------------------
// Little-endian 24-bit limbs; 4 digits (58^4 < 2^24) are folded in per pass. Each pass multiplies every limb
// and defers its carry by one limb instead of rippling it, so the inner loop has no dependency chain: a limb
// then stays below ~3.1 × 2^24 and a product below 2^49. One ripple at the end settles the carries.

const LIMB = 2 ** 24;
/** Multiplying by the exact reciprocal of a power of two is exact and much cheaper than dividing. */
const INV_LIMB = 1 / LIMB;
const DIGITS_PER_PASS = 4;
let limbScratch = new Float64Array(256);

/** Decodes base58; null when the text holds a character outside the alphabet. */
export function base58Decode(text: string): Uint8Array | null {
  const len = text.length;
  let zeros = 0;
  while (zeros < len && text.charCodeAt(zeros) === 49 /* '1' */) zeros++;
  const maxLimbs = Math.ceil(((len - zeros) * Math.log2(58)) / 24) + 2;
  if (limbScratch.length < maxLimbs) limbScratch = new Float64Array(maxLimbs * 2);
  const limbs = limbScratch;
  let used = 0;
  let i = zeros;
  let take = (len - zeros) % DIGITS_PER_PASS || DIGITS_PER_PASS;
  while (i < len) {
    let chunk = 0;
    let mul = 1;
    for (const end = i + take; i < end; i++) {
      const c = text.charCodeAt(i);
      const digit = c < 128 ? DIGIT_OF[c]! : -1;
      if (digit < 0) return null;
      chunk = chunk * 58 + digit;
      mul *= 58;
    }
    take = DIGITS_PER_PASS;
    let carry = chunk;
    let j = 0;
    // two limbs per step: independent multiplies overlap (~15% faster on 300-byte payloads)
    for (; j + 1 < used; j += 2) {
      const p0 = limbs[j]! * mul;
      const p1 = limbs[j + 1]! * mul;
      const hi0 = Math.floor(p0 * INV_LIMB);
      const hi1 = Math.floor(p1 * INV_LIMB);
      limbs[j] = p0 - hi0 * LIMB + carry;
      limbs[j + 1] = p1 - hi1 * LIMB + hi0;
      carry = hi1;
    }
    if (j < used) {
      const p = limbs[j]! * mul;
      const hi = Math.floor(p * INV_LIMB);
      limbs[j] = p - hi * LIMB + carry;
      carry = hi;
    }
    if (carry > 0) limbs[used++] = carry;
  }
  let carry = 0;
  for (let j = 0; j < used; j++) {
    const v = limbs[j]! + carry;
    carry = Math.floor(v * INV_LIMB);
    limbs[j] = v - carry * LIMB;
  }
  for (; carry > 0; carry = Math.floor(carry / LIMB)) limbs[used++] = carry % LIMB;
  while (used > 0 && limbs[used - 1] === 0) used--;
  const top = used > 0 ? limbs[used - 1]! : 0;
  const byteLen = used * 3 - (used === 0 ? 0 : top < 256 ? 2 : top < 65536 ? 1 : 0);
  const out = new Uint8Array(zeros + byteLen);
  for (let j = 0, p = zeros + byteLen; p > zeros; j++) {
    const v = limbs[j]!;
    out[--p] = v & 0xff;
    if (p > zeros) out[--p] = (v >>> 8) & 0xff;
    if (p > zeros) out[--p] = v >>> 16;
  }
  return out;
}
