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
import { base64ToBytes, bytesToBase64 } from './base64';
import {
  DecodeResult,
  serviceNameOf,
  setAttribute,
  toSpanKind,
  toStatusCode,
  type DecodedTraceRequest,
} from './decodedRequest';
import { OtlpDecodeError } from './errors';
import { allZero, bytesToHex, isHex } from './hex';

/*
 * OTLP/JSON as exporters and the Collector really send it: the spec's lowerCamelCase keys and the proto's
 * snake_case ones, 64-bit integers as strings or numbers, enums as integers or names, ids as hex (the spec) or
 * base64 (the generic protobuf JSON mapping some early emitters used), and the pre-1.0 instrumentationLibrarySpans.
 */

type JsonObject = Record<string, unknown>;

const MAX_VALUE_DEPTH = 64;

const SPAN_KINDS: Record<string, number> = {
  SPAN_KIND_UNSPECIFIED: 0,
  SPAN_KIND_INTERNAL: 1,
  SPAN_KIND_SERVER: 2,
  SPAN_KIND_CLIENT: 3,
  SPAN_KIND_PRODUCER: 4,
  SPAN_KIND_CONSUMER: 5,
};

const STATUS_CODES: Record<string, number> = {
  STATUS_CODE_UNSET: 0,
  STATUS_CODE_OK: 1,
  STATUS_CODE_ERROR: 2,
};

const utf8 = new TextDecoder('utf-8');

