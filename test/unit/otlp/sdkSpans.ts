/**
 * Seeded random spans made by the real OpenTelemetry JS SDK, and the span-model values each one must decode to.
 * Shared by the differential tests; a failing seed reproduces exactly.
 */
import { ROOT_CONTEXT, SpanKind as ApiSpanKind, SpanStatusCode, trace, type Attributes as ApiAttributes, type HrTime, type Link } from '@opentelemetry/api';
import { TraceState } from '@opentelemetry/core';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type IdGenerator, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { AttributeValue, Attributes } from '../../../src/core/model/span';

/** mulberry32: tiny, fast, good enough to vary test inputs reproducibly. */
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

class Dice {
  constructor(readonly next: () => number) {}
  int(max: number): number {
    return Math.floor(this.next() * max);
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }
  hex(bytes: number): string {
    let out = '';
    for (let i = 0; i < bytes; i++) {
      out += this.int(256).toString(16).padStart(2, '0');
    }
    // An all-zero id is invalid in OTLP; the SDK never makes one either.
    return /^0+$/.test(out) ? out.slice(0, -1) + '1' : out;
  }
}

const WORDS = ['GET /orders/:id', 'db.query', 'checkout', 'π∑ unicode ✓', '', 'a'.repeat(40), 'inventory.Reserve', 'naïve', '日本語のスパン', 'x'];

function randomString(dice: Dice): string {
  return dice.chance(0.8) ? dice.pick(WORDS) : dice.hex(dice.int(30));
}

/** Numbers of every encoding path: small and large ints, negatives, int64 edges, doubles. Never -0 or NaN (JSON cannot carry them). */
function randomNumber(dice: Dice): number {
  switch (dice.int(8)) {
    case 0:
      return dice.int(128);
    case 1:
      return dice.int(2 ** 31) * (dice.chance(0.5) ? -1 : 1) || 7;
    case 2:
      return 2 ** 53 - 1 - dice.int(1000);
    case 3:
      return -(2 ** 62);
    case 4:
      return 2 ** 60;
    case 5:
      return (dice.next() - 0.5) * 1e6;
    case 6:
      return 1e300 * dice.next() + 0.5;
    default:
      return dice.int(1e12) / 1000 + 0.25;
  }
}

function randomPrimitiveArray(dice: Dice): (string | number | boolean | null)[] {
  const length = dice.int(5);
  const kind = dice.int(3);
  const out: (string | number | boolean | null)[] = [];
  for (let i = 0; i < length; i++) {
    if (dice.chance(0.1)) {
      out.push(null);
    } else {
      out.push(kind === 0 ? randomString(dice) : kind === 1 ? randomNumber(dice) : dice.chance(0.5));
    }
  }
  return out;
}

/** Attributes the SDK accepts: primitives and homogeneous primitive arrays. */
function randomSdkAttributes(dice: Dice, count: number): ApiAttributes {
  const attributes: ApiAttributes = {};
  for (let i = 0; i < count; i++) {
    const key = dice.chance(0.3) ? dice.pick(['http.method', 'code.lineno', 'code.filepath', 'db.statement', 'ключ', 'k']) : `attr.${dice.int(50)}`;
    switch (dice.int(5)) {
      case 0:
        attributes[key] = randomString(dice);
        break;
      case 1:
        attributes[key] = randomNumber(dice);
        break;
      case 2:
        attributes[key] = dice.chance(0.5);
        break;
      default:
        attributes[key] = randomPrimitiveArray(dice) as ApiAttributes[string];
    }
  }
  return attributes;
}

/**
 * Values other SDKs send (OTLP AnyValue) that the JS SDK's attribute API filters out: byte strings, key-value
 * lists, nested arrays. otlp-transformer serializes them, so spans get them added after the SDK is done.
 */
function randomRichValue(dice: Dice, depth: number): unknown {
  switch (depth > 2 ? dice.int(3) : dice.int(6)) {
    case 0:
      return Uint8Array.from({ length: dice.int(20) }, () => dice.int(256));
    case 1:
      return randomString(dice);
    case 2:
      return randomNumber(dice);
    case 3:
      return Array.from({ length: dice.int(4) }, () => randomRichValue(dice, depth + 1));
    default: {
      const list: Record<string, unknown> = {};
      for (let i = dice.int(4); i > 0; i--) {
        list[`kv.${dice.int(10)}`] = randomRichValue(dice, depth + 1);
      }
      return list;
    }
  }
}

function hrTimePlus(time: HrTime, nanos: number): HrTime {
  const total = time[1] + nanos;
  return [time[0] + Math.floor(total / 1e9), total % 1e9];
}

function randomSpanContext(dice: Dice, withState: boolean): { traceId: string; spanId: string; traceFlags: number; isRemote: boolean; traceState?: TraceState } {
  return {
    traceId: dice.hex(16),
    spanId: dice.hex(8),
    traceFlags: 1,
    isRemote: dice.chance(0.5),
    traceState: withState ? new TraceState(`vendor${dice.int(9)}=v${dice.int(99)},other=x`) : undefined,
  };
}

