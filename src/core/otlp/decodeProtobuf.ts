import { bytesToBase64 } from './base64';
import {
  durationNanosToMs,
  nanosToMs,
  SpanRejections,
  toSpanKind,
  toStatusCode,
  UNKNOWN_SERVICE,
  type DecodedTraceRequest,
} from './decodedRequest';
import { OtlpDecodeError } from './errors';
import { allZero, bytesToHex } from './hex';
import { ProtobufReader } from './protobufReader';
import { readSpans, TapeWriter, ValueTag, type SpanTransfer } from './spanTape';
import { MAX_CACHED_UTF8_BYTES, utf8Slot } from './utf8';

/*
 * Schema-specific decoder for opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest, straight onto a span
 * tape (spanTape.ts): no span object is built until the tape is read. Each message has one function that switches on
 * the whole tag (field number << 3 | wire type), so a known field with an unexpected wire type falls to `other`,
 * which rejects it, while unknown fields are skipped.
 *
 * Protobuf lets fields come in any order and repeat (the last scalar wins, repeated messages merge); the tape's
 * layout is fixed. So a span's fixed fields are reserved and filled in once its fields are read, attributes are
 * written as they come, and events and links (rare) are written by a second walk over the span. A resource or scope
 * is written in front of the first span of its block that is kept.
 */

/*
 * Whole tags, (field << 3) | wire type, as const enums so every `case` is a literal: wire types 0 varint,
 * 1 fixed64, 2 length-delimited, 5 fixed32.
 */
const enum RequestTag { ResourceSpans = (1 << 3) | 2 }
const enum ResourceSpansTag { Resource = (1 << 3) | 2, ScopeSpans = (2 << 3) | 2, SchemaUrl = (3 << 3) | 2, LegacyLibrarySpans = (1000 << 3) | 2 }
const enum ResourceTag { Attributes = (1 << 3) | 2, DroppedAttributesCount = 2 << 3 }
const enum ScopeSpansTag { Scope = (1 << 3) | 2, Span = (2 << 3) | 2, SchemaUrl = (3 << 3) | 2 }
const enum ScopeTag { Name = (1 << 3) | 2, Version = (2 << 3) | 2, Attributes = (3 << 3) | 2, DroppedAttributesCount = 4 << 3 }
const enum SpanTag {
  TraceId = (1 << 3) | 2,
  SpanId = (2 << 3) | 2,
  TraceState = (3 << 3) | 2,
  ParentSpanId = (4 << 3) | 2,
  Name = (5 << 3) | 2,
  Kind = 6 << 3,
  StartTime = (7 << 3) | 1,
  EndTime = (8 << 3) | 1,
  Attributes = (9 << 3) | 2,
  DroppedAttributesCount = 10 << 3,
  Event = (11 << 3) | 2,
  DroppedEventsCount = 12 << 3,
  Link = (13 << 3) | 2,
  DroppedLinksCount = 14 << 3,
  Status = (15 << 3) | 2,
  Flags = (16 << 3) | 5,
}
const enum EventTag { Time = (1 << 3) | 1, Name = (2 << 3) | 2, Attributes = (3 << 3) | 2, DroppedAttributesCount = 4 << 3 }
const enum LinkTag {
  TraceId = (1 << 3) | 2,
  SpanId = (2 << 3) | 2,
  TraceState = (3 << 3) | 2,
  Attributes = (4 << 3) | 2,
  DroppedAttributesCount = 5 << 3,
  Flags = (6 << 3) | 5,
}
const enum StatusTag { DeprecatedCode = 1 << 3, Message = (2 << 3) | 2, Code = 3 << 3 }
const enum KeyValueTag { Key = (1 << 3) | 2, Value = (2 << 3) | 2 }
const enum AnyValueTag {
  String = (1 << 3) | 2,
  Bool = 2 << 3,
  Int = 3 << 3,
  Double = (4 << 3) | 1,
  Array = (5 << 3) | 2,
  KvList = (6 << 3) | 2,
  Bytes = (7 << 3) | 2,
}
/** ArrayValue.values and KeyValueList.values. */
const ListItemTag = (1 << 3) | 2;

