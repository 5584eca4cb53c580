/** The span model every layer shares: what the decoders produce, the store keeps and the mappers read. */

export type AttributeValue = string | number | boolean | null | AttributeValue[] | { [key: string]: AttributeValue };
export type Attributes = Record<string, AttributeValue>;

/** OTLP Span.SpanKind numbering. */
export const enum SpanKind {
  Unspecified = 0,
  Internal = 1,
  Server = 2,
  Client = 3,
  Producer = 4,
  Consumer = 5,
}

/** OTLP Status.StatusCode numbering. */
export const enum StatusCode {
  Unset = 0,
  Ok = 1,
  Error = 2,
}

/** One per ResourceSpans in a request; every span of that block points at the same object. */
export interface Resource {
  attributes: Attributes;
  /** `service.name`, or `unknown_service` as the SDKs default it. */
  serviceName: string;
}

/** One per ScopeSpans in a request; shared like Resource. */
export interface InstrumentationScope {
  name: string;
  version: string;
}

export interface SpanEvent {
  name: string;
  timeUnixMs: number;
  attributes: Attributes;
}

export interface SpanLink {
  traceId: string;
  spanId: string;
  traceState: string;
  attributes: Attributes;
}

export interface SpanStatus {
  code: StatusCode;
  message: string;
}

export interface Span {
  /** 32 lowercase hex digits. */
  traceId: string;
  /** 16 lowercase hex digits. */
  spanId: string;
  /** 16 lowercase hex digits, or '' for a root span. */
  parentSpanId: string;
  traceState: string;
  name: string;
  kind: SpanKind;
  /** Milliseconds since the Unix epoch (fractional: sub-microsecond precision is lost, durations are exact). */
  startTimeUnixMs: number;
  /** end - start, computed from the 64-bit nanosecond values before any rounding. */
  durationMs: number;
  attributes: Attributes;
  events: SpanEvent[];
  links: SpanLink[];
  status: SpanStatus;
  resource: Resource;
  scope: InstrumentationScope;
}

/** A place in the user's source: absolute, normalized file path; 1-based line and column. */
export interface SourceLocation {
  file: string;
  line: number;
  column?: number;
  /** Which mapping strategy found it, for hovers and debugging. */
  via: MappingStrategy;
}

export type MappingStrategy = 'code-attributes' | 'stacktrace' | 'span-name' | 'route' | 'function-name';

/** Decides where a span came from; undefined when nothing in the workspace fits. */
export interface SpanLocator {
  locate(span: Span): SourceLocation | undefined;
}

export function locationKey(location: Pick<SourceLocation, 'file' | 'line'>): string {
  return `${location.file}:${location.line}`;
}
