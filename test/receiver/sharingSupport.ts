/** Helpers for the port-sharing tests: a real JS SDK exporting named spans, a free port, waiting on a condition. */
import * as net from 'node:net';
import { OTLPTraceExporter as ProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { OTLPTraceExporter as GrpcExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { ExportResultCode } from '@opentelemetry/core';
import type { ExportResult } from '@opentelemetry/core';

/** One service exporting through a real OTLP exporter; `send` ends spans with the given names and flushes them. */
export class ExportingService {
  private readonly provider: BasicTracerProvider;
  /** Exports that failed for good (after the exporter's own retries). */
  failures: string[] = [];

  constructor(readonly exporter: SpanExporter) {
    const counting: SpanExporter = {
      export: (spans: ReadableSpan[], done: (result: ExportResult) => void) =>
        exporter.export(spans, (result) => {
          if (result.code !== ExportResultCode.SUCCESS) {
            this.failures.push(String(result.error));
          }
          done(result);
        }),
      shutdown: () => exporter.shutdown(),
      forceFlush: () => exporter.forceFlush?.() ?? Promise.resolve(),
    };
    this.provider = new BasicTracerProvider({
      resource: resourceFromAttributes({ 'service.name': 'shared-port-test' }),
      spanProcessors: [new SimpleSpanProcessor(counting)],
    });
  }

  static proto(port: number, gzip = false): ExportingService {
    type Config = NonNullable<ConstructorParameters<typeof ProtoExporter>[0]>;
    // The simple processor exports each span on its own: let them all be in flight at once.
    const config: Config = { url: `http://127.0.0.1:${port}/v1/traces`, concurrencyLimit: 1000, ...(gzip ? { compression: 'gzip' as NonNullable<Config['compression']> } : {}) };
    return new ExportingService(new ProtoExporter(config));
  }

  static grpc(port: number): ExportingService {
    return new ExportingService(new GrpcExporter({ url: `http://127.0.0.1:${port}`, concurrencyLimit: 1000 }));
  }

  /** Resolves once every span's export ended (the exporter retries on connection refused); see `failures`. */
  async send(names: string[]): Promise<void> {
    const tracer = this.provider.getTracer('sharing-test');
    for (const name of names) {
      tracer.startSpan(name).end();
    }
    await this.provider.forceFlush();
  }

  shutdown(): Promise<void> {
    return this.provider.shutdown();
  }
}

export function names(prefix: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => `${prefix}-${i}`);
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Polls until `check` is true; the mocha timeout bounds the wait (no time is asserted). */
export async function until(check: () => boolean, what: () => string): Promise<void> {
  for (let i = 0; !check(); i++) {
    if (i > 0 && i % 200 === 0) {
      console.log(`still waiting: ${what()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
