/**
 * The span tape: decoded spans as 32-bit words plus one table of their distinct strings.
 *
 * Why: a structured clone of 512 span objects (each with attribute, status, event and link objects) costs the
 * main thread more to deserialize than building the same objects by hand, and it copies every repeated string
 * (attribute keys, methods, hosts) once per span. The protobuf decoder writes its spans straight onto a tape
 * (decodeProtobuf.ts), other spans are written by `encodeSpans`; a decode worker transfers the tape (zero-copy) and
 * the table; the main thread walks the tape once (`readSpans`) and builds plain objects, sharing one string instance
 * per distinct value and one Resource / InstrumentationScope object per block; a store keeps the tape itself.
 *
 * Layout: the span count, then per span its resource (its number, or -1 and the resource in full where it first
 * appears), its scope (likewise), trace id, span id, parent span id, trace state, name, kind, start time, duration,
 * attributes, events, links, status code and message. A string is its number in the table; a time is a float64 in
 * two words; attributes are a count and then key and tagged value for each.
 *
 * `encodeSpans` refuses a value the tape cannot carry exactly; the worker then falls back to the structured clone,
 * so nothing is ever lost to this optimisation. The main thread's side, the spans of a batch and the pack a store
 * keeps of them, is src/receiver/tapePack.ts.
 */
import type { Attributes, AttributeValue, InstrumentationScope, Resource, Span, SpanEvent, SpanKind, SpanLink, StatusCode } from '../model/span';
import { cachedUtf8, UTF8_CACHE_SLOTS } from './utf8';

export interface SpanTransfer {
  /**
   * Transferred to the receiving thread (zero-copy), possibly a view of the start of a larger buffer (a recycled
   * one; see recycleTape). In 32-bit words: a field that is a 32-bit integer (string
   * numbers, counts, kinds, most attribute numbers) as itself; an attribute number that is not (fractions, -0, NaN,
   * big numbers, the marker's own value) as the WIDE marker and then the float64's two halves; times always as two
   * halves. A store keeps the tape as it is (a copy of the words), so the format is also the kept one.
   */
  tape: Int32Array;
  /** The strings, referenced from the tape by index; a repeated one is mostly written once (span ids never repeat). */
  strings: string[];
}

