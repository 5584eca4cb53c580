import { SpanKind, StatusCode, type Attributes, type Resource, type SourceLocation, type Span, type SpanEvent, type SpanLink, type SpanLocator } from '../../../src/core/model/span';

/** Span timestamps of the hand-built graphs start here (telemetry time; the detector's clock is separate). */
export const T0 = 1_700_000_000_000;

const resources = new Map<string, Resource>();

/** One resource per (service, pid), shared by its spans as the decoders share them. */
export function resource(service: string, pid = 1000): Resource {
  const key = `${service}/${pid}`;
  let r = resources.get(key);
  if (!r) {
    r = { serviceName: service, attributes: { 'service.name': service, 'process.pid': pid, 'host.name': 'devbox', 'telemetry.sdk.language': 'go' } };
    resources.set(key, r);
  }
  return r;
}

export interface SpanSpec {
  trace: string;
  id: string;
  parent?: string;
  name: string;
  service: string;
  pid?: number;
  kind?: SpanKind;
  /** Milliseconds after T0. */
  start: number;
  duration: number;
  attributes?: Attributes;
  statusMessage?: string;
  events?: SpanEvent[];
  links?: Array<{ trace: string; id: string }>;
}

export function traceId(short: string): string {
  return short.padStart(32, '0');
}

export function spanId(short: string): string {
  return short.padStart(16, '0');
}

export function span(spec: SpanSpec): Span {
  const links: SpanLink[] = (spec.links ?? []).map((l) => ({ traceId: traceId(l.trace), spanId: spanId(l.id), traceState: '', attributes: {} }));
  return {
    traceId: traceId(spec.trace),
    spanId: spanId(spec.id),
    parentSpanId: spec.parent === undefined ? '' : spanId(spec.parent),
    traceState: '',
    name: spec.name,
    kind: spec.kind ?? SpanKind.Internal,
    startTimeUnixMs: T0 + spec.start,
    durationMs: spec.duration,
    attributes: spec.attributes ?? {},
    events: spec.events ?? [],
    links,
    status: spec.statusMessage !== undefined ? { code: StatusCode.Error, message: spec.statusMessage } : { code: StatusCode.Unset, message: '' },
    resource: resource(spec.service, spec.pid),
    scope: { name: 'example.com/shop', version: '' },
  };
}

/** What otelhttp (Go, contrib v0.65) puts on a client span. */
export function httpClientAttributes(method: string, url: string): Attributes {
  const u = new URL(url);
  return {
    'http.request.method': method,
    'url.full': url,
    'server.address': u.hostname,
    'server.port': Number(u.port) || 80,
    'network.protocol.version': '1.1',
  };
}

/** What otelgin (contrib v0.65) puts on a server span: its service name as server.address, the Host header's port. */
export function ginServerAttributes(service: string, method: string, route: string, path: string, port: number): Attributes {
  return {
    'server.address': service,
    'http.request.method': method,
    'url.scheme': 'http',
    'server.port': port,
    'network.peer.address': '127.0.0.1',
    'network.peer.port': 53124,
    'client.address': '127.0.0.1',
    'url.path': path,
    'network.protocol.version': '1.1',
    'http.route': route,
  };
}

export const SERVER = SpanKind.Server;
export const CLIENT = SpanKind.Client;
export const PRODUCER = SpanKind.Producer;
export const CONSUMER = SpanKind.Consumer;

/** A real SpanLocator over a fixed table, as a span-name index would answer: names not in it are unmapped. */
export class TableLocator implements SpanLocator {
  constructor(private readonly table: Record<string, number>, private readonly file = '/ws/order/service.go') {}

  locate(s: Span): SourceLocation | undefined {
    const line = this.table[s.name];
    return line === undefined ? undefined : { file: this.file, line, via: 'span-name' };
  }
}

/** A clock the test moves by hand. */
export class ManualClock {
  constructor(public nowMs = 0) {}
  readonly now = (): number => this.nowMs;
  advance(ms: number): void {
    this.nowMs += ms;
  }
}
