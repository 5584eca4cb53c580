/**
 * A batch as the main thread receives it from a decode worker: its spans, and the same spans packed (SpanPack), which
 * a store keeps instead of the span objects. Kept, a pack holds a copy of its tape in a TapeArena region.
 */
import type { InstrumentationScope, Resource, Span } from '../core/model/span';
import type { SpanPack } from '../core/model/spanPack';
import type { ArenaRegion, TapeArena } from '../core/model/tapeArena';
import { PLACE_FIELDS, readSpans, TapeReader, type SpanTransfer } from '../core/otlp/spanTape';
import { layOutKeptText, readKeptText, writeKeptText } from './keptText';

/** A batch as received: its spans, and the same spans packed (the tape itself), for a store to hold instead. */
export interface MaterializedBatch {
  spans: Span[];
  pack: SpanPack;
}

/**
 * The spans of a tape (the same shapes, values and sharing as the decoders' output), and a pack that rebuilds any one
 * of them again (same Resource and InstrumentationScope objects, equal everything else).
 */
export function materializeBatch(transfer: SpanTransfer, recycle?: (tape: ArrayBuffer) => void): MaterializedBatch {
  const { spans, resources, scopes, places } = readSpans(transfer);
  return { spans, pack: new TapePack(transfer, resources, scopes, places, recycle) };
}

/** Kept, a pack's places add the index of the span's id string, so ids are read without the tape. */
const KEPT_PLACE_FIELDS = 4;

/**
 * A received batch, packed (see SpanPack). Until a store keeps it, it reads the transfer as it came. Kept, one arena
 * region holds its tape, its places, where each string starts and the strings' characters (keptText.ts): nothing of it
 * stays on the JavaScript heap. Rebuilding a span reads the tape where it is kept, and decodes the strings once per
 * pack read (the last one read is cached).
 */
class TapePack implements SpanPack {
  readonly size: number;
  /** Until kept: the transfer as it came. */
  private transfer: SpanTransfer | undefined;
  private places: Int32Array;
  private placesStart = 0;
  private placeFields = PLACE_FIELDS;
  private stringCount: number;
  /**
   * Once kept: every string end to end at textStart in the region; string k is characters [offset k, offset k+1),
   * the offsets at offsetsStart.
   */
  private region: ArenaRegion | undefined;
  private offsetsStart = 0;
  private textStart = 0;
  private textAscii = true;
  private arena: TapeArena | undefined;
  private held = 0;
  private released = false;

  /** The strings of the kept pack read last, so rebuilding a whole trace splits each pack's strings once. */
  private static split: { pack: TapePack; strings: string[] } | undefined;

  constructor(
    transfer: SpanTransfer,
    private readonly resources: readonly Resource[],
    private readonly scopes: readonly InstrumentationScope[],
    places: Int32Array,
    /** Takes the tape's memory once the pack no longer reads it (back to the worker that wrote it). */
    private readonly recycle?: (tape: ArrayBuffer) => void,
  ) {
    this.transfer = transfer;
    this.stringCount = transfer.strings.length;
    this.places = places;
    this.size = places.length / PLACE_FIELDS;
  }

  spanAt(index: number): Span {
    const at = this.placeOf(index);
    const places = this.places;
    const transfer = this.transfer;
    let r: TapeReader;
    if (transfer) {
      r = new TapeReader(transfer.tape, transfer.strings, places[at]);
    } else {
      // Kept: the tape is at the start of the region, places are offsets into it.
      const region = this.region as ArenaRegion;
      r = new TapeReader(region.data, this.splitStrings(), region.start + places[at]);
    }
    return r.span(this.resources[places[at + 1]], this.scopes[places[at + 2]]);
  }

  spanIdAt(index: number): string {
    const at = this.placeOf(index);
    if (this.transfer) {
      // A span's own fields start with its trace id, then its span id (TapeReader.span).
      return this.transfer.strings[this.transfer.tape[this.places[at] + 1]];
    }
    return this.stringAt(this.places[at + 3]);
  }

  hold(): void {
    if (this.released) {
      throw new Error('this pack was released: its spans are gone');
    }
    this.held++;
  }

  keepIn(arena: TapeArena): void {
    const transfer = this.transfer;
    if (this.arena || this.released || this.held === 0 || !transfer) {
      return;
    }
    const { tape, strings } = transfer;
    const placesLength = this.size * KEPT_PLACE_FIELDS;
    const text = strings.join('');
    const textLayout = layOutKeptText(text);
    const textStart = tape.length + placesLength + strings.length + 1;
    const region = arena.allocate(textStart + textLayout.words);
    region.data.set(tape, region.start);
    const data = region.data;
    const placesStart = region.start + tape.length;
    for (let i = 0; i < this.size; i++) {
      const from = i * PLACE_FIELDS;
      const to = placesStart + i * KEPT_PLACE_FIELDS;
      data[to] = this.places[from];
      data[to + 1] = this.places[from + 1];
      data[to + 2] = this.places[from + 2];
      data[to + 3] = tape[this.places[from] + 1];
    }
    const offsetsStart = placesStart + placesLength;
    let offset = 0;
    for (let k = 0; k < strings.length; k++) {
      data[offsetsStart + k] = offset;
      offset += strings[k].length;
    }
    data[offsetsStart + strings.length] = offset;
    writeKeptText(text, textLayout, data, region.start + textStart);
    this.textStart = region.start + textStart;
    this.textAscii = textLayout.ascii;
    this.arena = arena;
    this.region = region;
    this.places = data;
    this.placesStart = placesStart;
    this.placeFields = KEPT_PLACE_FIELDS;
    this.offsetsStart = offsetsStart;
    this.transfer = undefined;
    this.recycle?.(tape.buffer as ArrayBuffer);
  }

  release(count = 1): void {
    if (count > this.held) {
      throw new Error('release without hold');
    }
    this.held -= count;
    if (this.held > 0) {
      return;
    }
    this.released = true;
    if (this.arena && this.region) {
      this.arena.free(this.region);
    }
    this.region = undefined;
    this.transfer = undefined;
    if (TapePack.split?.pack === this) {
      TapePack.split = undefined;
    }
  }

  private placeOf(index: number): number {
    if (this.released) {
      throw new Error('this pack was released: its spans are gone');
    }
    if (!(Number.isInteger(index) && index >= 0 && index < this.size)) {
      throw new RangeError(`no span ${index} in this batch of ${this.size}`);
    }
    return this.placesStart + index * this.placeFields;
  }

  private stringAt(k: number): string {
    const data = (this.region as ArenaRegion).data;
    return readKeptText(data, this.textStart, this.textAscii, data[this.offsetsStart + k], data[this.offsetsStart + k + 1]);
  }

  private splitStrings(): string[] {
    if (TapePack.split?.pack !== this) {
      const data = (this.region as ArenaRegion).data;
      const offsets = this.offsetsStart;
      const text = readKeptText(data, this.textStart, this.textAscii, 0, data[offsets + this.stringCount]);
      const strings = new Array<string>(this.stringCount);
      for (let k = 0; k < strings.length; k++) {
        strings[k] = text.slice(data[offsets + k], data[offsets + k + 1]);
      }
      TapePack.split = { pack: this, strings };
    }
    return TapePack.split.strings;
  }
}
