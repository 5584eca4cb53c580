/**
 * UTF-8 → string for the protobuf decoder, through a small cache of recent short strings.
 *
 * Telemetry repeats itself: attribute keys, span names, service names, routes, most values. A hit costs a hash
 * and a compare over the bytes, which is cheaper than decoding (measured: the decoder's largest single win),
 * and it returns the very same string instance, so stored spans share their strings instead of each holding a
 * copy. Direct-mapped: a colliding string simply replaces the entry. Strings over MAX_CACHED_LENGTH bytes
 * (SQL, stack traces) go straight to TextDecoder.
 */
/** Slots of the cache (a power of two); a tape writer interns by slot (spanTape.ts). */
export const UTF8_CACHE_SLOTS = 4096;
const CACHE_SIZE = UTF8_CACHE_SLOTS;
/** Longer strings are not cached. */
export const MAX_CACHED_UTF8_BYTES = 96;
const MAX_CACHED_LENGTH = MAX_CACHED_UTF8_BYTES;
// Each slot's bytes live in one pool at slot * MAX_CACHED_LENGTH: no object per entry, and the compare walks
// two plain byte arrays. A length of -1 marks an empty slot.
const cachedBytes = new Uint8Array(CACHE_SIZE * MAX_CACHED_LENGTH);
const cachedView = new DataView(cachedBytes.buffer);
const cachedLengths = new Int32Array(CACHE_SIZE).fill(-1);
const cachedStrings: string[] = new Array<string>(CACHE_SIZE).fill('');

const decoder = new TextDecoder('utf-8');

/** `view` is a DataView over the same bytes as `buf`: it reads four bytes per load, unaligned. */
export function decodeUtf8(buf: Uint8Array, view: DataView, start: number, end: number): string {
  const length = end - start;
  if (length === 0) {
    return '';
  }
  if (length > MAX_CACHED_LENGTH) {
    return decoder.decode(buf.subarray(start, end));
  }
  return cachedStrings[utf8Slot(buf, view, start, end)];
}

/** The string a slot of the cache holds (see utf8Slot). */
export function cachedUtf8(slot: number): string {
  return cachedStrings[slot];
}

/**
 * The slot of the cache that holds bytes [start, end) decoded, decoding them into it when they are not there; for
 * 1 to MAX_CACHED_UTF8_BYTES bytes. The slot's string stays there until other bytes take the slot.
 */
export function utf8Slot(buf: Uint8Array, view: DataView, start: number, end: number): number {
  const length = end - start;
  // The hash samples at most five 32-bit words (both ends and the middle), so a hit costs one pass over the
  // bytes, the compare. Strings that differ only between the samples share a slot and evict each other:
  // slower, never wrong.
  let hash = Math.imul(0x811c9dc5 ^ length, 16777619);
  if (length < 8) {
    for (let i = start; i < end; i++) {
      hash = Math.imul(hash ^ buf[i], 16777619);
    }
  } else {
    const middle = start + (length >> 1) - 2;
    hash = Math.imul(hash ^ view.getInt32(start, true), 16777619);
    hash = Math.imul(hash ^ view.getInt32(start + 4, true), 16777619);
    hash = Math.imul(hash ^ view.getInt32(middle, true), 16777619);
    hash = Math.imul(hash ^ view.getInt32(end - 8, true), 16777619);
    hash = Math.imul(hash ^ view.getInt32(end - 4, true), 16777619);
  }
  hash ^= hash >>> 15;
  hash = Math.imul(hash, 0x2c1b3c6d);
  hash ^= hash >>> 12;
  const slot = hash & (CACHE_SIZE - 1);
  const base = slot * MAX_CACHED_LENGTH;
  if (cachedLengths[slot] === length) {
    let i = 0;
    const wordsEnd = length - 3;
    while (i < wordsEnd && cachedView.getInt32(base + i, true) === view.getInt32(start + i, true)) {
      i += 4;
    }
    if (i >= wordsEnd) {
      while (i < length && cachedBytes[base + i] === buf[start + i]) {
        i++;
      }
      if (i === length) {
        return slot;
      }
    }
  }
  const text = asciiToString(buf, start, length) ?? decoder.decode(buf.subarray(start, end));
  for (let i = 0; i < length; i++) {
    cachedBytes[base + i] = buf[start + i];
  }
  cachedLengths[slot] = length;
  cachedStrings[slot] = text;
  return slot;
}

/** The string when every byte is ASCII, else undefined (the caller then decodes UTF-8 properly). */
function asciiToString(buf: Uint8Array, start: number, length: number): string | undefined {
  const codes = new Array<number>(length);
  for (let i = 0; i < length; i++) {
    const b = buf[start + i];
    if (b >= 0x80) {
      return undefined;
    }
    codes[i] = b;
  }
  return String.fromCharCode.apply(null, codes);
}
