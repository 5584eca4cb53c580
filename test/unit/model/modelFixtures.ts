import { Resource, Span, SpanKind, SpanLocator, SourceLocation, StatusCode } from '../../../src/core/model/span';

/** Deterministic PRNG (mulberry32), so every run sees the same "random" data. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const resources = new Map<string, Resource>();

export function resourceFor(serviceName: string): Resource {
  let resource = resources.get(serviceName);
  if (!resource) {
    resource = { serviceName, attributes: { 'service.name': serviceName } };
    resources.set(serviceName, resource);
  }
  return resource;
}

export interface SpanSpec {
  trace: string | number;
  id: string | number;
  parent?: string | number;
  name?: string;
  service?: string;
  startMs?: number;
  durationMs?: number;
  error?: boolean;
  /** Status Ok, which is not an error. */
  ok?: boolean;
}

/** Ids given as short numbers are padded to the real hex widths, so tests stay readable. */
export function traceId(trace: string | number): string {
  return String(trace).padStart(32, '0');
}

export function spanId(id: string | number): string {
  return String(id).padStart(16, '0');
}

export function makeSpan(spec: SpanSpec): Span {
  return {
    traceId: traceId(spec.trace),
    spanId: spanId(spec.id),
    parentSpanId: spec.parent === undefined ? '' : spanId(spec.parent),
    traceState: '',
    name: spec.name ?? 'op',
    kind: SpanKind.Internal,
    startTimeUnixMs: spec.startMs ?? 1_700_000_000_000,
    durationMs: spec.durationMs ?? 1,
    attributes: {},
    events: [],
    links: [],
    status: { code: spec.error ? StatusCode.Error : spec.ok ? StatusCode.Ok : StatusCode.Unset, message: spec.error ? 'failed' : '' },
    resource: resourceFor(spec.service ?? 'svc'),
    scope: { name: 'test', version: '1' },
  };
}

/** A real SpanLocator: places a span by its name, from a fixed table (as a span-name index would). */
export class NameTableLocator implements SpanLocator {
  readonly calls: string[] = [];

  constructor(private readonly table: Record<string, { file: string; line: number }>) {}

  locate(span: Span): SourceLocation | undefined {
    this.calls.push(span.name);
    const place = this.table[span.name];
    return place ? { file: place.file, line: place.line, via: 'span-name' } : undefined;
  }
}

/** Exact lower quantile: the value at rank floor(q·(n-1)) of the sorted values. */
export function exactQuantile(sorted: readonly number[], q: number): number {
  return sorted[Math.floor(q * (sorted.length - 1))];
}