/** `count` finished spans from several providers (resources) and tracers (scopes), in the SDK's own objects. */
export function generateSdkSpans(seed: number, count: number): ReadableSpan[] {
  const dice = new Dice(seededRandom(seed));
  const idGenerator: IdGenerator = {
    generateTraceId: () => dice.hex(16),
    generateSpanId: () => dice.hex(8),
  };
  const exporter = new InMemorySpanExporter();
  const resources = [
    resourceFromAttributes({ 'service.name': 'order-service', 'service.version': '1.2.3', 'host.name': 'box' }),
    resourceFromAttributes({ 'service.name': 'inventory', 'deployment.environment': 'dev', 'process.pid': 4242 }),
    // No service.name at all: the decoder must fall back to unknown_service.
    resourceFromAttributes({ 'telemetry.sdk.language': 'go', 'k8s.pod.uid': dice.hex(8) }),
  ];
  const providers = resources.map(
    (resource) => new BasicTracerProvider({ resource, idGenerator, spanProcessors: [new SimpleSpanProcessor(exporter)] }),
  );
  const tracers = providers.flatMap((provider) => [
    provider.getTracer('span-lens-test', '0.1.0'),
    provider.getTracer('@acme/http'),
    provider.getTracer('go.opentelemetry.io/contrib/instrumentation/github.com/gin-gonic/gin/otelgin', 'v0.60.0'),
  ]);
  const kinds = [ApiSpanKind.INTERNAL, ApiSpanKind.SERVER, ApiSpanKind.CLIENT, ApiSpanKind.PRODUCER, ApiSpanKind.CONSUMER];

  for (let i = 0; i < count; i++) {
    const tracer = dice.pick(tracers);
    const start: HrTime = [1_700_000_000 + dice.int(100_000_000), dice.int(1e9)];
    const durationNanos = dice.pick([0, 1, dice.int(1e6), dice.int(1e9), dice.int(1e9) * 3600 + dice.int(1e9)]);
    const end = hrTimePlus(start, durationNanos);
    const parent = dice.chance(0.6) ? trace.setSpanContext(ROOT_CONTEXT, randomSpanContext(dice, dice.chance(0.5))) : ROOT_CONTEXT;
    const links: Link[] = [];
    for (let l = dice.int(3); l > 0; l--) {
      links.push({ context: randomSpanContext(dice, dice.chance(0.3)), attributes: dice.chance(0.5) ? randomSdkAttributes(dice, 2) : undefined });
    }
    const span = tracer.startSpan(
      randomString(dice),
      { kind: dice.pick(kinds), startTime: start, links, attributes: randomSdkAttributes(dice, dice.int(12)) },
      parent,
    );
    for (let e = dice.int(4); e > 0; e--) {
      span.addEvent(randomString(dice), dice.chance(0.7) ? randomSdkAttributes(dice, dice.int(4)) : undefined, hrTimePlus(start, dice.int(durationNanos + 1)));
    }
    const statusRoll = dice.int(4);
    if (statusRoll === 1) {
      span.setStatus({ code: SpanStatusCode.OK });
    } else if (statusRoll === 2) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: dice.chance(0.7) ? randomString(dice) : undefined });
    }
    span.end(end);
  }
  const finished = exporter.getFinishedSpans();
  return finished.map((span) => (dice.chance(0.3) ? withRichAttributes(span, dice) : span));
}

/** The same span seen through a prototype link, with extra AnyValue-only attributes. */
function withRichAttributes(span: ReadableSpan, dice: Dice): ReadableSpan {
  const attributes: Record<string, unknown> = { ...span.attributes };
  for (let i = 1 + dice.int(3); i > 0; i--) {
    attributes[`rich.${i}`] = randomRichValue(dice, 0);
  }
  return Object.create(span, { attributes: { value: attributes, enumerable: true } }) as ReadableSpan;
}

export function hrTimeToNanos(time: HrTime): bigint {
  return BigInt(time[0]) * 1_000_000_000n + BigInt(time[1]);
}

/** The model's ns → ms rule: the exact nanoseconds rounded once to a double, then divided. */
export function nanosToMs(nanos: bigint): number {
  return Number(nanos) / 1e6;
}

export function expectedValue(value: unknown): AttributeValue {
  if (value === null || value === undefined) {
    return null;
  }
  if (value instanceof Uint8Array) {
    return Buffer.from(value).toString('base64');
  }
  if (Array.isArray(value)) {
    return value.map(expectedValue);
  }
  if (typeof value === 'object') {
    return expectedAttributes(value as Record<string, unknown>);
  }
  return value as AttributeValue;
}

export function expectedAttributes(attributes: Record<string, unknown> | undefined): Attributes {
  const out: Attributes = {};
  for (const [key, value] of Object.entries(attributes ?? {})) {
    out[key] = expectedValue(value);
  }
  return out;
}

/** What decoding the serialized span must produce, derived from the SDK's ReadableSpan alone. */
export function expectedSpan(span: ReadableSpan): object {
  const context = span.spanContext();
  const start = hrTimeToNanos(span.startTime);
  const serviceName = span.resource.attributes['service.name'];
  return {
    traceId: context.traceId,
    spanId: context.spanId,
    parentSpanId: span.parentSpanContext?.spanId ?? '',
    traceState: context.traceState?.serialize() ?? '',
    name: span.name,
    kind: span.kind + 1,
    startTimeUnixMs: nanosToMs(start),
    durationMs: nanosToMs(hrTimeToNanos(span.endTime) - start),
    attributes: expectedAttributes(span.attributes),
    events: span.events.map((event) => ({
      name: event.name,
      timeUnixMs: nanosToMs(hrTimeToNanos(event.time)),
      attributes: expectedAttributes(event.attributes),
    })),
    links: span.links.map((link) => ({
      traceId: link.context.traceId,
      spanId: link.context.spanId,
      traceState: link.context.traceState?.serialize() ?? '',
      attributes: expectedAttributes(link.attributes),
    })),
    status: { code: span.status.code, message: span.status.message ?? '' },
    resource: {
      attributes: expectedAttributes(span.resource.attributes),
      serviceName: typeof serviceName === 'string' ? serviceName : 'unknown_service',
    },
    scope: { name: span.instrumentationScope.name, version: span.instrumentationScope.version ?? '' },
  };
}
