/**
 * A compact form of decoded spans for the trip from a decode worker to the main thread.
 *
 * Why: a structured clone of 512 span objects (each with attribute, status, event and link objects) costs the
 * main thread more to deserialize than building the same objects by hand, and it copies every repeated string
 * (attribute keys, methods, hosts) once per span. Here the worker writes one Float64Array "tape" (transferred,
 * not copied) plus one table of distinct strings; the main thread walks the tape once and builds plain objects of
 * the same shapes the decoders build, sharing one string instance per distinct value and one Resource /
 * InstrumentationScope object per block, exactly as the decoders do.
 *
 * The result is deep-equal to the decoder's output (test/unit/receiver/transferFormat.test.ts checks it against
 * the SDK-made spans). A value the tape cannot carry makes `encodeSpans` throw; the worker then falls back to the
 * structured clone, so nothing is ever lost to this optimisation.
 */
import type { Attributes, AttributeValue, InstrumentationScope, Resource, Span, SpanEvent, SpanKind, SpanLink, StatusCode } from '../core/model/span';
import type { SpanPack } from '../core/model/spanPack';
import type { ArenaRegion, TapeArena } from '../core/model/tapeArena';

export interface SpanTransfer {
  /** Transferred to the receiving thread (zero-copy). */
  tape: Float64Array;
  /** Distinct strings, referenced from the tape by index. */
  strings: string[];
  /** Fields of the tape that are not 32-bit integers, counted by the writer so a store keeping it need not. */
  wideFields?: number;
}

const enum ValueTag {
  String = 0,
  Number = 1,
  True = 2,
  False = 3,
  Null = 4,
  Array = 5,
  Object = 6,
}

/** Attribute nesting deeper than this is not something a decoder produces (they cap depth); refuse it. */
const MAX_DEPTH = 256;

/** Reused between batches (a worker encodes one batch at a time): only the finished part is copied out. */
let scratch = new Float64Array(1 << 16);

class TapeWriter {
  private tape = scratch;
  length = 0;
  private readonly index = new Map<string, number>();
  readonly strings: string[] = [];
  /** Numbers pushed that a kept tape stores wide (see fitsWord). */
  wide = 0;

  push(value: number): void {
    if (this.length === this.tape.length) {
      const grown = new Float64Array(this.tape.length * 2);
      grown.set(this.tape);
      this.tape = grown;
      scratch = grown;
    }
    this.tape[this.length++] = value;
  }

  /** A number that may not be a 32-bit integer (a time, an attribute's value); indexes and counts go through push. */
  number(value: number): void {
    if (!fitsWord(value)) {
      this.wide++;
    }
    this.push(value);
  }

  string(value: string): void {
    if (typeof value !== 'string') {
      throw new TypeError('not a string');
    }
    let at = this.index.get(value);
    if (at === undefined) {
      at = this.strings.length;
      this.strings.push(value);
      this.index.set(value, at);
    }
    this.push(at);
  }

  attributes(attributes: Attributes, depth: number): void {
    if (depth > MAX_DEPTH) {
      throw new RangeError('attributes nested too deeply for the transfer tape');
    }
    const keys = Object.keys(attributes);
    this.push(keys.length);
    for (const key of keys) {
      this.string(key);
      this.value(attributes[key], depth);
    }
  }

  value(value: AttributeValue, depth: number): void {
    switch (typeof value) {
      case 'string':
        this.push(ValueTag.String);
        this.string(value);
        return;
      case 'number':
        this.push(ValueTag.Number);
        this.number(value);
        return;
      case 'boolean':
        this.push(value ? ValueTag.True : ValueTag.False);
        return;
      case 'object':
        if (value === null) {
          this.push(ValueTag.Null);
        } else if (Array.isArray(value)) {
          if (depth > MAX_DEPTH) {
            throw new RangeError('attributes nested too deeply for the transfer tape');
          }
          this.push(ValueTag.Array);
          this.push(value.length);
          for (const item of value) {
            this.value(item, depth + 1);
          }
        } else if (Object.getPrototypeOf(value) === Object.prototype) {
          this.push(ValueTag.Object);
          this.attributes(value, depth + 1);
        } else {
          throw new TypeError('attribute object of an unexpected kind');
        }
        return;
      default:
        throw new TypeError(`attribute value of type ${typeof value}`);
    }
  }

