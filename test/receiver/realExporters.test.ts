/**
 * The receiver against the real OpenTelemetry JS exporters from npm (protobuf and JSON over HTTP, plain and gzip),
 * driven by the real SDK: every span sent arrives, none twice, with its data intact.
 */
import assert from 'node:assert/strict';
import { SpanKind, SpanStatusCode, context, trace } from '@opentelemetry/api';
import type { AttributeValue as OtelAttributeValue, Attributes as OtelAttributes } from '@opentelemetry/api';
import { OTLPTraceExporter as JsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import type { ReadableSpan, SpanExporter, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { Span } from '../../src/core/model/span';
import { OtlpHttpReceiver, SpansReceived } from '../../src/receiver';

type ExporterConfig = NonNullable<ConstructorParameters<typeof ProtoExporter>[0]>;
const GZIP = 'gzip' as NonNullable<ExporterConfig['compression']>;

interface Scenario {
  exporter: 'proto' | 'json';
  gzip: boolean;
  processor: 'batch' | 'simple';
  spans: number;
}

const scenarios: Scenario[] = [];
for (const exporter of ['proto', 'json'] as const) {
  for (const gzip of [false, true]) {
    scenarios.push({ exporter, gzip, processor: 'batch', spans: 1200 });
    scenarios.push({ exporter, gzip, processor: 'simple', spans: 40 });
  }
}

function makeExporter(scenario: Scenario, port: number): SpanExporter {
  const config: ExporterConfig = {
    url: `http://127.0.0.1:${port}/v1/traces`,
    // The simple processor exports every span the moment it ends: allow them all in flight at once.
    concurrencyLimit: 100,
    ...(scenario.gzip ? { compression: GZIP } : {}),
  };
  return scenario.exporter === 'proto' ? new ProtoExporter(config) : new JsonExporter(config);
}

/** Produces `count` spans in small traces (a root with children), with attributes of every type, events and errors. */
function produce(provider: BasicTracerProvider, count: number): void {
  const tracer = provider.getTracer('checkout-instrumentation', '2.3.4');
  let made = 0;
  let traceNo = 0;
  while (made < count) {
    const root = tracer.startSpan(`GET /orders/${traceNo}`, {
      kind: SpanKind.SERVER,
      attributes: { 'http.route': '/orders/:id', 'http.response.status_code': 200, 'code.file.path': '/src/orders.go', 'code.line.number': 40 + (traceNo % 7) },
    });
    made++;
    const parentContext = trace.setSpan(context.active(), root);
    for (let child = 0; child < 4 && made < count; child++, made++) {
      const span = tracer.startSpan(
        `db.query ${child}`,
        {
          kind: SpanKind.CLIENT,
          attributes: {
            'db.system': 'postgresql',
            'db.rows': child * 10,
            'db.ratio': child + 0.25,
            'db.cached': child % 2 === 0,
            'db.tables': ['orders', `t${child}`],
            'db.ids': [1, 2, child],
            'unicode.value': 'Grüße – 注文 🚀',
          },
        },
        parentContext,
      );
      span.addEvent('rows fetched', { rows: child });
      if (child === 3) {
        span.setStatus({ code: SpanStatusCode.ERROR, message: 'deadline exceeded' });
      }
      span.end();
    }
    root.end();
    traceNo++;
  }
}

function toMs(time: [number, number]): number {
  return time[0] * 1000 + time[1] / 1e6;
}

/** OTel attribute values as our model holds them (the SDK drops undefined; arrays stay arrays). */
function expectedAttributes(attributes: OtelAttributes): Record<string, OtelAttributeValue> {
  return Object.fromEntries(Object.entries(attributes).filter(([, value]) => value !== undefined)) as Record<string, OtelAttributeValue>;
}

function assertSameSpan(got: Span, sent: ReadableSpan): void {
  const context = sent.spanContext();
  assert.equal(got.traceId, context.traceId);
  assert.equal(got.name, sent.name);
  // The API numbers kinds from INTERNAL = 0; OTLP from UNSPECIFIED = 0, INTERNAL = 1.
  assert.equal(got.kind, sent.kind + 1);
  assert.equal(got.parentSpanId, sent.parentSpanContext?.spanId ?? '');
  assert.deepEqual(got.attributes, expectedAttributes(sent.attributes));
  assert.equal(got.status.code, sent.status.code);
  assert.equal(got.status.message, sent.status.message ?? '');
  assert.deepEqual(got.events.map((e) => [e.name, e.attributes]), sent.events.map((e) => [e.name, e.attributes ?? {}]));
  assert.equal(got.resource.serviceName, 'checkout');
  assert.equal(got.resource.attributes['deployment.environment.name'], 'test');
  assert.deepEqual(got.scope, { name: 'checkout-instrumentation', version: '2.3.4' });
  // Data equality, not timing: the duration must survive encoding to within float rounding.
  assert.ok(Math.abs(got.durationMs - toMs(sent.duration)) < 1e-6, `duration ${got.durationMs} vs ${toMs(sent.duration)}`);
  assert.ok(Math.abs(got.startTimeUnixMs - toMs(sent.startTime)) < 1e-3, 'start time');
}

describe('receiver with the real OpenTelemetry JS exporters', function () {
  this.timeout(60_000);
  let receiver: OtlpHttpReceiver;
  let batches: SpansReceived[];

  beforeEach(async () => {
    receiver = new OtlpHttpReceiver({ port: 0 });
    batches = [];
    receiver.onSpans((batch) => batches.push(batch));
    await receiver.start();
  });

  afterEach(async () => {
    await receiver.stop();
  });

  for (const scenario of scenarios) {
    const label = `${scenario.exporter === 'proto' ? 'exporter-trace-otlp-proto' : 'exporter-trace-otlp-http (JSON)'}, ${scenario.processor} processor${scenario.gzip ? ', gzip' : ''}`;
    it(`${label}: every span arrives once, intact`, async () => {
      const sentRecorder = new InMemorySpanExporter();
      const exporter = makeExporter(scenario, receiver.address?.port ?? 0);
      const processor: SpanProcessor =
        scenario.processor === 'batch'
          ? new BatchSpanProcessor(exporter, { maxExportBatchSize: 256, maxQueueSize: 4096, scheduledDelayMillis: 20 })
          : new SimpleSpanProcessor(exporter);
      const provider = new BasicTracerProvider({
        resource: resourceFromAttributes({ 'service.name': 'checkout', 'deployment.environment.name': 'test' }),
        spanProcessors: [new SimpleSpanProcessor(sentRecorder), processor],
      });
      produce(provider, scenario.spans);
      await provider.forceFlush();
      // Read before shutdown: shutting the provider down resets the in-memory exporter.
      const sent = sentRecorder.getFinishedSpans();
      await provider.shutdown();

      assert.equal(sent.length, scenario.spans);
      const received = batches.flatMap((batch) => batch.spans);
      const receivedIds = received.map((span) => span.spanId);
      assert.equal(new Set(receivedIds).size, receivedIds.length, 'no span arrived twice');
      assert.deepEqual(new Set(receivedIds), new Set(sent.map((span) => span.spanContext().spanId)), 'every span arrived');

      const byId = new Map(received.map((span) => [span.spanId, span]));
      for (const span of sent) {
        assertSameSpan(byId.get(span.spanContext().spanId) as Span, span);
      }
      assert.ok(batches.every((batch) => batch.encoding === (scenario.exporter === 'proto' ? 'protobuf' : 'json')));
      assert.ok(batches.every((batch) => batch.gzip === scenario.gzip), 'the exporter compressed as configured');
      if (scenario.processor === 'batch') {
        assert.ok(batches.length > 1 && batches.length < scenario.spans, `spans came in batches (${batches.length})`);
      }
      assert.equal(receiver.counters.errors, 0);
      assert.equal(receiver.counters.spans, scenario.spans);
    });
  }
});