export const enum ValueTag {
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

/** Marks an attribute number the tape holds as a float64 in the next two words. */
const WIDE = -0x80000000;

const float64 = new Float64Array(1);
const halves = new Int32Array(float64.buffer);

/** Reused between batches (a thread writes one tape at a time): only the finished part is copied out. */
const SCRATCH_WORDS = 1 << 17;
/**
 * A scratch tape grown past this for one huge request is let go when the next tape starts, and a tape's memory this
 * large is not kept for reuse: a thread should not hold the largest request it ever saw (1<<17 words hold about two
 * 512-span batches of ~10 attributes).
 */
const MAX_REUSED_WORDS = 1 << 21;
let scratch = new Int32Array(SCRATCH_WORDS);

/*
 * Memory of finished tapes given back (recycleTape) once the receiving thread has kept them: a tape is
 * copied out into one of these rather than into a new buffer, because fresh memory costs a page fault per 4 KiB here
 * and a thread writes a 100 KB tape per batch.
 */
const spareTapes: ArrayBuffer[] = [];
const MAX_SPARE_TAPES = 8;
/** New buffers get this much room beyond the tape, so that the next, slightly larger tape fits. */
const TAPE_HEADROOM = 1.25;

/** Gives the memory of a finished tape back to the thread that wrote it, for the next tape to be copied into. */
export function recycleTape(buffer: ArrayBuffer): void {
  if (spareTapes.length < MAX_SPARE_TAPES && buffer.byteLength > 0 && buffer.byteLength <= MAX_REUSED_WORDS * Int32Array.BYTES_PER_ELEMENT) {
    spareTapes.push(buffer);
  }
}

function tapeOfLength(words: number): Int32Array {
  const bytes = words * Int32Array.BYTES_PER_ELEMENT;
  for (let i = spareTapes.length - 1; i >= 0; i--) {
    if (spareTapes[i].byteLength >= bytes) {
      const [buffer] = spareTapes.splice(i, 1);
      return new Int32Array(buffer, 0, words);
    }
  }
  return new Int32Array(new ArrayBuffer(Math.ceil(words * TAPE_HEADROOM) * Int32Array.BYTES_PER_ELEMENT), 0, words);
}

/*
 * Interning by utf8 cache slot: the protobuf decoder hands over each short string with the slot of the utf8 cache
 * it came from, so a repeated string is found by its slot, not by hashing it again. Per slot: the writer (by
 * generation) that last took it, and the number it gave the string.
 */
const slotGenerations = new Int32Array(UTF8_CACHE_SLOTS);
const slotNumbers = new Int32Array(UTF8_CACHE_SLOTS);
let lastGeneration = 0;

export class TapeWriter {
  private tape: Int32Array;
  length = 0;
  private index: Map<string, number> | undefined;
  readonly strings: string[] = [];
  private readonly generation: number;

  constructor() {
    if (scratch.length > MAX_REUSED_WORDS) {
      scratch = new Int32Array(SCRATCH_WORDS);
    }
    this.tape = scratch;
    if (lastGeneration === 0x7fffffff) {
      slotGenerations.fill(0);
      lastGeneration = 0;
    }
    this.generation = ++lastGeneration;
  }

  /** A word that is never the WIDE marker: an index, a count, a tag, a kind, a code, a resource or scope reference. */
  push(value: number): void {
    if (this.length + 3 > this.tape.length) {
      this.grow();
    }
    this.tape[this.length++] = value;
  }

  /** An attribute's number: one word, or the marker and two. */
  number(value: number): void {
    if (this.length + 3 > this.tape.length) {
      this.grow();
    }
    const tape = this.tape;
    // 1 / -0 is -Infinity: -0 is the one 32-bit integer value that is not its own word.
    if ((value | 0) === value && value !== WIDE && (value !== 0 || 1 / value > 0)) {
      tape[this.length++] = value;
    } else {
      float64[0] = value;
      tape[this.length++] = WIDE;
      tape[this.length++] = halves[0];
      tape[this.length++] = halves[1];
    }
  }

  /** Room for `words` words written later with setWord / setFloat; returns where they start. */
  reserve(words: number): number {
    while (this.length + words + 3 > this.tape.length) {
      this.grow();
    }
    const at = this.length;
    this.length += words;
    return at;
  }

  setWord(at: number, value: number): void {
    this.tape[at] = value;
  }

  /** A time: always a float64's two halves, so it can be reserved. */
  setFloat(at: number, value: number): void {
    float64[0] = value;
    this.tape[at] = halves[0];
    this.tape[at + 1] = halves[1];
  }

  float(value: number): void {
    this.setFloat(this.reserve(2), value);
  }

  /** The word at `at` (a reserved one read back, a tag just written). */
  wordAt(at: number): number {
    return this.tape[at];
  }

  /** The number of a string, adding it to the table when new. */
  intern(value: string): number {
    if (typeof value !== 'string') {
      throw new TypeError('not a string');
    }
    const index = (this.index ??= new Map<string, number>());
    let at = index.get(value);
    if (at === undefined) {
      at = this.strings.length;
      this.strings.push(value);
      index.set(value, at);
    }
    return at;
  }

  /** The number of the string the utf8 cache holds in `slot` (see utf8Slot). */
  internSlot(slot: number): number {
    const value = cachedUtf8(slot);
    // The slot may hold another string since this writer took it: then the string at its number differs.
    if (slotGenerations[slot] === this.generation && this.strings[slotNumbers[slot]] === value) {
      return slotNumbers[slot];
    }
    const at = this.strings.length;
    this.strings.push(value);
    slotGenerations[slot] = this.generation;
    slotNumbers[slot] = at;
    return at;
  }

  /** The number of a string that is unlikely to repeat (a span id): added without looking. */
  internFresh(value: string): number {
    const at = this.strings.length;
    this.strings.push(value);
    return at;
  }

  string(value: string): void {
    this.push(this.intern(value));
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

  /** The tape and its strings, the tape copied out of the scratch space (to be transferred or kept). */
  finish(): SpanTransfer {
    const tape = tapeOfLength(this.length);
    tape.set(this.tape.subarray(0, this.length));
    return { tape, strings: this.strings };
  }

  /** The tape in place: valid only until the next writer starts (a fresh copy of 100 KB per batch costs a lot here). */
  borrow(): SpanTransfer {
    return { tape: this.tape.subarray(0, this.length), strings: this.strings };
  }

  private grow(): void {
    const grown = new Int32Array(this.tape.length * 2);
    grown.set(this.tape.subarray(0, this.length));
    this.tape = grown;
    scratch = grown;
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
    w.float(span.startTimeUnixMs);
    w.float(span.durationMs);
    w.attributes(span.attributes, 0);
    w.push(span.events.length);
    for (const event of span.events) {
      if (checkEvent) {
        checkKeys(event, EVENT_KEYS);
        checkEvent = false;
      }
      w.string(event.name);
      w.float(event.timeUnixMs);
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
  return w.finish();
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
 * Reads a tape back, from the transfer or from where a store keeps it (then `at` starts inside a bigger array). A
 * class with the position as a field (not a closure over a mutable local): V8 keeps field access monomorphic and
 * fast, and the common attribute values are read inline without a call.
 */
export class TapeReader {
  constructor(
    private readonly tape: Int32Array,
    private readonly strings: readonly string[],
    public at = 0,
  ) {}

  /** A word: an index, a count, a tag, a reference. */
  next(): number {
    return this.tape[this.at++];
  }

  /** A number written by TapeWriter.number. */
  number(): number {
    const tape = this.tape;
    const word = tape[this.at++];
    if (word !== WIDE) {
      return word;
    }
    halves[0] = tape[this.at++];
    halves[1] = tape[this.at++];
    return float64[0];
  }

  /** A time (TapeWriter.float). */
  float(): number {
    halves[0] = this.tape[this.at++];
    halves[1] = this.tape[this.at++];
    return float64[0];
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
        value = this.number();
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
    const kind = this.number() as SpanKind;
    const startTimeUnixMs = this.float();
    const durationMs = this.float();
    const attributes = this.attributes();
    const eventCount = this.next();
    const events: SpanEvent[] = eventCount === 0 ? NO_EVENTS : [];
    for (let i = 0; i < eventCount; i++) {
      const eventName = this.string();
      const timeUnixMs = this.float();
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
    const code = this.number() as StatusCode;
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
      return this.number();
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

/** A tape read back: its spans, their resources and scopes, and per span where on the tape it is (PLACE_FIELDS). */
export interface ReadTape {
  spans: Span[];
  resources: Resource[];
  scopes: InstrumentationScope[];
  /** Per span: where its own fields start on the tape, and the numbers of its resource and scope. */
  places: Int32Array;
}

export const PLACE_FIELDS = 3;

/** Builds the spans of a tape: the same shapes, values and sharing as the decoders' output. */
export function readSpans(transfer: SpanTransfer): ReadTape {
  const r = new TapeReader(transfer.tape, transfer.strings);
  const resources: Resource[] = [];
  const scopes: InstrumentationScope[] = [];
  const count = r.next();
  const spans: Span[] = [];
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
      throw new Error('corrupt span tape');
    }
    places[s * PLACE_FIELDS] = r.at;
    places[s * PLACE_FIELDS + 1] = ref;
    places[s * PLACE_FIELDS + 2] = scopeRef;
    spans.push(r.span(resource, scope));
  }
  if (r.at !== transfer.tape.length) {
    throw new Error('corrupt span tape');
  }
  return { spans, resources, scopes, places };
}
