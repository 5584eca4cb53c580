/** Byte → two lowercase hex digits, computed once: ids are converted for every span. */
const HEX_PAIRS: string[] = [];
for (let i = 0; i < 256; i++) {
  HEX_PAIRS.push((i < 16 ? '0' : '') + i.toString(16));
}

/** Lowercase hex of bytes[start, end). */
export function bytesToHex(bytes: Uint8Array, start: number, end: number): string {
  let out = '';
  for (let i = start; i < end; i++) {
    out += HEX_PAIRS[bytes[i]];
  }
  return out;
}

/** True when bytes[start, end) are all zero (an unset id). */
export function allZero(bytes: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    if (bytes[i] !== 0) {
      return false;
    }
  }
  return true;
}

const HEX_DIGITS = /^[0-9a-fA-F]*$/;

export function isHex(text: string): boolean {
  return HEX_DIGITS.test(text);
}
