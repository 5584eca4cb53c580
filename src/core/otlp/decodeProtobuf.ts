import type {
  Attributes,
  AttributeValue,
  InstrumentationScope,
  Resource,
  Span,
  SpanEvent,
  SpanLink,
  SpanStatus,
} from '../model/span';
import { bytesToBase64 } from './base64';
import {
  DecodeResult,
  durationNanosToMs,
  nanosToMs,
  serviceNameOf,
  setAttribute,
  toSpanKind,
  toStatusCode,
  UNKNOWN_SERVICE,
  type DecodedTraceRequest,
} from './decodedRequest';
import { OtlpDecodeError } from './errors';
import { allZero, bytesToHex } from './hex';
import { ProtobufReader } from './protobufReader';

/*
 * Schema-specific decoder for opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest, straight into
 * the span model. Each message has one function that switches on the whole tag (field number << 3 | wire type),
 * so a known field with an unexpected wire type falls to `other`, which rejects it, while unknown fields are skipped.
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

export function decodeTraceRequestProtobuf(bytes: Uint8Array): DecodedTraceRequest {
  // A Buffer (or other subclass) is viewed as a plain Uint8Array, so every byte load in the decoder sees one type.
  const plain = bytes.constructor === Uint8Array ? bytes : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const reader = new ProtobufReader(plain);
  const result = new DecodeResult();
  try {
    while (reader.pos < reader.end) {
      const tag = reader.tag();
      if (tag === RequestTag.ResourceSpans) {
        const end = reader.messageEnd();
        decodeResourceSpans(reader, end, result);
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
  return result.finish();
}

/** Skips an unknown field; a known one (numbers 1..lastKnown) with an unexpected wire type is an error. */
function other(reader: ProtobufReader, tag: number, lastKnown: number, message: string): void {
  if (tag >>> 3 <= lastKnown) {
    throw reader.wrongWireType(tag, message);
  }
  reader.skip(tag);
}

