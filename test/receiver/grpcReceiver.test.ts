/**
 * The OTLP/gRPC receiver against the JS SDK's real gRPC exporter (plain and gzip) and a raw grpc-js client for the
 * refusals: over the size limit (also only after decompression), undecodable, overloaded (with RetryInfo), and
 * logs/metrics answered OK.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import * as http2 from 'node:http2';
import * as net from 'node:net';
import { gzipSync } from 'node:zlib';
import * as grpc from '@grpc/grpc-js';
import { ExportResultCode } from '@opentelemetry/core';
import type { ExportResult } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { RandomIdGenerator } from '@opentelemetry/sdk-trace-base';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { Span } from '../../src/core/model/span';
import { DecodePool } from '../../src/receiver/decodePool';
import { GRPC_CONNECTION_WINDOW_BYTES, GRPC_STREAM_WINDOW_BYTES } from '../../src/receiver/grpcFlowControl';
import { GrpcCallFailed, OtlpGrpcReceiver } from '../../src/receiver/grpcReceiver';
import { PortInUseError } from '../../src/receiver/receiverErrors';
import { protobufBody, sdkSpans, spanIds } from '../unit/receiver/otlpTestSupport';
import { captureWire, decodeExportTraceResponse, decodeStatusDetails, exportRaw } from './grpcTestSupport';

type ExporterConfig = NonNullable<ConstructorParameters<typeof OTLPTraceExporter>[0]>;

function exportWith(exporter: OTLPTraceExporter, spans: ReadableSpan[]): Promise<ExportResult> {
  return new Promise((resolve) => exporter.export(spans as Parameters<OTLPTraceExporter['export']>[0], resolve));
}

describe('OTLP/gRPC receiver', function () {
  this.timeout(60_000);
  let receiver: OtlpGrpcReceiver;
  let port: number;
  let received: Span[];
  let failures: GrpcCallFailed[];

  async function startReceiver(options: ConstructorParameters<typeof OtlpGrpcReceiver>[0] = {}): Promise<void> {
    receiver = new OtlpGrpcReceiver({ port: 0, ...options });
    received = [];
    failures = [];
    receiver.onSpans((batch) => received.push(...batch.spans));
    receiver.onRequestFailed((failure) => failures.push(failure));
    await receiver.start();
    port = receiver.address!.port;
  }

  afterEach(async () => {
    await receiver?.stop();
    receiver?.dispose();
  });

  for (const compression of ['none', 'gzip'] as const) {
    it(`receives every span from the JS SDK's gRPC exporter intact (compression ${compression})`, async () => {
      await startReceiver();
      const spans = await sdkSpans(300, 'grpc-checkout', (i) => ({ 'test.index': i, 'test.label': `span ${i} – ✓`, 'test.ratio': i / 4 }));
      const config = (to: number): ExporterConfig => ({
        url: `http://127.0.0.1:${to}`,
        ...(compression === 'gzip' ? { compression: 'gzip' as ExporterConfig['compression'] } : {}),
      });
      // What this exporter configuration really puts on the wire.
      const wire = await captureWire(async (to) => {
        const probe = new OTLPTraceExporter(config(to));
        await exportWith(probe, spans.slice(0, 10));
        await probe.shutdown();
      });
      assert.equal(wire.compressed, compression === 'gzip');
      const exporter = new OTLPTraceExporter(config(port));
      try {
        const result = await exportWith(exporter, spans);
        assert.equal(result.code, ExportResultCode.SUCCESS, String(result.error));
      } finally {
        await exporter.shutdown();
      }
      assert.deepEqual(received.map((span) => span.spanId).sort(), spanIds(spans).sort());
      const byId = new Map(received.map((span) => [span.spanId, span]));
      for (const sent of spans) {
        const got = byId.get(sent.spanContext().spanId)!;
        assert.equal(got.traceId, sent.spanContext().traceId);
        assert.equal(got.name, sent.name);
        assert.equal(got.resource.serviceName, 'grpc-checkout');
        const index = sent.attributes['test.index'] as number;
        assert.equal(got.attributes['test.index'], index);
        assert.equal(got.attributes['test.label'], `span ${index} – ✓`);
        assert.equal(got.attributes['test.ratio'], index / 4);
      }
      const counters = receiver.counters;
      assert.equal(counters.spans, 300);
      assert.equal(counters.errors, 0);
      assert.ok(counters.requests >= 1);
    });
  }

  it('answers OK with partial success when some spans are unusable', async () => {
    await startReceiver();
    const random = new RandomIdGenerator();
    let first = true;
    const zeroFirstTrace = {
      generateTraceId: () => (first ? ((first = false), '0'.repeat(32)) : random.generateTraceId()),
      generateSpanId: () => random.generateSpanId(),
    };
    const spans = await sdkSpans(4, 'checkout', (i) => ({ i }), zeroFirstTrace);
    const reply = await exportRaw(port, protobufBody(spans));
    assert.equal(reply.code, grpc.status.OK, reply.details);
    const partial = decodeExportTraceResponse(reply.response!);
    assert.equal(partial?.rejectedSpans, 1);
    assert.match(partial?.errorMessage ?? '', /trace id/);
    assert.equal(received.length, 3);
    assert.equal(receiver.counters.rejectedSpans, 1);
  });

  it('answers an all-valid export with an empty response', async () => {
    await startReceiver();
    const reply = await exportRaw(port, protobufBody(await sdkSpans(2)));
    assert.equal(reply.code, grpc.status.OK);
    assert.equal(reply.response?.byteLength, 0);
    assert.equal(received.length, 2);
  });

  it('answers undecodable bytes with INVALID_ARGUMENT and the decoder message', async () => {
    await startReceiver();
    const reply = await exportRaw(port, Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x01]));
    assert.equal(reply.code, grpc.status.INVALID_ARGUMENT);
    assert.ok(reply.details.length > 0);
    assert.equal(received.length, 0);
    assert.equal(receiver.counters.errors, 1);
    assert.deepEqual(failures.map((failure) => failure.codeName), ['INVALID_ARGUMENT']);
  });

  it('refuses a message over the limit with RESOURCE_EXHAUSTED', async () => {
    await startReceiver({ maxBodyBytes: 64 * 1024 });
    const body = protobufBody(await sdkSpans(1, 'big', () => ({ blob: 'x'.repeat(100 * 1024) })));
    const reply = await exportRaw(port, body);
    assert.equal(reply.code, grpc.status.RESOURCE_EXHAUSTED);
    assert.equal(received.length, 0);
    // grpc-js refuses it before our handler: still counted and reported.
    assert.equal(receiver.counters.errors, 1);
    assert.equal(failures.length, 1);
  });

  it('applies the limit after decompression: a small gzip message inflating past it gets RESOURCE_EXHAUSTED', async () => {
    await startReceiver({ maxBodyBytes: 64 * 1024 });
    const body = protobufBody(await sdkSpans(1, 'bomb', () => ({ blob: '0'.repeat(1024 * 1024) })));
    assert.ok(gzipSync(body).byteLength < 64 * 1024, 'the compressed message is under the limit');
    const wire = await captureWire((to) => exportRaw(to, body, { gzip: true }));
    assert.deepEqual({ encoding: wire.grpcEncoding, compressed: wire.compressed, underLimit: wire.wireLength < 64 * 1024 }, { encoding: 'gzip', compressed: true, underLimit: true });
    const reply = await exportRaw(port, body, { gzip: true });
    assert.equal(reply.code, grpc.status.RESOURCE_EXHAUSTED);
    assert.equal(received.length, 0);
    // A small compressed message passes the same receiver.
    const small = await exportRaw(port, protobufBody(await sdkSpans(3)), { gzip: true });
    assert.equal(small.code, grpc.status.OK, small.details);
    assert.equal(received.length, 3);
  });

  it('answers UNAVAILABLE with a google.rpc.RetryInfo trailer when the decoder is overloaded', async () => {
    // No room in the queue: every decode is refused as overload.
    const pool = new DecodePool({ workers: 1, maxQueuedJobs: 0 });
    try {
      await startReceiver({ pool });
      const reply = await exportRaw(port, protobufBody(await sdkSpans(2)));
      assert.equal(reply.code, grpc.status.UNAVAILABLE);
      const details = reply.trailers?.get('grpc-status-details-bin') ?? [];
      assert.equal(details.length, 1, 'one grpc-status-details-bin trailer');
      const status = decodeStatusDetails(details[0] as Buffer);
      assert.equal(status.code, grpc.status.UNAVAILABLE);
      assert.match(status.message, /overloaded/);
      assert.deepEqual(status.details, [{ typeUrl: 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: { seconds: 1, nanos: 0 } }]);
      assert.equal(received.length, 0);
    } finally {
      await receiver.stop();
      await pool.close();
    }
  });

  for (const signal of ['logs', 'metrics'] as const) {
    it(`answers ${signal} exports with an empty OK`, async () => {
      await startReceiver();
      const reply = await exportRaw(port, Buffer.from([0x0a, 0x00]), { signal });
      assert.equal(reply.code, grpc.status.OK, reply.details);
      assert.equal(reply.response?.byteLength, 0);
      assert.equal(received.length, 0);
    });
  }

  it('with an API key, refuses calls without it as UNAUTHENTICATED and accepts Bearer or x-api-key metadata', async () => {
    await startReceiver({ apiKey: 's3cret' });
    const body = (): Promise<Uint8Array> => sdkSpans(1).then(protobufBody);
    assert.equal((await exportRaw(port, await body())).code, grpc.status.UNAUTHENTICATED);
    assert.equal((await exportRaw(port, await body(), { metadata: { authorization: 'Bearer wrong' } })).code, grpc.status.UNAUTHENTICATED);
    assert.equal((await exportRaw(port, Buffer.alloc(0), { signal: 'logs' })).code, grpc.status.UNAUTHENTICATED);
    assert.equal(received.length, 0);
    assert.equal((await exportRaw(port, await body(), { metadata: { authorization: 'Bearer s3cret' } })).code, grpc.status.OK);
    assert.equal((await exportRaw(port, await body(), { metadata: { 'x-api-key': 's3cret' } })).code, grpc.status.OK);
    assert.equal(received.length, 2);
    receiver.setApiKey('');
    assert.equal((await exportRaw(port, await body())).code, grpc.status.OK);
    assert.equal(received.length, 3);
  });

  it('reports a taken port as PortInUseError and can then bind elsewhere', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const taken = (blocker.address() as net.AddressInfo).port;
    try {
      receiver = new OtlpGrpcReceiver({ port: taken });
      await assert.rejects(receiver.start(), (error: unknown) => error instanceof PortInUseError && error.port === taken);
      assert.equal(receiver.listening, false);
    } finally {
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
    }
    await startReceiver();
    assert.ok(receiver.listening);
    assert.equal(receiver.endpoint, `http://127.0.0.1:${port}`);
  });

  /** What a client connecting to `port` is allowed to send: the server's stream window and its connection window. */
  async function windowsOffered(to: number): Promise<{ stream: number; connection: number }> {
    const session = http2.connect(`http://127.0.0.1:${to}`);
    try {
      await once(session, 'remoteSettings');
      // The connection window arrives as a WINDOW_UPDATE right after the settings.
      const deadline = Date.now() + 5000;
      while ((session.state.remoteWindowSize ?? 0) < GRPC_CONNECTION_WINDOW_BYTES && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      return { stream: session.remoteSettings.initialWindowSize ?? 0, connection: session.state.remoteWindowSize ?? 0 };
    } finally {
      session.close();
    }
  }

  it('offers clients wide HTTP/2 flow-control windows, again after a restart, and still takes large exports', async () => {
    await startReceiver();
    assert.equal(receiver.widenedFlowControl, true);
    assert.deepEqual(await windowsOffered(port), { stream: GRPC_STREAM_WINDOW_BYTES, connection: GRPC_CONNECTION_WINDOW_BYTES });
    // A restarted receiver (a port takeover does this) widens its new server's sessions too.
    await receiver.stop();
    assert.equal(receiver.widenedFlowControl, false);
    await receiver.start();
    port = receiver.address!.port;
    assert.equal(receiver.widenedFlowControl, true);
    assert.deepEqual(await windowsOffered(port), { stream: GRPC_STREAM_WINDOW_BYTES, connection: GRPC_CONNECTION_WINDOW_BYTES });
    // Exports over twice the stream window arrive whole, three at once.
    const spans = await sdkSpans(3000, 'grpc-wide', (i) => ({ 'test.index': i, 'test.payload': `${'x'.repeat(600)} ${i}` }));
    const body = protobufBody(spans);
    assert.ok(body.byteLength > 2 * GRPC_STREAM_WINDOW_BYTES, `export of ${body.byteLength} bytes`);
    const replies = await Promise.all([1, 2, 3].map(() => exportRaw(port, body)));
    assert.deepEqual(
      replies.map((reply) => reply.code),
      [grpc.status.OK, grpc.status.OK, grpc.status.OK],
    );
    assert.equal(received.length, 3 * spans.length);
  });

  it('stops listening on stop()', async () => {
    await startReceiver();
    await receiver.stop();
    assert.equal(receiver.address, undefined);
    const reply = await exportRaw(port, protobufBody(await sdkSpans(1)));
    assert.equal(reply.code, grpc.status.UNAVAILABLE);
  });
});
