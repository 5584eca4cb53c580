/**
 * Sends spans to a running receiver the way a real service does: spans made by the OpenTelemetry JS SDK, exported by
 * `@opentelemetry/exporter-trace-otlp-proto` over HTTP. Timestamps are explicit so durations (and hence the expected
 * p50/p95) are exact.
 */
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, TraceFlags, trace } from '@opentelemetry/api';
import type { Attributes, Context, HrTime, Span } from '@opentelemetry/api';
import { ExportResultCode } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';

export interface SpanToSend {
  name: string;
  durationMs: number;
  attributes?: Attributes;
  /** Status Error with this message. */
  error?: string;
  kind?: SpanKind;
  /** Starts this many ms after the batch's first span (default: 100 ms after the previous span of the list). */
  startMs?: number;
  /** Index (in the list) of an earlier span this one is a child of. */
  childOf?: number;
  /** A parent that lives elsewhere and is never sent: only its context reached this service. */
  remoteParent?: { traceId: string; spanId: string };
}

export interface SentSpan {
  name: string;
  traceId: string;
  spanId: string;
  endUnixMs: number;
}

function parentContext(spec: SpanToSend, started: Span[]): Context {
  if (spec.childOf !== undefined) {
    return trace.setSpan(ROOT_CONTEXT, started[spec.childOf]);
  }
  if (spec.remoteParent) {
    return trace.setSpanContext(ROOT_CONTEXT, { ...spec.remoteParent, traceFlags: TraceFlags.SAMPLED, isRemote: true });
  }
  return ROOT_CONTEXT;
}

function hrTime(unixMs: number): HrTime {
  return [Math.floor(unixMs / 1000), (unixMs % 1000) * 1_000_000];
}

/**
 * Each span is a root span (its own trace) unless it names a parent, started in the order given, 100 ms apart unless
 * `startMs` says otherwise, in the recent past.
 * Resolves once the exporter reports success; rejects with the exporter's error otherwise.
 */
export async function sendSpans(
  receiverAddress: string,
  serviceName: string,
  spans: SpanToSend[],
  /** Where `startMs` counts from: pass the same value to time spans of several services against each other. */
  firstStart = Math.floor(Date.now()) - 60_000,
): Promise<SentSpan[]> {
  const collected = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': serviceName }),
    spanProcessors: [new SimpleSpanProcessor(collected)],
  });
  const tracer = provider.getTracer('span-lens-integration-tests');
  const sent: SentSpan[] = [];
  const started: Span[] = [];
  spans.forEach((spec, index) => {
    const startMs = firstStart + (spec.startMs ?? index * 100);
    const endMs = startMs + spec.durationMs;
    const span = tracer.startSpan(spec.name, { startTime: hrTime(startMs), attributes: spec.attributes, kind: spec.kind }, parentContext(spec, started));
    started.push(span);
    if (spec.error !== undefined) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: spec.error });
    }
    span.end(hrTime(endMs));
    const { traceId, spanId } = span.spanContext();
    sent.push({ name: spec.name, traceId, spanId, endUnixMs: endMs });
  });
  await provider.forceFlush();
  const finished = collected.getFinishedSpans();
  await provider.shutdown();

  const exporter = new OTLPTraceExporter({ url: `http://${receiverAddress}/v1/traces` });
  try {
    await new Promise<void>((resolve, reject) => {
      exporter.export(finished, (result) => {
        if (result.code === ExportResultCode.SUCCESS) {
          resolve();
        } else {
          reject(result.error ?? new Error('OTLP export failed'));
        }
      });
    });
  } finally {
    await exporter.shutdown();
  }
  return sent;
}
