/**
 * Span store figures: retained bytes per span (span objects plus the store, and the store's own overhead) and add
 * throughput. Spans have the benchmark shape (~10 attributes) and are built as a decoder builds them: every string
 * decoded from bytes, so nothing is shared or interned that a real decoder would not share.
 *
 * Standalone: `node --expose-gc out/bench/storeBench.js` (without --expose-gc it turns gc on itself).
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { BenchRow } from './benchTypes';
import { QuantileSketch } from '../src/core/model/quantileSketch';
import { SpanStore } from '../src/core/model/spanStore';
import { Resource, SourceLocation, Span, SpanKind, SpanLocator, StatusCode } from '../src/core/model/span';
import { materializeBatch } from '../src/receiver/tapePack';
import { encodeSpans } from '../src/core/otlp/spanTape';

const SPAN_COUNT = 100_000;
const SPANS_PER_TRACE = 10;
const BATCH_SIZE = 512;
const DISTINCT_NAMES = 20;
const THROUGHPUT_RUNS = 5;

/** Decodes `text` from bytes, so each call yields a distinct heap string, as a protobuf/JSON decoder's would be. */
const scratch = Buffer.alloc(4096);
function decoded(text: string): string {
  const length = scratch.write(text, 0, 'utf8');
  return scratch.toString('utf8', 0, length);
}

function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 4294967296;
  };
}

function hex(random: () => number, digits: number): string {
  let out = '';
  while (out.length < digits) out += Math.floor(random() * 0x100000000).toString(16).padStart(8, '0');
  return out.slice(0, digits);
}

/** Spans in 512-span "requests": one Resource and scope per request, as the decoders share them. */
function buildSpans(count: number, seed: number): Span[] {
  const random = seeded(seed);
  const spans: Span[] = [];
  let resource: Resource | undefined;
  let scope = { name: '', version: '' };
  let traceIdHex = '';
  let rootId = '';
  const t0 = 1_700_000_000_000;
  for (let i = 0; i < count; i++) {
    if (i % BATCH_SIZE === 0) {
      const service = i % (2 * BATCH_SIZE) === 0 ? 'order-service' : 'inventory-service';
      resource = {
        serviceName: decoded(service),
        attributes: {
          [decoded('service.name')]: decoded(service),
          [decoded('telemetry.sdk.language')]: decoded('go'),
          [decoded('telemetry.sdk.version')]: decoded('1.35.0'),
        },
      };
      scope = { name: decoded('go.opentelemetry.io/contrib/instrumentation/github.com/gin-gonic/gin/otelgin'), version: decoded('0.60.0') };
    }
    const isRoot = i % SPANS_PER_TRACE === 0;
    if (isRoot) {
      traceIdHex = hex(random, 32);
    }
    const spanIdHex = hex(random, 16);
    const orderId = Math.floor(random() * 1e6);
    const start = t0 + i * 3 + random();
    spans.push({
      traceId: decoded(traceIdHex),
      spanId: decoded(spanIdHex),
      parentSpanId: isRoot ? '' : decoded(rootId),
      traceState: '',
      name: decoded(isRoot ? 'GET /orders/:id' : `op-${i % DISTINCT_NAMES}`),
      kind: isRoot ? SpanKind.Server : SpanKind.Internal,
      startTimeUnixMs: start,
      durationMs: Math.exp(1 + 1.5 * (random() - 0.5)),
      attributes: {
        [decoded('http.request.method')]: decoded(random() < 0.8 ? 'GET' : 'POST'),
        [decoded('url.path')]: decoded(`/orders/${orderId}`),
        [decoded('http.route')]: decoded('/orders/:id'),
        [decoded('http.response.status_code')]: random() < 0.95 ? 200 : 500,
        [decoded('server.address')]: decoded('orders.shop.svc.cluster.local'),
        [decoded('server.port')]: 8080,
        [decoded('user_agent.original')]: decoded('Go-http-client/1.1'),
        [decoded('client.address')]: decoded(`10.0.${Math.floor(random() * 255)}.${Math.floor(random() * 255)}`),
        [decoded('network.protocol.version')]: decoded('1.1'),
        [decoded('order.id')]: decoded(String(orderId)),
      },
      events: [],
      links: [],
      status: random() < 0.03 ? { code: StatusCode.Error, message: decoded('upstream timeout') } : { code: StatusCode.Unset, message: '' },
      resource: resource as Resource,
      scope,
    });
    if (isRoot) {
      rootId = spanIdHex;
    }
  }
  return spans;
}

/** A cheap real locator (by span name), so the figures are the store's cost and not a mapper's. */
function nameLocator(): SpanLocator {
  const places = new Map<string, SourceLocation>();
  return {
    locate(span: Span): SourceLocation | undefined {
      let place = places.get(span.name);
      if (!place) {
        place = { file: '/ws/orders/handler.go', line: 10 + places.size, via: 'span-name' };
        places.set(span.name, place);
      }
      return place;
    },
  };
}