  finish(): Float64Array {
    return this.tape.slice(0, this.length);
  }
}

/** Writes spans to a tape; throws on anything the tape cannot reproduce exactly (the caller then clones instead). */
export function encodeSpans(spans: readonly Span[]): SpanTransfer {
  const w = new TapeWriter();
  const resources = new Map<Resource, number>();
  const scopes = new Map<InstrumentationScope, number>();
  w.push(spans.length);
  // The decoders build every span, event and link with the same object literal, so checking the first of each
  // catches a model change (a field the tape would drop) without paying for a check per object.
  let checkEvent = true;
  let checkLink = true;
  if (spans.length > 0) {
    checkKeys(spans[0], SPAN_KEYS);
    checkKeys(spans[0].status, STATUS_KEYS);
  }
  for (const span of spans) {
    // A resource or scope is written in full where it first appears, later spans refer to it by number.
    let resource = resources.get(span.resource);
    if (resource === undefined) {
      resource = resources.size;
      resources.set(span.resource, resource);
      w.push(-1);
      w.attributes(span.resource.attributes, 0);
      w.string(span.resource.serviceName);
      checkKeys(span.resource, RESOURCE_KEYS);
    } else {
      w.push(resource);
    }
    let scope = scopes.get(span.scope);
    if (scope === undefined) {
      scope = scopes.size;
      scopes.set(span.scope, scope);
      w.push(-1);
      w.string(span.scope.name);
      w.string(span.scope.version);
      checkKeys(span.scope, SCOPE_KEYS);
    } else {
      w.push(scope);
    }
    w.string(span.traceId);
    w.string(span.spanId);
    w.string(span.parentSpanId);
    w.string(span.traceState);
    w.string(span.name);
    w.number(span.kind);
    w.number(span.startTimeUnixMs);
    w.number(span.durationMs);
    w.attributes(span.attributes, 0);
    w.push(span.events.length);
    for (const event of span.events) {
      if (checkEvent) {
        checkKeys(event, EVENT_KEYS);
        checkEvent = false;
      }
      w.string(event.name);
      w.number(event.timeUnixMs);
      w.attributes(event.attributes, 0);
    }
    w.push(span.links.length);
    for (const link of span.links) {
      if (checkLink) {
        checkKeys(link, LINK_KEYS);
        checkLink = false;
      }
      w.string(link.traceId);
      w.string(link.spanId);
      w.string(link.traceState);
      w.attributes(link.attributes, 0);
    }
    w.number(span.status.code);
    w.string(span.status.message);
  }
  return { tape: w.finish(), strings: w.strings, wideFields: w.wide };
}

/** Own fields of each model object (src/core/model/span.ts). */
const SPAN_KEYS = 14;
const RESOURCE_KEYS = 2;
const SCOPE_KEYS = 2;
const EVENT_KEYS = 3;
const LINK_KEYS = 4;
const STATUS_KEYS = 2;

/**
 * The tape rebuilds a fixed set of fields; an object with more (a model change, an optional field) must not lose
 * them silently. Counting own keys is enough: the decoders always set every field of the model. (The transfer
 * tests also compare the rebuilt spans with the decoders' output field by field.)
 */
function checkKeys(value: object, expected: number): void {
  let count = 0;
  for (const key in value) {
    if (Object.prototype.hasOwnProperty.call(value, key)) {
      count++;
    }
  }
  if (count !== expected) {
    throw new TypeError('unexpected fields for the transfer tape');
  }
}

/**
 * Reads a tape back. A class with the position as a field (not a closure over a mutable local): V8 keeps field
 * access monomorphic and fast, and the common scalar attribute values are read inline without a call.
 */
/**
 * A value read off a Float64Array is a double to V8; an attribute holding it would box it (16 bytes each). Whole
 * numbers in int32 range (status codes, ports, line numbers) go back as small integers, stored unboxed.
 */
