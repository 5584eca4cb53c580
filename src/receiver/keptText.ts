/**
 * A kept pack's strings, end to end, in its arena region instead of one string on the JavaScript heap: one byte per
 * character when every character is ASCII (ids, names, routes: the usual case), else UTF-16 code units, which keep any
 * string exactly (lone surrogates included). Character offsets are the same either way.
 *
 * Why not a heap string: ~55 B per stored span of the benchmark's shape, allocated young, copied by young-generation
 * collections until promoted, then left for full collections once its batch is evicted (measured: half the main
 * thread's scavenge time while a store fills).
 */

const encoder = new TextEncoder();
const asciiDecoder = new TextDecoder('utf-8');
/** Where a text is encoded before its size in the region is known; grows to the longest text seen. */
let scratch = new Uint8Array(64 * 1024);

/** How a text is laid out in 32-bit words. */
export interface KeptTextLayout {
  ascii: boolean;
  words: number;
}

/** Measures `text` (and, when it is ASCII, encodes it for `writeKeptText`, which must follow before the next call). */
export function layOutKeptText(text: string): KeptTextLayout {
  const chars = text.length;
  if (scratch.length < chars) {
    scratch = new Uint8Array(Math.max(chars, scratch.length * 2));
  }
  const { read, written } = encoder.encodeInto(text, scratch);
  // Every character ASCII exactly when each took one byte.
  const ascii = read === chars && written === chars;
  return { ascii, words: ascii ? Math.ceil(chars / 4) : Math.ceil(chars / 2) };
}

/** Writes `text` at word `start` of `data`, laid out as `layOutKeptText` just said. */
export function writeKeptText(text: string, layout: KeptTextLayout, data: Int32Array, start: number): void {
  const byteOffset = data.byteOffset + start * 4;
  if (layout.ascii) {
    new Uint8Array(data.buffer, byteOffset, text.length).set(scratch.subarray(0, text.length));
    return;
  }
  const units = new Uint16Array(data.buffer, byteOffset, text.length);
  for (let i = 0; i < text.length; i++) {
    units[i] = text.charCodeAt(i);
  }
}

/** Characters [from, to) of a text written at word `start` of `data`. */
export function readKeptText(data: Int32Array, start: number, ascii: boolean, from: number, to: number): string {
  const byteOffset = data.byteOffset + start * 4;
  if (ascii) {
    return asciiDecoder.decode(new Uint8Array(data.buffer, byteOffset + from, to - from));
  }
  const units = new Uint16Array(data.buffer, byteOffset + from * 2, to - from);
  // fromCharCode keeps lone surrogates as they are (a UTF-16 decoder would replace them); applied in slices that
  // stay well under the engine's argument limit.
  let text = '';
  for (let at = 0; at < units.length; at += 8192) {
    text += String.fromCharCode.apply(null, units.subarray(at, at + 8192) as unknown as number[]);
  }
  return text;
}