function obtainGc(): () => void {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (exposed) {
    return exposed;
  }
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

function heapAfterGc(gc: () => void): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

/** Heap plus ArrayBuffer memory (where a store keeps packed batches), after GC. */
function memoryAfterGc(gc: () => void): number {
  gc();
  gc();
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.arrayBuffers;
}

/** Memory per span of a store holding batches packed, as they come from the decode worker; the batches' span objects dropped. */
function packedBytesPerSpan(gc: () => void): { total: number; heap: number } {
  const heapBefore = heapAfterGc(gc);
  const before = memoryAfterGc(gc);
  let spans: Span[] | undefined = buildSpans(SPAN_COUNT, 3);
  const store = new SpanStore({ maxSpans: SPAN_COUNT * 2, locator: nameLocator() });
  for (let i = 0; i < spans.length; i += BATCH_SIZE) {
    const batch = materializeBatch(structuredClone(encodeSpans(spans.slice(i, i + BATCH_SIZE))));
    store.add(batch.spans, batch.pack);
  }
  spans = undefined;
  const after = memoryAfterGc(gc);
  const heapAfter = heapAfterGc(gc);
  if (store.totals().spansStored !== SPAN_COUNT) {
    throw new Error(`store kept ${store.totals().spansStored} of ${SPAN_COUNT} spans`);
  }
  // Read once more so the store, and the spans it rebuilds, are live until here.
  if (!store.getTrace(store.traceIds()[0])) {
    throw new Error('packed trace missing');
  }
  return { total: (after - before) / SPAN_COUNT, heap: (heapAfter - heapBefore) / SPAN_COUNT };
}

function fill(store: SpanStore, spans: Span[]): void {
  for (let i = 0; i < spans.length; i += BATCH_SIZE) {
    store.add(spans.slice(i, i + BATCH_SIZE));
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function spansPerSecond(spans: Span[], maxSpans: number): number {
  const rates: number[] = [];
  for (let run = 0; run < THROUGHPUT_RUNS; run++) {
    const store = new SpanStore({ maxSpans, locator: nameLocator() });
    const started = process.hrtime.bigint();
    fill(store, spans);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    rates.push(spans.length / seconds);
  }
  return median(rates);
}

export async function runStoreBench(): Promise<BenchRow[]> {
  const gc = obtainGc();
  const rows: BenchRow[] = [];

  // Memory: span objects first, then the store over them, then the store alone holding them.
  const before = heapAfterGc(gc);
  let spans: Span[] | undefined = buildSpans(SPAN_COUNT, 1);
  const withSpans = heapAfterGc(gc);
  const store = new SpanStore({ maxSpans: SPAN_COUNT * 2, locator: nameLocator() });
  fill(store, spans);
  const withStore = heapAfterGc(gc);
  spans = undefined;
  const storeOnly = heapAfterGc(gc);
  const totals = store.totals();
  if (totals.spansStored !== SPAN_COUNT) {
    throw new Error(`store kept ${totals.spansStored} of ${SPAN_COUNT} spans`);
  }
  const shape = `${SPAN_COUNT.toLocaleString('en-US')} spans, 10 attributes, ${SPANS_PER_TRACE}/trace`;
  rows.push({ name: 'retained bytes/span', value: (storeOnly - before) / SPAN_COUNT, unit: 'B/span', note: `span objects + store; ${shape}` });
  rows.push({ name: 'store overhead bytes/span', value: (withStore - withSpans) / SPAN_COUNT, unit: 'B/span', note: 'indexes and statistics, spans not counted' });
  rows.push({ name: 'span object bytes/span', value: (withSpans - before) / SPAN_COUNT, unit: 'B/span', note: 'as a decoder builds them' });

  const packed = packedBytesPerSpan(gc);
  rows.push({
    name: 'retained bytes/span, packed',
    value: packed.total,
    unit: 'B/span',
    note: `batches held as the receiver delivers them (tape, places and strings in the arena); of which heap ${packed.heap.toFixed(0)} B`,
  });

  const relocateStart = process.hrtime.bigint();
  store.relocate();
  rows.push({ name: 'relocate 100k retained spans', value: Number(process.hrtime.bigint() - relocateStart) / 1e6, unit: 'ms' });
  store.clear();

  // Throughput on a fresh set, so the figures above do not depend on what the runs below leave behind.
  const throughputSpans = buildSpans(SPAN_COUNT, 2);
  spansPerSecond(throughputSpans.slice(0, 20_000), SPAN_COUNT); // warm-up: let the JIT settle first
  rows.push({ name: 'add throughput', value: spansPerSecond(throughputSpans, SPAN_COUNT * 2), unit: 'spans/s', note: `${BATCH_SIZE}-span batches, no eviction, median of ${THROUGHPUT_RUNS}` });
  rows.push({ name: 'add throughput, evicting', value: spansPerSecond(throughputSpans, SPAN_COUNT / 5), unit: 'spans/s', note: `cap ${SPAN_COUNT / 5}: steady eviction` });

  const durations = throughputSpans.map((s) => s.durationMs);
  const sketch = new QuantileSketch();
  const sketchStart = process.hrtime.bigint();
  for (let round = 0; round < 10; round++) {
    for (const d of durations) sketch.add(d);
  }
  rows.push({ name: 'quantile sketch add', value: (10 * durations.length) / (Number(process.hrtime.bigint() - sketchStart) / 1e9), unit: 'adds/s', note: `${sketch.bucketCount} buckets in use` });
  return rows;
}

if (require.main === module) {
  runStoreBench().then(
    (rows) => {
      for (const row of rows) {
        console.log(`${row.name.padEnd(32)} ${row.value.toFixed(row.value >= 100 ? 0 : 2).padStart(14)} ${row.unit.padEnd(8)} ${row.note ?? ''}`);
      }
    },
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
