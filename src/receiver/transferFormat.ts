/**
 * A compact form of decoded spans for the trip from a decode worker to the main thread.
 *
 * Why: a structured clone of 512 span objects (each with attribute, status, event and link objects) costs the
 * main thread more to deserialize than building the same objects by hand, and it copies every repeated string
 * (attribute keys, methods, hosts) once per span. Here the worker writes one tape of 32-bit words (transferred,
 * not copied) plus one table of distinct strings; the main thread walks the tape once and builds plain objects of
 * the same shapes the decoders build, sharing one string instance per distinct value and one Resource /
 * InstrumentationScope object per block, exactly as the decoders do.
 *
 * The result is deep-equal to the decoder's output (test/unit/receiver/transferFormat.test.ts checks it against
 * the SDK-made spans). A value the tape cannot carry makes `encodeSpans` throw; the worker then falls back to the
 * structured clone, so nothing is ever lost to this optimisation. The main thread's side, the spans of a batch and
 * the pack a store keeps of them, is tapePack.ts.
 */
import type { Attributes, AttributeValue, InstrumentationScope, Resource, Span, SpanEvent, SpanKind, SpanLink, StatusCode } from '../core/model/span';

export interface SpanTransfer {
  /**
   * Transferred to the receiving thread (zero-copy). In 32-bit words: a field that is a 32-bit integer (string
   * numbers, counts, kinds, most attribute numbers) as itself; any other number (times, fractions, -0, NaN, big
   * numbers, and the marker's own value) as the WIDE marker and then the float64's two halves. A store keeps the
   * tape as it is (a copy of the words), so the format is also the kept one.
   */
  tape: Int32Array;
  /** Distinct strings, referenced from the tape by index. */
  strings: string[];
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
let scratch = new Int32Array(1 << 17);

const wideScratch = new Float64Array(1);
const wideHalves = new Int32Array(wideScratch.buffer);

class TapeWriter {
  private tape = scratch;
  length = 0;
  private readonly index = new Map<string, number>();
  readonly strings: string[] = [];

  /** A word that is never the WIDE marker: an index, a count, a tag, a resource or scope reference. */
  push(value: number): void {
    if (this.length + 3 > this.tape.length) {
      this.grow();
    }
    this.tape[this.length++] = value;
  }

  /** A number that may not be a 32-bit integer (a time, an attribute's value): one word, or the marker and two. */
  number(value: number): void {
    if (this.length + 3 > this.tape.length) {
      this.grow();
    }
    const tape = this.tape;
    if (fitsWord(value)) {
      tape[this.length++] = value;
    } else {
      wideScratch[0] = value;
      tape[this.length++] = WIDE;
      tape[this.length++] = wideHalves[0];
      tape[this.length++] = wideHalves[1];
    }
  }

  private grow(): void {
    const grown = new Int32Array(this.tape.length * 2);
    grown.set(this.tape);
    this.tape = grown;
    scratch = grown;
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

  finish(): Int32Array {
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
  return { tape: w.finish(), strings: w.strings };
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
    wideHalves[0] = tape[this.at++];
    wideHalves[1] = tape[this.at++];
    return wideScratch[0];
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
    const startTimeUnixMs = this.number();
    const durationMs = this.number();
    const attributes = this.attributes();
    const eventCount = this.next();
    const events: SpanEvent[] = eventCount === 0 ? NO_EVENTS : [];
    for (let i = 0; i < eventCount; i++) {
      const eventName = this.string();
      const timeUnixMs = this.number();
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

/** Marks a number the tape holds as a float64 in the next two words (see SpanTransfer.tape). */
const WIDE = -0x80000000;

function fitsWord(value: number): boolean {
  // 1 / -0 is -Infinity: -0 is the one 32-bit integer value that is not its own word.
  return (value | 0) === value && value !== WIDE && (value !== 0 || 1 / value > 0);
}