function smallIntegerOrSelf(value: number): number {
  const int = value | 0;
  // Object.is: -0 stays -0.
  return Object.is(int, value) ? int : value;
}

class TapeReader {
  at = 0;
  constructor(
    private readonly tape: Float64Array,
    private readonly strings: readonly string[],
  ) {}

  next(): number {
    return this.tape[this.at++];
  }

  /** A small whole number (a kind, a code, a count): a Smi, not a boxed double, in the object it is stored in. */
  int(): number {
    return this.tape[this.at++] | 0;
  }

  string(): string {
    return this.strings[this.tape[this.at++]];
  }

  attributes(): Attributes {
    const tape = this.tape;
    const strings = this.strings;
    const attributes: Attributes = {};
    const count = tape[this.at++];
    for (let i = 0; i < count; i++) {
      const key = strings[tape[this.at++]];
      const tag = tape[this.at++];
      let value: AttributeValue;
      if (tag === ValueTag.String) {
        value = strings[tape[this.at++]];
      } else if (tag === ValueTag.Number) {
        value = smallIntegerOrSelf(tape[this.at++]);
      } else {
        value = this.compound(tag);
      }
      if (key === '__proto__') {
        // As the decoders do: an own property, not a new prototype.
        Object.defineProperty(attributes, key, { value, enumerable: true, writable: true, configurable: true });
      } else {
        attributes[key] = value;
      }
    }
    return attributes;
  }

  /** One span's own fields (everything after its resource and scope references). */
  span(resource: Resource, scope: InstrumentationScope): Span {
    const traceId = this.string();
    const spanId = this.string();
    const parentSpanId = this.string();
    const traceState = this.string();
    const name = this.string();
    const kind = this.int() as SpanKind;
    const startTimeUnixMs = this.next();
    const durationMs = this.next();
    const attributes = this.attributes();
    const eventCount = this.next();
    const events: SpanEvent[] = eventCount === 0 ? NO_EVENTS : [];
    for (let i = 0; i < eventCount; i++) {
      const eventName = this.string();
      const timeUnixMs = this.next();
      events.push({ name: eventName, timeUnixMs, attributes: this.attributes() });
    }
    const linkCount = this.next();
    const links: SpanLink[] = linkCount === 0 ? NO_LINKS : [];
    for (let i = 0; i < linkCount; i++) {
      const linkTraceId = this.string();
      const linkSpanId = this.string();
      const linkTraceState = this.string();
      links.push({ traceId: linkTraceId, spanId: linkSpanId, traceState: linkTraceState, attributes: this.attributes() });
    }
    const code = this.int() as StatusCode;
    const message = this.string();
    const status = message === '' && code >= 0 && code <= 2 ? BARE_STATUSES[code] : { code, message };
    return { traceId, spanId, parentSpanId, traceState, name, kind, startTimeUnixMs, durationMs, attributes, events, links, status, resource, scope };
  }

  value(): AttributeValue {
    const tag = this.tape[this.at++];
    if (tag === ValueTag.String) {
      return this.string();
    }
    if (tag === ValueTag.Number) {
      return smallIntegerOrSelf(this.tape[this.at++]);
    }
    return this.compound(tag);
  }

  private compound(tag: number): AttributeValue {
    switch (tag) {
      case ValueTag.True:
        return true;
      case ValueTag.False:
        return false;
      case ValueTag.Null:
        return null;
      case ValueTag.Array: {
        const length = this.tape[this.at++];
        const items: AttributeValue[] = [];
        for (let i = 0; i < length; i++) {
          items.push(this.value());
        }
        return items;
      }
      case ValueTag.Object:
        return this.attributes();
      default:
        throw new Error('corrupt span transfer tape');
    }
  }
}

/**
 * Most spans have no events, no links and a status without a message: they share these frozen objects instead of
 * each allocating its own (fewer objects to build, hold and collect). Nothing outside the decoders mutates a
 * received span; freezing makes an attempt fail loudly rather than change other spans.
 */