function decodeResourceSpans(reader: ProtobufReader, end: number, result: DecodeResult): void {
  // Created first and filled in place: spans may precede the resource field on the wire and still share it.
  const resource: Resource = { attributes: {}, serviceName: UNKNOWN_SERVICE };
  while (reader.pos < end) {
    const tag = reader.tag();
    switch (tag) {
      case ResourceSpansTag.Resource: {
        const resourceEnd = reader.messageEnd();
        decodeResource(reader, resourceEnd, resource);
        reader.expectEnd(resourceEnd);
        break;
      }
      case ResourceSpansTag.ScopeSpans:
      case ResourceSpansTag.LegacyLibrarySpans: /* instrumentation_library_spans of OTLP before 0.15: the same layout as ScopeSpans */ {
        const scopeEnd = reader.messageEnd();
        decodeScopeSpans(reader, scopeEnd, resource, result);
        reader.expectEnd(scopeEnd);
        break;
      }
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
  resource.serviceName = serviceNameOf(resource.attributes);
}

function decodeResource(reader: ProtobufReader, end: number, resource: Resource): void {
  while (reader.pos < end) {
    const tag = reader.tag();
    switch (tag) {
      case ResourceTag.Attributes:
        decodeKeyValueInto(reader, resource.attributes, 0);
        break;
      case ResourceTag.DroppedAttributesCount:
        reader.skip(tag);
        break;
      default:
        other(reader, tag, 2, 'Resource');
    }
  }
}

function decodeScopeSpans(reader: ProtobufReader, end: number, resource: Resource, result: DecodeResult): void {
  const scope: InstrumentationScope = { name: '', version: '' };
  while (reader.pos < end) {
    const tag = reader.tag();
    switch (tag) {
      case ScopeSpansTag.Scope: {
        const scopeEnd = reader.messageEnd();
        decodeScope(reader, scopeEnd, scope);
        reader.expectEnd(scopeEnd);
        break;
      }
      case ScopeSpansTag.Span: {
        const spanEnd = reader.messageEnd();
        decodeSpan(reader, spanEnd, resource, scope, result);
        reader.expectEnd(spanEnd);
        break;
      }
      case ScopeSpansTag.SchemaUrl:
        reader.skip(tag);
        break;
      default:
        other(reader, tag, 3, 'ScopeSpans');
    }
  }
}

function decodeScope(reader: ProtobufReader, end: number, scope: InstrumentationScope): void {
  while (reader.pos < end) {
    const tag = reader.tag();
    switch (tag) {
      case ScopeTag.Name:
        scope.name = reader.string();
        break;
      case ScopeTag.Version:
        scope.version = reader.string();
        break;
      case ScopeTag.Attributes: // not part of the model
      case ScopeTag.DroppedAttributesCount:
        reader.skip(tag);
        break;
      default:
        other(reader, tag, 4, 'InstrumentationScope');
    }
  }
}

function decodeSpan(reader: ProtobufReader, end: number, resource: Resource, scope: InstrumentationScope, result: DecodeResult): void {
  const buf = reader.buf;
  let traceIdStart = 0;
  let traceIdEnd = 0;
  let spanIdStart = 0;
  let spanIdEnd = 0;
  let parentStart = 0;
  let parentEnd = 0;
  let traceState = '';
  let name = '';
  let kind = 0;
  let startLow = 0;
  let startHigh = 0;
  let endLow = 0;
  let endHigh = 0;
  const attributes: Attributes = {};
  const events: SpanEvent[] = [];
  const links: SpanLink[] = [];
  const status: SpanStatus = { code: 0, message: '' };
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
        traceState = reader.string();
        break;
      case SpanTag.ParentSpanId:
        parentEnd = reader.messageEnd();
        parentStart = reader.pos;
        reader.pos = parentEnd;
        break;
      case SpanTag.Name:
        name = reader.string();
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
        decodeKeyValueInto(reader, attributes, 0);
        break;
      case SpanTag.Event: {
        const eventEnd = reader.messageEnd();
        events.push(decodeEvent(reader, eventEnd));
        reader.expectEnd(eventEnd);
        break;
      }
      case SpanTag.Link: {
        const linkEnd = reader.messageEnd();
        links.push(decodeLink(reader, linkEnd));
        reader.expectEnd(linkEnd);
        break;
      }
      case SpanTag.Status: {
        const statusEnd = reader.messageEnd();
        decodeStatus(reader, statusEnd, status);
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
  if (traceIdEnd - traceIdStart !== 16 || allZero(buf, traceIdStart, traceIdEnd)) {
    result.reject('invalid trace id');
    return;
  }
  if (spanIdEnd - spanIdStart !== 8 || allZero(buf, spanIdStart, spanIdEnd)) {
    result.reject('invalid span id');
    return;
  }
  const span: Span = {
    traceId: bytesToHex(buf, traceIdStart, traceIdEnd),
    spanId: bytesToHex(buf, spanIdStart, spanIdEnd),
    // Root spans carry no parent, or (some emitters) eight zero bytes; anything malformed is treated as root too.
    parentSpanId: parentEnd - parentStart === 8 && !allZero(buf, parentStart, parentEnd) ? bytesToHex(buf, parentStart, parentEnd) : '',
    traceState,
    name,
    kind: toSpanKind(kind),
    startTimeUnixMs: nanosToMs(startHigh, startLow),
    durationMs: durationNanosToMs(endHigh, endLow, startHigh, startLow),
    attributes,
    events,
    links,
    status,
    resource,
    scope,
  };
  result.spans.push(span);
}

function decodeEvent(reader: ProtobufReader, end: number): SpanEvent {
  let timeLow = 0;
  let timeHigh = 0;
  let name = '';
  const attributes: Attributes = {};
  while (reader.pos < end) {
    const tag = reader.tag();
    switch (tag) {
      case EventTag.Time:
        timeLow = reader.fixed32();
        timeHigh = reader.fixed32();
        break;
      case EventTag.Name:
        name = reader.string();
        break;
      case EventTag.Attributes:
        decodeKeyValueInto(reader, attributes, 0);
        break;
      case EventTag.DroppedAttributesCount:
        reader.skip(tag);
        break;
      default:
        other(reader, tag, 4, 'Span.Event');
    }
  }
  return { name, timeUnixMs: nanosToMs(timeHigh, timeLow), attributes };
}

function decodeLink(reader: ProtobufReader, end: number): SpanLink {
  const buf = reader.buf;
  let traceId = '';
  let spanId = '';
  let traceState = '';
  const attributes: Attributes = {};
  while (reader.pos < end) {
    const tag = reader.tag();
    switch (tag) {
      case LinkTag.TraceId: {
        const idEnd = reader.messageEnd();
        traceId = bytesToHex(buf, reader.pos, idEnd);
        reader.pos = idEnd;
        break;
      }
      case LinkTag.SpanId: {
        const idEnd = reader.messageEnd();
        spanId = bytesToHex(buf, reader.pos, idEnd);
        reader.pos = idEnd;
        break;
      }
      case LinkTag.TraceState:
        traceState = reader.string();
        break;
      case LinkTag.Attributes:
        decodeKeyValueInto(reader, attributes, 0);
        break;
      case LinkTag.DroppedAttributesCount:
      case LinkTag.Flags:
        reader.skip(tag);
        break;
      default:
        other(reader, tag, 6, 'Span.Link');
    }
  }
  return { traceId, spanId, traceState, attributes };
}

function decodeStatus(reader: ProtobufReader, end: number, status: SpanStatus): void {
  while (reader.pos < end) {
    const tag = reader.tag();
    switch (tag) {
      case StatusTag.DeprecatedCode: // superseded by code
        reader.skip(tag);
        break;
      case StatusTag.Message:
        status.message = reader.string();
        break;
      case StatusTag.Code:
        status.code = toStatusCode(reader.uint32());
        break;
      default:
        other(reader, tag, 3, 'Status');
    }
  }
}

/** Reads one length-delimited KeyValue (the tag is already consumed) into `target`. */
function decodeKeyValueInto(reader: ProtobufReader, target: Attributes, depth: number): void {
  const end = reader.messageEnd();
  let key = '';
  let value: AttributeValue = null;
  while (reader.pos < end) {
    const tag = reader.tag();
    switch (tag) {
      case KeyValueTag.Key:
        key = reader.string();
        break;
      case KeyValueTag.Value: {
        const valueEnd = reader.messageEnd();
        value = decodeAnyValue(reader, valueEnd, depth);
        reader.expectEnd(valueEnd);
        break;
      }
      default:
        other(reader, tag, 2, 'KeyValue');
    }
  }
  reader.expectEnd(end);
  setAttribute(target, key, value);
}

/** AnyValue is a oneof: the last value field wins; none (or only unknown ones) means null. */
function decodeAnyValue(reader: ProtobufReader, end: number, depth: number): AttributeValue {
  let value: AttributeValue = null;
  while (reader.pos < end) {
    const tag = reader.tag();
    switch (tag) {
      case AnyValueTag.String:
        value = reader.string();
        break;
      case AnyValueTag.Bool:
        value = reader.bool();
        break;
      case AnyValueTag.Int:
        value = reader.int64();
        break;
      case AnyValueTag.Double:
        value = reader.double();
        break;
      case AnyValueTag.Array: {
        const arrayEnd = reader.messageEnd();
        value = decodeArrayValue(reader, arrayEnd, depth + 1);
        reader.expectEnd(arrayEnd);
        break;
      }
      case AnyValueTag.KvList: {
        const listEnd = reader.messageEnd();
        value = decodeKeyValueList(reader, listEnd, depth + 1);
        reader.expectEnd(listEnd);
        break;
      }
      case AnyValueTag.Bytes: {
        const bytesEnd = reader.messageEnd();
        value = bytesToBase64(reader.buf, reader.pos, bytesEnd);
        reader.pos = bytesEnd;
        break;
      }
      default:
        other(reader, tag, 7, 'AnyValue');
    }
  }
  return value;
}

function checkDepth(depth: number): void {
  if (depth > MAX_VALUE_DEPTH) {
    throw new OtlpDecodeError(`malformed attribute: values nested deeper than ${MAX_VALUE_DEPTH}`);
  }
}

function decodeArrayValue(reader: ProtobufReader, end: number, depth: number): AttributeValue[] {
  checkDepth(depth);
  const values: AttributeValue[] = [];
  while (reader.pos < end) {
    const tag = reader.tag();
    if (tag === ListItemTag) {
      const valueEnd = reader.messageEnd();
      values.push(decodeAnyValue(reader, valueEnd, depth));
      reader.expectEnd(valueEnd);
    } else {
      other(reader, tag, 1, 'ArrayValue');
    }
  }
  return values;
}

function decodeKeyValueList(reader: ProtobufReader, end: number, depth: number): Attributes {
  checkDepth(depth);
  const values: Attributes = {};
  while (reader.pos < end) {
    const tag = reader.tag();
    if (tag === ListItemTag) {
      decodeKeyValueInto(reader, values, depth);
    } else {
      other(reader, tag, 1, 'KeyValueList');
    }
  }
  return values;
}
