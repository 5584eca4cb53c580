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

export interface SpanTransfer {
  /** Transferred to the receiving thread (zero-copy). */
  tape: Float64Array;
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
let scratch = new Float64Array(1 << 16);

class TapeWriter {
  private tape = scratch;
  length = 0;
  private readonly index = new Map<string, number>();
  readonly strings: string[] = [];

  push(value: number): void {
    if (this.length === this.tape.length) {
      const grown = new Float64Array(this.tape.length * 2);
      grown.set(this.tape);
      this.tape = grown;
      scratch = grown;
    }
    this.tape[this.length++] = value;
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
        this.push(value);
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
    checkKeys(span, SPAN_KEYS);
    w.string(span.traceId);
    w.string(span.spanId);
    w.string(span.parentSpanId);
    w.string(span.traceState);
    w.string(span.name);
    w.push(span.kind);
    w.push(span.startTimeUnixMs);
    w.push(span.durationMs);
    w.attributes(span.attributes, 0);
    w.push(span.events.length);
    for (const event of span.events) {
      checkKeys(event, EVENT_KEYS);
      w.string(event.name);
      w.push(event.timeUnixMs);
      w.attributes(event.attributes, 0);
    }
    w.push(span.links.length);
    for (const link of span.links) {
      checkKeys(link, LINK_KEYS);
      w.string(link.traceId);
      w.string(link.spanId);
      w.string(link.traceState);
      w.attributes(link.attributes, 0);
    }
    checkKeys(span.status, STATUS_KEYS);
    w.push(span.status.code);
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
 * them silently. Counting own keys is enough: the decoders always set every field of the model.
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

/** Builds the spans back from a tape: the same shapes, values and sharing as the decoder's output. */
export function materializeSpans(transfer: SpanTransfer): Span[] {
  const { tape, strings } = transfer;
  let at = 0;
  const resources: Resource[] = [];
  const scopes: InstrumentationScope[] = [];

  const readAttributes = (): Attributes => {
    const attributes: Attributes = {};
    const count = tape[at++];
    for (let i = 0; i < count; i++) {
      const key = strings[tape[at++]];
      const value = readValue();
      if (key === '__proto__') {
        // As the decoders do: an own property, not a new prototype.
        Object.defineProperty(attributes, key, { value, enumerable: true, writable: true, configurable: true });
      } else {
        attributes[key] = value;
      }
    }
    return attributes;
  };

  const readValue = (): AttributeValue => {
    switch (tape[at++]) {
      case ValueTag.String:
        return strings[tape[at++]];
      case ValueTag.Number:
        return tape[at++];
      case ValueTag.True:
        return true;
      case ValueTag.False:
        return false;
      case ValueTag.Null:
        return null;
      case ValueTag.Array: {
        const length = tape[at++];
        const items: AttributeValue[] = [];
        for (let i = 0; i < length; i++) {
          items.push(readValue());
        }
        return items;
      }
      case ValueTag.Object:
        return readAttributes();
      default:
        throw new Error('corrupt span transfer tape');
    }
  };

  const count = tape[at++];
  const spans: Span[] = [];
  for (let s = 0; s < count; s++) {
    let ref = tape[at++];
    let resource: Resource;
    if (ref === -1) {
      const attributes = readAttributes();
      resource = { attributes, serviceName: strings[tape[at++]] };
      resources.push(resource);
    } else {
      resource = resources[ref];
    }
    ref = tape[at++];
    let scope: InstrumentationScope;
    if (ref === -1) {
      scope = { name: strings[tape[at++]], version: strings[tape[at++]] };
      scopes.push(scope);
    } else {
      scope = scopes[ref];
    }
    const traceId = strings[tape[at++]];
    const spanId = strings[tape[at++]];
    const parentSpanId = strings[tape[at++]];
    const traceState = strings[tape[at++]];
    const name = strings[tape[at++]];
    const kind = tape[at++] as SpanKind;
    const startTimeUnixMs = tape[at++];
    const durationMs = tape[at++];
    const attributes = readAttributes();
    const eventCount = tape[at++];
    const events: SpanEvent[] = [];
    for (let i = 0; i < eventCount; i++) {
      const eventName = strings[tape[at++]];
      const timeUnixMs = tape[at++];
      events.push({ name: eventName, timeUnixMs, attributes: readAttributes() });
    }
    const linkCount = tape[at++];
    const links: SpanLink[] = [];
    for (let i = 0; i < linkCount; i++) {
      const linkTraceId = strings[tape[at++]];
      const linkSpanId = strings[tape[at++]];
      const linkTraceState = strings[tape[at++]];
      links.push({ traceId: linkTraceId, spanId: linkSpanId, traceState: linkTraceState, attributes: readAttributes() });
    }
    const code = tape[at++] as StatusCode;
    const status = { code, message: strings[tape[at++]] };
    spans.push({ traceId, spanId, parentSpanId, traceState, name, kind, startTimeUnixMs, durationMs, attributes, events, links, status, resource, scope });
  }
  if (at !== tape.length) {
    throw new Error('corrupt span transfer tape');
  }
  return spans;
}