const NO_EVENTS = Object.freeze([]) as unknown as SpanEvent[];
const NO_LINKS = Object.freeze([]) as unknown as SpanLink[];
const BARE_STATUSES = [0, 1, 2].map((code) => Object.freeze({ code: code as StatusCode, message: '' }));

/** A batch as received: its spans, and the same spans packed (the tape itself), for a store to hold instead. */
export interface MaterializedBatch {
  spans: Span[];
  pack: SpanPack;
}

/**
 * Builds the spans back from a tape: the same shapes, values and sharing as the decoder's output. The pack rebuilds
 * any one of them again from the tape (same Resource and InstrumentationScope objects, equal everything else).
 */
export function materializeBatch(transfer: SpanTransfer): MaterializedBatch {
  const r = new TapeReader(transfer.tape, transfer.strings);
  const resources: Resource[] = [];
  const scopes: InstrumentationScope[] = [];
  const count = r.next();
  const spans: Span[] = [];
  // Per span: where its own fields start on the tape, and the numbers of its resource and scope.
  const places = new Int32Array(count * PLACE_FIELDS);
  for (let s = 0; s < count; s++) {
    let ref = r.next();
    if (ref === -1) {
      const attributes = r.attributes();
      ref = resources.length;
      resources.push({ attributes, serviceName: r.string() });
    }
    const resource = resources[ref];
    let scopeRef = r.next();
    if (scopeRef === -1) {
      const name = r.string();
      scopeRef = scopes.length;
      scopes.push({ name, version: r.string() });
    }
    const scope = scopes[scopeRef];
    if (resource === undefined || scope === undefined) {
      throw new Error('corrupt span transfer tape');
    }
    places[s * PLACE_FIELDS] = r.at;
    places[s * PLACE_FIELDS + 1] = ref;
    places[s * PLACE_FIELDS + 2] = scopeRef;
    spans.push(r.span(resource, scope));
  }
  if (r.at !== transfer.tape.length) {
    throw new Error('corrupt span transfer tape');
  }
  return { spans, pack: new TapePack(transfer, resources, scopes, places) };
}

/** Per span in a pack: where its own fields start on the tape, and the numbers of its resource and scope. */
const PLACE_FIELDS = 3;
/** Kept, a pack's places add the index of the span's id string, so ids are read without the tape. */
const KEPT_PLACE_FIELDS = 4;

/**
 * A kept tape is stored in 32-bit words: a field that is a 32-bit integer (string numbers, counts, kinds, most attribute
 * numbers) as itself; anything else (times, fractions, -0, NaN, big numbers, and this marker's own value) as the
 * marker and then the float64's two halves. Most fields fit, so a kept span takes about half the memory.
 */
const WIDE = -0x80000000;
const wideScratch = new Float64Array(1);
const wideHalves = new Int32Array(wideScratch.buffer);

function fitsWord(value: number): boolean {
  // 1 / -0 is -Infinity: -0 is the one 32-bit integer value that is not its own word.
  return (value | 0) === value && value !== WIDE && (value !== 0 || 1 / value > 0);
}

function countWide(tape: Float64Array): number {
  let wide = 0;
  for (let i = 0; i < tape.length; i++) {
    if (!fitsWord(tape[i])) wide++;
  }
  return wide;
}

/** Writes the tape's words into `into` from `start`; false, having written no further, unless they are exactly `words`. */
function keepTape(tape: Float64Array, into: Int32Array, start: number, words: number): boolean {
  const end = start + words;
  let at = start;
  for (let i = 0; i < tape.length; i++) {
    const value = tape[i];
    if (fitsWord(value)) {
      if (at >= end) return false;
      into[at++] = value;
    } else {
      if (at + 3 > end) return false;
      wideScratch[0] = value;
      into[at++] = WIDE;
      into[at++] = wideHalves[0];
      into[at++] = wideHalves[1];
    }
  }
  return at === end;
}

