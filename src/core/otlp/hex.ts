/**
 * Byte → hex digit char codes, computed once: ids are converted for every span. The digits go through a
 * fixed-size array into one String.fromCharCode call, which yields a flat string; concatenating 16 two-digit
 * pieces would leave a rope of 15 cons cells behind every stored trace id.
 */
const DIGITS = '0123456789abcdef';
const HIGH = new Uint8Array(256);
const LOW = new Uint8Array(256);
for (let i = 0; i < 256; i++) {
  HIGH[i] = DIGITS.charCodeAt(i >> 4);
  LOW[i] = DIGITS.charCodeAt(i & 15);
}

// One reusable array per common id size (trace ids 32 digits, span ids 16), so no allocation per id.
const DIGITS_32: number[] = new Array<number>(32).fill(0);
const DIGITS_16: number[] = new Array<number>(16).fill(0);

/** Lowercase hex of bytes[start, end). */
export function bytesToHex(bytes: Uint8Array, start: number, end: number): string {
  const length = (end - start) * 2;
  const codes = length === 32 ? DIGITS_32 : length === 16 ? DIGITS_16 : new Array<number>(length);
  for (let i = start, j = 0; i < end; i++, j += 2) {
    const b = bytes[i];
    codes[j] = HIGH[b];
    codes[j + 1] = LOW[b];
  }
  return length === 0 ? '' : String.fromCharCode.apply(null, codes);
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
