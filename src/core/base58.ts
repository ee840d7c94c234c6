/**
 * Base58 (Bitcoin alphabet) without per-call big-number allocations: 32-byte keys are encoded on
 * every transaction, so this sits on the hot path of every normalizer. The number is held in
 * 16-bit limbs and divided by 58^5 per round; every intermediate stays below 2^53.
 */
const ALPHABET = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
const DIGIT_OF = new Int8Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) DIGIT_OF[ALPHABET.charCodeAt(i)] = i;
const POW5 = 58 ** 5;
const limbScratch = new Uint16Array(64);
const digitScratch = new Uint8Array(200);

/** Encodes bytes as base58 (keys, signatures). */
export function base58Encode(bytes: Uint8Array): string {
  const n = bytes.length;
  let zeros = 0;
  while (zeros < n && bytes[zeros] === 0) zeros++;
  const limbCount = (n + 1) >> 1;
  const limbs = limbCount <= limbScratch.length ? limbScratch : new Uint16Array(limbCount);
  // Big-endian 16-bit limbs; an odd length gets a leading zero byte.
  const odd = n & 1;
  for (let i = 0; i < limbCount; i++) {
    const hiIdx = 2 * i - odd;
    const hi = hiIdx >= 0 ? bytes[hiIdx]! : 0;
    limbs[i] = (hi << 8) | bytes[hiIdx + 1]!;
  }
  const maxDigits = Math.ceil(n * 1.37) + 5;
  const digits = maxDigits <= digitScratch.length ? digitScratch : new Uint8Array(maxDigits);
  let dCount = 0;
  let start = 0;
  while (start < limbCount) {
    let rem = 0;
    for (let i = start; i < limbCount; i++) {
      const cur = rem * 65536 + limbs[i]!;
      const q = Math.floor(cur / POW5);
      rem = cur - q * POW5;
      limbs[i] = q;
    }
    while (start < limbCount && limbs[start] === 0) start++;
    for (let k = 0; k < 5; k++) {
      digits[dCount++] = rem % 58;
      rem = Math.floor(rem / 58);
    }
  }
  while (dCount > 0 && digits[dCount - 1] === 0) dCount--;
  let out = '1'.repeat(zeros);
  for (let i = dCount - 1; i >= 0; i--) out += ALPHABET[digits[i]!];
  return out;
}

/** Decodes base58; null when the text holds a character outside the alphabet. */
export function base58Decode(text: string): Uint8Array | null {
  const len = text.length;
  let zeros = 0;
  while (zeros < len && text.charCodeAt(zeros) === 49 /* '1' */) zeros++;
  // Little-endian 16-bit limbs; digits are folded in 5 at a time (58^5 * 2^16 < 2^53).
  const limbs = new Uint16Array(((len - zeros) * 733) / 2000 + 2 | 0);
  let used = 0;
  let i = zeros;
  while (i < len) {
    let chunk = 0;
    let mul = 1;
    for (let k = 0; k < 5 && i < len; k++, i++) {
      const c = text.charCodeAt(i);
      const digit = c < 128 ? DIGIT_OF[c]! : -1;
      if (digit < 0) return null;
      chunk = chunk * 58 + digit;
      mul *= 58;
    }
    let carry = chunk;
    for (let j = 0; j < used; j++) {
      const v = limbs[j]! * mul + carry;
      carry = Math.floor(v / 65536);
      limbs[j] = v - carry * 65536;
    }
    while (carry > 0) {
      limbs[used++] = carry % 65536;
      carry = Math.floor(carry / 65536);
    }
  }
  let byteLen = used * 2;
  if (byteLen > 0 && limbs[used - 1]! < 256) byteLen--;
  const out = new Uint8Array(zeros + byteLen);
  for (let b = 0; b < byteLen; b++) {
    const limb = limbs[b >> 1]!;
    out[zeros + byteLen - 1 - b] = b & 1 ? limb >> 8 : limb & 0xff;
  }
  return out;
}