/** The tape back as it came, from its kept words. */
function restoreTape(words: Int32Array, start: number, end: number, into: Float64Array): void {
  let out = 0;
  for (let at = start; at < end; ) {
    const word = words[at++];
    if (word === WIDE) {
      wideHalves[0] = words[at++];
      wideHalves[1] = words[at++];
      into[out++] = wideScratch[0];
    } else {
      into[out++] = word;
    }
  }
}

/**
 * A received batch, packed (see SpanPack). Until a store keeps it, it reads the transfer as it came. Kept, one arena
 * region holds its tape (in words), its places and where each string starts, and one string holds its strings;
 * rebuilding a span restores the tape and splits the strings once per pack read (the last one read is cached).
 */
class TapePack implements SpanPack {
  readonly size: number;
  /** Until kept: the transfer as it came. */
  private transfer: SpanTransfer | undefined;
  private places: Int32Array;
  private placesStart = 0;
  private placeFields = PLACE_FIELDS;
  private tapeLength: number;
  private stringCount: number;
  /** Once kept: every string end to end; string k is joined[offset k .. offset k+1), the offsets in the region. */
  private joined = '';
  private region: ArenaRegion | undefined;
  private offsetsStart = 0;
  private arena: TapeArena | undefined;
  private held = 0;
  private released = false;

  /** The kept pack read last, restored, so rebuilding a whole trace restores each pack once. */
  private static restored: { pack: TapePack; tape: Float64Array; strings: string[] } | undefined;

  constructor(
    transfer: SpanTransfer,
    private readonly resources: readonly Resource[],
    private readonly scopes: readonly InstrumentationScope[],
    places: Int32Array,
  ) {
    this.transfer = transfer;
    this.tapeLength = transfer.tape.length;
    this.stringCount = transfer.strings.length;
    this.places = places;
    this.size = places.length / PLACE_FIELDS;
  }

  spanAt(index: number): Span {
    const at = this.placeOf(index);
    const { tape, strings } = this.transfer ?? this.restore();
    const r = new TapeReader(tape, strings);
    r.at = this.places[at];
    return r.span(this.resources[this.places[at + 1]], this.scopes[this.places[at + 2]]);
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
    let tapeWords = tape.length + 2 * (transfer.wideFields ?? countWide(tape));
    let region = arena.allocate(tapeWords + placesLength + strings.length + 1);
    if (!keepTape(tape, region.data, region.start, tapeWords)) {
      // The writer's count was wrong (it never is for our own worker): count here and keep it again.
      arena.free(region);
      tapeWords = tape.length + 2 * countWide(tape);
      region = arena.allocate(tapeWords + placesLength + strings.length + 1);
      keepTape(tape, region.data, region.start, tapeWords);
    }
    const data = region.data;
    const placesStart = region.start + tapeWords;
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
    this.joined = strings.join('');
    this.arena = arena;
    this.region = region;
    this.places = data;
    this.placesStart = placesStart;
    this.placeFields = KEPT_PLACE_FIELDS;
    this.offsetsStart = offsetsStart;
    this.transfer = undefined;
  }

  release(): void {
    if (this.held === 0) {
      throw new Error('release without hold');
    }
    this.held--;
    if (this.held > 0) {
      return;
    }
    this.released = true;
    if (this.arena && this.region) {
      this.arena.free(this.region);
    }
    this.region = undefined;
    this.joined = '';
    this.transfer = undefined;
    if (TapePack.restored?.pack === this) {
      TapePack.restored = undefined;
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
    const offsets = (this.region as ArenaRegion).data;
    return this.joined.slice(offsets[this.offsetsStart + k], offsets[this.offsetsStart + k + 1]);
  }

  private restore(): { tape: Float64Array; strings: string[] } {
    if (TapePack.restored?.pack !== this) {
      const region = this.region as ArenaRegion;
      const tape = new Float64Array(this.tapeLength);
      restoreTape(region.data, region.start, this.placesStart, tape);
      const strings = new Array<string>(this.stringCount);
      for (let k = 0; k < strings.length; k++) {
        strings[k] = this.stringAt(k);
      }
      TapePack.restored = { pack: this, tape, strings };
    }
    return TapePack.restored;
  }
}
