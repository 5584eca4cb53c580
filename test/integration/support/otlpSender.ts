/**
 * Sends spans to a running receiver the way a real service does: spans made by the OpenTelemetry JS SDK, exported by
 * `@opentelemetry/exporter-trace-otlp-proto` over HTTP. Timestamps are explicit so durations (and hence the expected
 * p50/p95) are exact.
 */
import { SpanStatusCode } from '@opentelemetry/api';
import type { Attributes, HrTime } from '@opentelemetry/api';
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
}

export interface SentSpan {
  name: string;
  traceId: string;
  spanId: string;
  endUnixMs: number;
}

function hrTime(unixMs: number): HrTime {
  return [Math.floor(unixMs / 1000), (unixMs % 1000) * 1_000_000];
}

/**
 * Each span is a root span (its own trace), ending in the order given, 100 ms apart, in the recent past.
 * Resolves once the exporter reports success; rejects with the exporter's error otherwise.
 */
export async function sendSpans(receiverAddress: string, serviceName: string, spans: SpanToSend[]): Promise<SentSpan[]> {
  const collected = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': serviceName }),
    spanProcessors: [new SimpleSpanProcessor(collected)],
  });
  const tracer = provider.getTracer('span-lens-integration-tests');
  const firstStart = Math.floor(Date.now()) - 60_000;
  const sent: SentSpan[] = [];
  spans.forEach((spec, index) => {
    const startMs = firstStart + index * 100;
    const endMs = startMs + spec.durationMs;
    const span = tracer.startSpan(spec.name, { startTime: hrTime(startMs), attributes: spec.attributes });
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