/** AnyValue arrays and kvlists nest; the stack must survive any input. */
const MAX_VALUE_DEPTH = 64;

/** A span's fixed fields on the tape: trace id, span id, parent span id, trace state, name, kind, start (2), duration (2). */
const SPAN_HEADER_WORDS = 10;


/** The protobuf request decoded onto a tape: what a decode worker hands over. */
export interface TranscodedTraceRequest {
  transfer: SpanTransfer;
  rejectedSpans: number;
  rejectionMessage: string;
}

export function decodeTraceRequestProtobuf(bytes: Uint8Array): DecodedTraceRequest {
  const { transfer, rejectedSpans, rejectionMessage } = transcode(bytes, false);
  return { spans: readSpans(transfer).spans, rejectedSpans, rejectionMessage };
}

export function transcodeTraceRequestProtobuf(bytes: Uint8Array): TranscodedTraceRequest {
  return transcode(bytes, true);
}

/** `copy`: the tape copied out for the caller to keep; else lent until the next decode. */
function transcode(bytes: Uint8Array, copy: boolean): TranscodedTraceRequest {
  // A Buffer (or other subclass) is viewed as a plain Uint8Array, so every byte load in the decoder sees one type.
  const plain = bytes.constructor === Uint8Array ? bytes : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const t = new Transcoder(new ProtobufReader(plain));
  const reader = t.reader;
  try {
    while (reader.pos < reader.end) {
      const tag = reader.tag();
      if (tag === RequestTag.ResourceSpans) {
        const end = reader.messageEnd();
        decodeResourceSpans(t, end);
        reader.expectEnd(end);
      } else {
        other(reader, tag, 1, 'ExportTraceServiceRequest');
      }
    }
  } catch (error) {
    if (error instanceof OtlpDecodeError) {
      throw error;
    }
    // A bug of ours must still surface as "undecodable", never as a crash of the receiver.
    throw new OtlpDecodeError(`undecodable protobuf: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  return t.finish(copy);
}

/** One request's decoding: the reader, the tape, and what spans of one block share. */
class Transcoder {
  readonly w = new TapeWriter();
  readonly rejections = new SpanRejections();
  private readonly spanCountAt: number;
  spans = 0;
  resources = 0;
  scopes = 0;
  readonly empty: number;
  /** The status of the span being read (Status messages merge, as their fields repeat). */
  statusCode = 0;
  messageStart = 0;
  messageEnd = 0;

  private readonly generation: number;

  constructor(readonly reader: ProtobufReader) {
    this.spanCountAt = this.w.reserve(1);
    this.empty = this.w.intern('');
    if (lastGeneration === 0x7fffffff) {
      idGenerations.fill(0);
      lastGeneration = 0;
    }
    this.generation = ++lastGeneration;
  }

  /** The string number of the UTF-8 bytes [start, end). */
  string(start: number, end: number): number {
    const length = end - start;
    if (length === 0) {
      return this.empty;
    }
    const reader = this.reader;
    if (length > MAX_CACHED_UTF8_BYTES) {
      return this.w.intern(utf8.decode(reader.buf.subarray(start, end)));
    }
    return this.w.internSlot(utf8Slot(reader.buf, reader.view, start, end));
  }

  /** The next field's string (its tag just read). */
  nextString(): number {
    const reader = this.reader;
    const end = reader.messageEnd();
    const start = reader.pos;
    reader.pos = end;
    return this.string(start, end);
  }

  traceId(start: number): number {
    return this.id(start, 16, true);
  }

  /** A span id: always a new string (ids are unique), remembered so that a child's parent id finds it. */
  spanId(start: number): number {
    return this.id(start, 8, false);
  }

  parentId(start: number, end: number): number {
    // Root spans carry no parent, or (some emitters) eight zero bytes; anything malformed is treated as root too.
    if (end - start !== 8 || allZero(this.reader.buf, start, end)) {
      return this.empty;
    }
    return this.id(start, 8, true);
  }

  /**
   * The string number of an id of 16 or 8 bytes: found by its bytes among the ids this request wrote before, else
   * written. Ids are random, so their last bytes index the cache; a colliding id takes the slot over.
   */
  private id(start: number, length: 16 | 8, lookUp: boolean): number {
    const buf = this.reader.buf;
    const end = start + length;
    const slot = (length === 16 ? 0 : ID_SLOTS / 2) + ((buf[end - 1] | (buf[end - 2] << 8)) & (ID_SLOTS / 2 - 1));
    if (lookUp && idGenerations[slot] === this.generation && sameBytes(buf, start, idPositions[slot], length)) {
      return idNumbers[slot];
    }
    const number = this.w.internFresh(bytesToHex(buf, start, end));
    idGenerations[slot] = this.generation;
    idPositions[slot] = start;
    idNumbers[slot] = number;
    return number;
  }

  finish(copy: boolean): TranscodedTraceRequest {
    this.w.setWord(this.spanCountAt, this.spans);
    return { transfer: copy ? this.w.finish() : this.w.borrow(), rejectedSpans: this.rejections.count, rejectionMessage: this.rejections.message() };
  }
}

const utf8 = new TextDecoder('utf-8');

/*
 * Ids written by the request being decoded, by slot: which request (generation), where the id's bytes are in it, and
 * its string number. Trace ids take the first half, span and parent ids the second.
 */
const ID_SLOTS = 2048;
const idGenerations = new Int32Array(ID_SLOTS);
const idPositions = new Int32Array(ID_SLOTS);
const idNumbers = new Int32Array(ID_SLOTS);
let lastGeneration = 0;

function sameBytes(buf: Uint8Array, a: number, b: number, length: number): boolean {
  for (let i = 0; i < length; i++) {
    if (buf[a + i] !== buf[b + i]) {
      return false;
    }
  }
  return true;
}

/** Skips an unknown field; a known one (numbers 1..lastKnown) with an unexpected wire type is an error. */
function other(reader: ProtobufReader, tag: number, lastKnown: number, message: string): void {
  if (tag >>> 3 <= lastKnown) {
    throw reader.wrongWireType(tag, message);
  }
  reader.skip(tag);
}

/** A ResourceSpans block: where its Resource messages are (they merge), and its number once a span of it is kept. */
interface Block {
  resourceRanges: number[];
  number: number;
}

function decodeResourceSpans(t: Transcoder, end: number): void {
  const reader = t.reader;
  const start = reader.pos;
  // The resource may follow the spans on the wire: find it first, then the scopes in order.
  const block: Block = { resourceRanges: [], number: -1 };
  while (reader.pos < end) {
    const tag = reader.tag();
    switch (tag) {
      case ResourceSpansTag.Resource: {
        const resourceEnd = reader.messageEnd();
        block.resourceRanges.push(reader.pos, resourceEnd);
        reader.pos = resourceEnd;
        break;
      }
      case ResourceSpansTag.ScopeSpans:
      case ResourceSpansTag.LegacyLibrarySpans: /* instrumentation_library_spans of OTLP before 0.15: the same layout as ScopeSpans */
      case ResourceSpansTag.SchemaUrl:
        reader.skip(tag);
        break;
      default:
        if (tag >>> 3 === 1000) {
          throw reader.wrongWireType(tag, 'ResourceSpans');
        }
        other(reader, tag, 3, 'ResourceSpans');
    }
  }
  // Checked even when no span of the block is kept to use it.
  const mark = t.w.length;
  writeResource(t, block);
  t.w.length = mark;
  reader.pos = start;
  while (reader.pos < end) {
    const tag = reader.tag();
    if (tag === ResourceSpansTag.ScopeSpans || tag === ResourceSpansTag.LegacyLibrarySpans) {
      const scopeEnd = reader.messageEnd();
      decodeScopeSpans(t, scopeEnd, block);
      reader.expectEnd(scopeEnd);
    } else {
      reader.skip(tag);
    }
  }
}

/** The resource in full: -1, its attributes (every Resource message of the block, in order), its service name. */
function writeResource(t: Transcoder, block: Block): void {
  const { reader, w } = t;
  const back = reader.pos;
  w.push(-1);
  const countAt = w.reserve(1);
  let count = 0;
  let serviceName = UNKNOWN_SERVICE;
  for (let i = 0; i < block.resourceRanges.length; i += 2) {
    reader.pos = block.resourceRanges[i];
    const end = block.resourceRanges[i + 1];
    while (reader.pos < end) {
      const tag = reader.tag();
      switch (tag) {
        case ResourceTag.Attributes: {
          const at = w.length;
          writeKeyValue(t, 0);
          count++;
          if (w.strings[w.wordAt(at)] === 'service.name') {
            // The last one wins, as in an attributes object; only a non-empty string names the service.
            const value = w.wordAt(at + 1) === ValueTag.String ? w.strings[w.wordAt(at + 2)] : '';
            serviceName = value === '' ? UNKNOWN_SERVICE : value;
          }
          break;
        }
        case ResourceTag.DroppedAttributesCount:
          reader.skip(tag);
          break;
        default:
          other(reader, tag, 2, 'Resource');
      }
    }
    reader.expectEnd(end);
  }
  w.setWord(countAt, count);
  w.push(w.intern(serviceName));
  reader.pos = back;
}

function decodeScopeSpans(t: Transcoder, end: number, block: Block): void {
  const { reader, w } = t;
  // The scope's Scope messages merge (the last name and version win) and may follow spans on the wire: once the
  // scope is on the tape, a later one patches its name and version there.
  let name = t.empty;
  let version = t.empty;
  /** Where the scope's name is on the tape, once a span of it is kept; -1 before. */
  let namesAt = -1;
  let scope = -1;
  const mark = w.length;
  while (reader.pos < end) {
    const tag = reader.tag();
    switch (tag) {
      case ScopeSpansTag.Scope: {
        const scopeEnd = reader.messageEnd();
        while (reader.pos < scopeEnd) {
          const scopeTag = reader.tag();
          switch (scopeTag) {
            case ScopeTag.Name:
              name = t.nextString();
              break;
            case ScopeTag.Version:
              version = t.nextString();
              break;
            case ScopeTag.Attributes: // not part of the model
            case ScopeTag.DroppedAttributesCount:
              reader.skip(scopeTag);
              break;
            default:
              other(reader, scopeTag, 4, 'InstrumentationScope');
          }
        }
        reader.expectEnd(scopeEnd);
        if (namesAt !== -1) {
          w.setWord(namesAt, name);
          w.setWord(namesAt + 1, version);
        }
        break;
      }
      case ScopeSpansTag.Span: {
        const spanEnd = reader.messageEnd();
        const spanStart = w.length;
        let prefixNamesAt = -1;
        if (scope === -1) {
          // In front of the first span kept: the resource (in full, or its number) and the scope.
          if (block.number === -1) {
            writeResource(t, block);
          } else {
            w.push(block.number);
          }
          w.push(-1);
          prefixNamesAt = w.length;
          w.push(name);
          w.push(version);
        } else {
          w.push(block.number);
          w.push(scope);
        }
        const kept = decodeSpan(t, spanEnd);
        reader.expectEnd(spanEnd);
        if (!kept) {
          w.length = spanStart;
        } else {
          t.spans++;
          if (scope === -1) {
            if (block.number === -1) {
              block.number = t.resources++;
            }
            scope = t.scopes++;
            namesAt = prefixNamesAt;
          }
        }
        break;
      }
      case ScopeSpansTag.SchemaUrl:
        reader.skip(tag);
        break;
      default:
        other(reader, tag, 3, 'ScopeSpans');
    }
  }
  if (scope === -1) {
    w.length = mark;
  }
}

/** One span onto the tape; false (the caller drops what was written) when its ids make it unusable. */
function decodeSpan(t: Transcoder, end: number): boolean {
  const { reader, w } = t;
  const buf = reader.buf;
  const start = reader.pos;
  const header = w.reserve(SPAN_HEADER_WORDS);
  const attributeCountAt = w.reserve(1);
  let attributes = 0;
  let events = 0;
  let links = 0;
  let traceIdStart = 0;
  let traceIdEnd = 0;
  let spanIdStart = 0;
  let spanIdEnd = 0;
  let parentStart = 0;
  let parentEnd = 0;
  let traceStateStart = 0;
  let traceStateEnd = 0;
  let nameStart = 0;
  let nameEnd = 0;
  let kind = 0;
  let startLow = 0;
  let startHigh = 0;
  let endLow = 0;
  let endHigh = 0;
  t.statusCode = 0;
  t.messageStart = t.messageEnd = 0;
  while (reader.pos < end) {
    const tag = reader.tag();
    switch (tag) {
      case SpanTag.TraceId:
        traceIdEnd = reader.messageEnd();
        traceIdStart = reader.pos;
        reader.pos = traceIdEnd;
        break;
      case SpanTag.SpanId:
        spanIdEnd = reader.messageEnd();
        spanIdStart = reader.pos;
        reader.pos = spanIdEnd;
        break;
      case SpanTag.TraceState:
        traceStateEnd = reader.messageEnd();
        traceStateStart = reader.pos;
        reader.pos = traceStateEnd;
        break;
      case SpanTag.ParentSpanId:
        parentEnd = reader.messageEnd();
        parentStart = reader.pos;
        reader.pos = parentEnd;
        break;
      case SpanTag.Name:
        nameEnd = reader.messageEnd();
        nameStart = reader.pos;
        reader.pos = nameEnd;
        break;
      case SpanTag.Kind:
        kind = reader.uint32();
        break;
      case SpanTag.StartTime:
        startLow = reader.fixed32();
        startHigh = reader.fixed32();
        break;
      case SpanTag.EndTime:
        endLow = reader.fixed32();
        endHigh = reader.fixed32();
        break;
      case SpanTag.Attributes:
        writeKeyValue(t, 0);
        attributes++;
        break;
      case SpanTag.Event:
        events++;
        reader.skip(tag);
        break;
      case SpanTag.Link:
        links++;
        reader.skip(tag);
        break;
      case SpanTag.Status: {
        const statusEnd = reader.messageEnd();
        decodeStatus(t, statusEnd);
        reader.expectEnd(statusEnd);
        break;
      }
      case SpanTag.DroppedAttributesCount:
      case SpanTag.DroppedEventsCount:
      case SpanTag.DroppedLinksCount:
      case SpanTag.Flags:
        reader.skip(tag);
        break;
      default:
        other(reader, tag, 16, 'Span');
    }
  }
  w.setWord(attributeCountAt, attributes);
  // Events and links, in their order on the wire (checked even when the span turns out unusable).
  w.push(events);
  if (events > 0) {
    writeSpanMessages(t, start, end, SpanTag.Event);
  }
  w.push(links);
  if (links > 0) {
    writeSpanMessages(t, start, end, SpanTag.Link);
  }
  if (traceIdEnd - traceIdStart !== 16 || allZero(buf, traceIdStart, traceIdEnd)) {
    t.rejections.reject('invalid trace id');
    return false;
  }
  if (spanIdEnd - spanIdStart !== 8 || allZero(buf, spanIdStart, spanIdEnd)) {
    t.rejections.reject('invalid span id');
    return false;
  }
  w.push(toStatusCode(t.statusCode));
  w.push(t.string(t.messageStart, t.messageEnd));
  w.setWord(header, t.traceId(traceIdStart));
  w.setWord(header + 1, t.spanId(spanIdStart));
  w.setWord(header + 2, t.parentId(parentStart, parentEnd));
  w.setWord(header + 3, t.string(traceStateStart, traceStateEnd));
  w.setWord(header + 4, t.string(nameStart, nameEnd));
  w.setWord(header + 5, toSpanKind(kind));
  w.setFloat(header + 6, nanosToMs(startHigh, startLow));
  w.setFloat(header + 8, durationNanosToMs(endHigh, endLow, startHigh, startLow));
  return true;
}

/** Walks a span's fields again from `start`, writing each event (or each link) among them. */
function writeSpanMessages(t: Transcoder, start: number, end: number, wanted: SpanTag): void {
  const reader = t.reader;
  const back = reader.pos;
  reader.pos = start;
  while (reader.pos < end) {
    const tag = reader.tag();
    if (tag !== wanted) {
      reader.skip(tag);
      continue;
    }
    const messageEnd = reader.messageEnd();
    if (wanted === SpanTag.Event) {
      writeEvent(t, messageEnd);
    } else {
      writeLink(t, messageEnd);
    }
    reader.expectEnd(messageEnd);
  }
  reader.pos = back;
}

function writeEvent(t: Transcoder, end: number): void {
  const { reader, w } = t;
  const nameAt = w.reserve(3);
  const countAt = w.reserve(1);
  let count = 0;
  let timeLow = 0;
  let timeHigh = 0;
  let name = t.empty;
  while (reader.pos < end) {
    const tag = reader.tag();
    switch (tag) {
      case EventTag.Time:
        timeLow = reader.fixed32();
        timeHigh = reader.fixed32();
        break;
      case EventTag.Name:
        name = t.nextString();
        break;
      case EventTag.Attributes:
        writeKeyValue(t, 0);
        count++;
        break;
      case EventTag.DroppedAttributesCount:
        reader.skip(tag);
        break;
      default:
        other(reader, tag, 4, 'Span.Event');
    }
  }
  w.setWord(nameAt, name);
  w.setFloat(nameAt + 1, nanosToMs(timeHigh, timeLow));
  w.setWord(countAt, count);
}

function writeLink(t: Transcoder, end: number): void {
  const { reader, w } = t;
  const buf = reader.buf;
  const idsAt = w.reserve(3);
  const countAt = w.reserve(1);
  let count = 0;
  let traceId = t.empty;
  let spanId = t.empty;
  let traceState = t.empty;
  while (reader.pos < end) {
    const tag = reader.tag();
    switch (tag) {
      case LinkTag.TraceId: {
        const idEnd = reader.messageEnd();
        traceId = w.intern(bytesToHex(buf, reader.pos, idEnd));
        reader.pos = idEnd;
        break;
      }
      case LinkTag.SpanId: {
        const idEnd = reader.messageEnd();
        spanId = w.intern(bytesToHex(buf, reader.pos, idEnd));
        reader.pos = idEnd;
        break;
      }
      case LinkTag.TraceState:
        traceState = t.nextString();
        break;
      case LinkTag.Attributes:
        writeKeyValue(t, 0);
        count++;
        break;
      case LinkTag.DroppedAttributesCount:
      case LinkTag.Flags:
        reader.skip(tag);
        break;
      default:
        other(reader, tag, 6, 'Span.Link');
    }
  }
  w.setWord(idsAt, traceId);
  w.setWord(idsAt + 1, spanId);
  w.setWord(idsAt + 2, traceState);
  w.setWord(countAt, count);
}

function decodeStatus(t: Transcoder, end: number): void {
  const reader = t.reader;
  while (reader.pos < end) {
    const tag = reader.tag();
    switch (tag) {
      case StatusTag.DeprecatedCode: // superseded by code
        reader.skip(tag);
        break;
      case StatusTag.Message:
        t.messageEnd = reader.messageEnd();
        t.messageStart = reader.pos;
        reader.pos = t.messageEnd;
        break;
      case StatusTag.Code:
        t.statusCode = reader.uint32();
        break;
      default:
        other(reader, tag, 3, 'Status');
    }
  }
}

/** One length-delimited KeyValue (the tag is already consumed): its key, then its value (null when it has none). */
function writeKeyValue(t: Transcoder, depth: number): void {
  const { reader, w } = t;
  const end = reader.messageEnd();
  const keyAt = w.reserve(1);
  const valueAt = w.length;
  let key = t.empty;
  let hasValue = false;
  while (reader.pos < end) {
    const tag = reader.tag();
    switch (tag) {
      case KeyValueTag.Key:
        key = t.nextString();
        break;
      case KeyValueTag.Value: {
        const valueEnd = reader.messageEnd();
        // A repeated value field: the last one wins.
        w.length = valueAt;
        writeAnyValue(t, valueEnd, depth);
        reader.expectEnd(valueEnd);
        hasValue = true;
        break;
      }
      default:
        other(reader, tag, 2, 'KeyValue');
    }
  }
  reader.expectEnd(end);
  if (!hasValue) {
    w.push(ValueTag.Null);
  }
  w.setWord(keyAt, key);
}

/** AnyValue is a oneof: the last value field wins; none (or only unknown ones) means null. */
function writeAnyValue(t: Transcoder, end: number, depth: number): void {
  const { reader, w } = t;
  const start = w.length;
  let written = false;
  while (reader.pos < end) {
    const tag = reader.tag();
    switch (tag) {
      case AnyValueTag.String: {
        const text = t.nextString();
        w.length = start;
        w.push(ValueTag.String);
        w.push(text);
        written = true;
        break;
      }
      case AnyValueTag.Bool: {
        const value = reader.bool();
        w.length = start;
        w.push(value ? ValueTag.True : ValueTag.False);
        written = true;
        break;
      }
      case AnyValueTag.Int:
      case AnyValueTag.Double: {
        const value = tag === AnyValueTag.Int ? reader.int64() : reader.double();
        w.length = start;
        w.push(ValueTag.Number);
        w.number(value);
        written = true;
        break;
      }
      case AnyValueTag.Array: {
        const arrayEnd = reader.messageEnd();
        w.length = start;
        writeList(t, arrayEnd, depth + 1, ValueTag.Array);
        reader.expectEnd(arrayEnd);
        written = true;
        break;
      }
      case AnyValueTag.KvList: {
        const listEnd = reader.messageEnd();
        w.length = start;
        writeList(t, listEnd, depth + 1, ValueTag.Object);
        reader.expectEnd(listEnd);
        written = true;
        break;
      }
      case AnyValueTag.Bytes: {
        const bytesEnd = reader.messageEnd();
        const text = w.intern(bytesToBase64(reader.buf, reader.pos, bytesEnd));
        reader.pos = bytesEnd;
        w.length = start;
        w.push(ValueTag.String);
        w.push(text);
        written = true;
        break;
      }
      default:
        other(reader, tag, 7, 'AnyValue');
    }
  }
  if (!written) {
    w.push(ValueTag.Null);
  }
}

/** ArrayValue (its values) or KeyValueList (its key-values, as an object): the tag, a count, the items. */
function writeList(t: Transcoder, end: number, depth: number, kind: ValueTag.Array | ValueTag.Object): void {
  if (depth > MAX_VALUE_DEPTH) {
    throw new OtlpDecodeError(`malformed attribute: values nested deeper than ${MAX_VALUE_DEPTH}`);
  }
  const { reader, w } = t;
  w.push(kind);
  const countAt = w.reserve(1);
  let count = 0;
  while (reader.pos < end) {
    const tag = reader.tag();
    if (tag !== ListItemTag) {
      other(reader, tag, 1, kind === ValueTag.Array ? 'ArrayValue' : 'KeyValueList');
    } else if (kind === ValueTag.Array) {
      const valueEnd = reader.messageEnd();
      writeAnyValue(t, valueEnd, depth);
      reader.expectEnd(valueEnd);
      count++;
    } else {
      writeKeyValue(t, depth);
      count++;
    }
  }
  w.setWord(countAt, count);
}