/** Takes the request body as text, or as the raw UTF-8 bytes (a leading byte-order mark is ignored either way). */
export function decodeTraceRequestJson(body: string | Uint8Array): DecodedTraceRequest {
  let text = typeof body === 'string' ? body : utf8.decode(body);
  if (text.charCodeAt(0) === 0xfeff) {
    text = text.slice(1);
  }
  let root: unknown;
  try {
    root = JSON.parse(text);
  } catch (error) {
    throw new OtlpDecodeError(`invalid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  const result = new DecodeResult();
  try {
    if (root === null || typeof root !== 'object' || Array.isArray(root)) {
      throw shapeError('the request must be a JSON object');
    }
    const request = root as JsonObject;
    for (const resourceSpans of asArray(field(request, 'resourceSpans', 'resource_spans'), 'resourceSpans')) {
      decodeResourceSpans(resourceSpans, result);
    }
  } catch (error) {
    if (error instanceof OtlpDecodeError) {
      throw error;
    }
    throw new OtlpDecodeError(`undecodable OTLP/JSON: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  return result.finish();
}

function shapeError(message: string): OtlpDecodeError {
  return new OtlpDecodeError(`invalid OTLP/JSON: ${message}`);
}

function field(object: JsonObject, camel: string, snake: string): unknown {
  const value = object[camel];
  return value !== undefined && value !== null ? value : object[snake];
}

/** null and absent mean "not set" everywhere, as in protobuf's JSON mapping. */
function asObject(value: unknown, what: string): JsonObject | undefined {
  if (value === undefined || value === null) {
    return undefined;
  }
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw shapeError(`${what} must be an object`);
  }
  return value as JsonObject;
}

function asArray(value: unknown, what: string): unknown[] {
  if (value === undefined || value === null) {
    return [];
  }
  if (!Array.isArray(value)) {
    throw shapeError(`${what} must be an array`);
  }
  return value;
}

function asString(value: unknown, what: string): string {
  if (value === undefined || value === null) {
    return '';
  }
  if (typeof value !== 'string') {
    throw shapeError(`${what} must be a string`);
  }
  return value;
}

const INTEGER = /^-?\d+$/;

/** An int32/int64/uint32/uint64 field: a JSON number or a decimal string. */
function asInteger(value: unknown, what: string): number {
  if (value === undefined || value === null) {
    return 0;
  }
  if (typeof value === 'number' && Number.isFinite(value)) {
    return Math.trunc(value);
  }
  if (typeof value === 'string' && INTEGER.test(value)) {
    return Number(value);
  }
  throw shapeError(`${what} must be an integer or a decimal string`);
}

/** A fixed64 nanosecond timestamp kept exact (BigInt) so durations are computed before any rounding. */
function asNanos(value: unknown, what: string): bigint {
  if (value === undefined || value === null) {
    return 0n;
  }
  if (typeof value === 'string' && INTEGER.test(value)) {
    return BigInt(value);
  }
  if (typeof value === 'number' && Number.isFinite(value)) {
    return BigInt(Math.trunc(value));
  }
  throw shapeError(`${what} must be an integer or a decimal string`);
}

/** Ids: hex when the text has the hex length (hex wins: 32 hex digits are also valid base64), else base64. */
function idBytesToHex(value: unknown, byteLength: number, what: string): string | undefined {
  const text = asString(value, what);
  if (text.length === byteLength * 2 && isHex(text)) {
    return /^0+$/.test(text) ? undefined : text.toLowerCase();
  }
  const bytes = text === '' ? undefined : base64ToBytes(text);
  if (bytes === undefined || bytes.length !== byteLength || allZero(bytes, 0, bytes.length)) {
    return undefined;
  }
  return bytesToHex(bytes, 0, bytes.length);
}

/** Link ids are not validated (a link to a broken context is still worth showing): hex or base64, any length. */
function anyIdToHex(value: unknown, what: string): string {
  const text = asString(value, what);
  if (isHex(text) && text.length % 2 === 0) {
    return text.toLowerCase();
  }
  const bytes = base64ToBytes(text);
  return bytes === undefined ? text : bytesToHex(bytes, 0, bytes.length);
}

const ENUM_NAME = /^[A-Z][A-Z0-9_]*$/;

/** An enum as its number or its name; a well-formed name we do not know (a newer proto) means the default, 0. */
function asEnum(value: unknown, names: Record<string, number>, what: string): number {
  if (typeof value === 'string' && ENUM_NAME.test(value)) {
    return Object.prototype.hasOwnProperty.call(names, value) ? names[value] : 0;
  }
  return asInteger(value, what);
}

function decodeResourceSpans(value: unknown, result: DecodeResult): void {
  const resourceSpans = asObject(value, 'resourceSpans[]');
  if (resourceSpans === undefined) {
    return;
  }
  const attributes: Attributes = {};
  const resourceObject = asObject(resourceSpans.resource, 'resource');
  if (resourceObject !== undefined) {
    decodeAttributesInto(resourceObject.attributes, attributes, 'resource.attributes');
  }
  const resource: Resource = { attributes, serviceName: serviceNameOf(attributes) };
  decodeScopeSpansList(field(resourceSpans, 'scopeSpans', 'scope_spans'), resource, result);
  decodeScopeSpansList(field(resourceSpans, 'instrumentationLibrarySpans', 'instrumentation_library_spans'), resource, result);
}

function decodeScopeSpansList(value: unknown, resource: Resource, result: DecodeResult): void {
  for (const item of asArray(value, 'scopeSpans')) {
    const scopeSpans = asObject(item, 'scopeSpans[]');
    if (scopeSpans === undefined) {
      continue;
    }
    const scopeObject = asObject(
      scopeSpans.scope ?? field(scopeSpans, 'instrumentationLibrary', 'instrumentation_library'),
      'scope',
    );
    const scope: InstrumentationScope = {
      name: asString(scopeObject?.name, 'scope.name'),
      version: asString(scopeObject?.version, 'scope.version'),
    };
    for (const span of asArray(scopeSpans.spans, 'spans')) {
      decodeSpan(span, resource, scope, result);
    }
  }
}

function decodeSpan(value: unknown, resource: Resource, scope: InstrumentationScope, result: DecodeResult): void {
  const object = asObject(value, 'spans[]');
  if (object === undefined) {
    return;
  }
  const traceId = idBytesToHex(field(object, 'traceId', 'trace_id'), 16, 'traceId');
  if (traceId === undefined) {
    result.reject('invalid trace id');
    return;
  }
  const spanId = idBytesToHex(field(object, 'spanId', 'span_id'), 8, 'spanId');
  if (spanId === undefined) {
    result.reject('invalid span id');
    return;
  }
  const start = asNanos(field(object, 'startTimeUnixNano', 'start_time_unix_nano'), 'startTimeUnixNano');
  const end = asNanos(field(object, 'endTimeUnixNano', 'end_time_unix_nano'), 'endTimeUnixNano');
  const attributes: Attributes = {};
  decodeAttributesInto(object.attributes, attributes, 'span.attributes');
  const span: Span = {
    traceId,
    spanId,
    // Root spans carry no parent, or (some emitters) zeros; anything malformed is treated as root too.
    parentSpanId: idBytesToHex(field(object, 'parentSpanId', 'parent_span_id'), 8, 'parentSpanId') ?? '',
    traceState: asString(field(object, 'traceState', 'trace_state'), 'traceState'),
    name: asString(object.name, 'span.name'),
    kind: toSpanKind(asEnum(object.kind, SPAN_KINDS, 'span.kind')),
    startTimeUnixMs: Number(start) / 1e6,
    durationMs: end > start ? Number(end - start) / 1e6 : 0,
    attributes,
    events: asArray(object.events, 'span.events').map(decodeEvent),
    links: asArray(object.links, 'span.links').map(decodeLink),
    status: decodeStatus(object.status),
    resource,
    scope,
  };
  result.spans.push(span);
}

function decodeEvent(value: unknown): SpanEvent {
  const object = asObject(value, 'events[]') ?? {};
  const attributes: Attributes = {};
  decodeAttributesInto(object.attributes, attributes, 'event.attributes');
  return {
    name: asString(object.name, 'event.name'),
    timeUnixMs: Number(asNanos(field(object, 'timeUnixNano', 'time_unix_nano'), 'event.timeUnixNano')) / 1e6,
    attributes,
  };
}

function decodeLink(value: unknown): SpanLink {
  const object = asObject(value, 'links[]') ?? {};
  const attributes: Attributes = {};
  decodeAttributesInto(object.attributes, attributes, 'link.attributes');
  return {
    traceId: anyIdToHex(field(object, 'traceId', 'trace_id'), 'link.traceId'),
    spanId: anyIdToHex(field(object, 'spanId', 'span_id'), 'link.spanId'),
    traceState: asString(field(object, 'traceState', 'trace_state'), 'link.traceState'),
    attributes,
  };
}

function decodeStatus(value: unknown): SpanStatus {
  const object = asObject(value, 'status');
  if (object === undefined) {
    return { code: toStatusCode(0), message: '' };
  }
  return {
    code: toStatusCode(asEnum(object.code, STATUS_CODES, 'status.code')),
    message: asString(object.message, 'status.message'),
  };
}

function decodeAttributesInto(value: unknown, target: Attributes, what: string, depth = 0): void {
  for (const item of asArray(value, what)) {
    const keyValue = asObject(item, `${what}[]`);
    if (keyValue !== undefined) {
      setAttribute(target, asString(keyValue.key, 'attribute key'), decodeAnyValue(keyValue.value, depth));
    }
  }
}

function decodeAnyValue(value: unknown, depth: number): AttributeValue {
  const object = asObject(value, 'attribute value');
  if (object === undefined) {
    return null;
  }
  // A member set to null is not set (protobuf JSON mapping), so the checks are `!= null`.
  let v: unknown;
  if ((v = field(object, 'stringValue', 'string_value')) != null) {
    return asString(v, 'stringValue');
  }
  if ((v = field(object, 'intValue', 'int_value')) != null) {
    return asInteger(v, 'intValue');
  }
  if ((v = field(object, 'boolValue', 'bool_value')) != null) {
    if (typeof v !== 'boolean') {
      throw shapeError('boolValue must be true or false');
    }
    return v;
  }
  if ((v = field(object, 'doubleValue', 'double_value')) != null) {
    return asDouble(v);
  }
  if ((v = field(object, 'arrayValue', 'array_value')) != null) {
    checkDepth(depth + 1);
    return asArray(asObject(v, 'arrayValue')?.values, 'arrayValue.values').map((item) => decodeAnyValue(item, depth + 1));
  }
  if ((v = field(object, 'kvlistValue', 'kvlist_value')) != null) {
    checkDepth(depth + 1);
    const values: Attributes = {};
    decodeAttributesInto(asObject(v, 'kvlistValue')?.values, values, 'kvlistValue.values', depth + 1);
    return values;
  }
  if ((v = field(object, 'bytesValue', 'bytes_value')) != null) {
    // Normalized to standard padded base64, as the protobuf decoder renders bytes.
    const text = asString(v, 'bytesValue');
    const bytes = base64ToBytes(text);
    return bytes === undefined ? text : bytesToBase64(bytes);
  }
  return null;
}

/** protojson writes non-finite doubles as strings. */
function asDouble(value: unknown): number {
  if (typeof value === 'number') {
    return value;
  }
  if (typeof value === 'string') {
    const number = value === 'NaN' ? NaN : value === 'Infinity' ? Infinity : value === '-Infinity' ? -Infinity : Number(value);
    if (value.trim() !== '' && (!Number.isNaN(number) || value === 'NaN')) {
      return number;
    }
  }
  throw shapeError('doubleValue must be a number');
}

function checkDepth(depth: number): void {
  if (depth > MAX_VALUE_DEPTH) {
    throw shapeError(`attribute values nested deeper than ${MAX_VALUE_DEPTH}`);
  }
}
