import assert from 'node:assert/strict';
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { Span } from '../../../src/core/model/span';
import { decodeTraceRequestJson, decodeTraceRequestProtobuf, type DecodedTraceRequest } from '../../../src/core/otlp';
import { expectedSpan, generateSdkSpans } from './sdkSpans';

/** Decoded spans come grouped by resource and scope, not in SDK order: match them by span id. */
function assertSameSpans(decoded: DecodedTraceRequest, sdkSpans: ReadableSpan[], seed: number): void {
  assert.equal(decoded.rejectedSpans, 0, `seed ${seed}: ${decoded.rejectionMessage}`);
  assert.equal(decoded.rejectionMessage, '');
  assert.equal(decoded.spans.length, sdkSpans.length, `seed ${seed}: span count`);
  const bySpanId = new Map<string, Span>(decoded.spans.map((span) => [span.spanId, span]));
  assert.equal(bySpanId.size, sdkSpans.length, `seed ${seed}: span ids must be unique`);
  for (const sdkSpan of sdkSpans) {
    const span = bySpanId.get(sdkSpan.spanContext().spanId);
    assert.ok(span, `seed ${seed}: span ${sdkSpan.spanContext().spanId} missing`);
    assert.deepStrictEqual(span, expectedSpan(sdkSpan), `seed ${seed}: span ${sdkSpan.name}`);
  }
}

/** Spans of one SDK resource / scope share one decoded Resource / InstrumentationScope object. */
function assertSharedObjects(decoded: DecodedTraceRequest, sdkSpans: ReadableSpan[]): void {
  const bySpanId = new Map(decoded.spans.map((span) => [span.spanId, span]));
  const resources = new Map<unknown, unknown>();
  for (const sdkSpan of sdkSpans) {
    const span = bySpanId.get(sdkSpan.spanContext().spanId)!;
    const seen = resources.get(sdkSpan.resource);
    if (seen === undefined) {
      resources.set(sdkSpan.resource, span.resource);
    } else {
      assert.equal(span.resource, seen, 'spans of one resource share its object');
    }
  }
  assert.equal(new Set(decoded.spans.map((span) => span.resource)).size, resources.size);
}

const SEEDS = [1, 2, 3, 42, 1234, 99991];

describe('OTLP decoders against the OpenTelemetry JS SDK (differential)', () => {
  for (const seed of SEEDS) {
    it(`protobuf from ProtobufTraceSerializer decodes to the SDK spans (seed ${seed})`, () => {
      const sdkSpans = generateSdkSpans(seed, 120);
      const decoded = decodeTraceRequestProtobuf(ProtobufTraceSerializer.serializeRequest(sdkSpans)!);
      assertSameSpans(decoded, sdkSpans, seed);
      assertSharedObjects(decoded, sdkSpans);
    });

    it(`JSON from JsonTraceSerializer decodes to the SDK spans (seed ${seed})`, () => {
      const sdkSpans = generateSdkSpans(seed, 120);
      const bytes = JsonTraceSerializer.serializeRequest(sdkSpans)!;
      const decoded = decodeTraceRequestJson(new TextDecoder().decode(bytes));
      assertSameSpans(decoded, sdkSpans, seed);
      assertSharedObjects(decoded, sdkSpans);
    });
  }

  it('both encodings of the same spans decode identically', () => {
    const sdkSpans = generateSdkSpans(7, 200);
    const fromProtobuf = decodeTraceRequestProtobuf(ProtobufTraceSerializer.serializeRequest(sdkSpans)!);
    const fromJson = decodeTraceRequestJson(new TextDecoder().decode(JsonTraceSerializer.serializeRequest(sdkSpans)!));
    assert.deepStrictEqual(fromJson, fromProtobuf);
  });

  it('the generator really exercises every part of the model', () => {
    const spans = generateSdkSpans(3, 300).map(expectedSpan) as Span[];
    const values = spans.flatMap((span) => Object.values(span.attributes));
    assert.ok(values.some((value) => Array.isArray(value)), 'arrays');
    assert.ok(values.some((value) => value !== null && typeof value === 'object' && !Array.isArray(value)), 'kvlists');
    assert.ok(values.some((value) => typeof value === 'number' && !Number.isInteger(value)), 'doubles');
    assert.ok(values.some((value) => typeof value === 'number' && value < 0), 'negative ints');
    assert.ok(values.some((value) => typeof value === 'boolean'), 'booleans');
    assert.ok(spans.some((span) => span.events.length > 0 && span.links.length > 0), 'events and links');
    assert.ok(spans.some((span) => span.traceState !== '' && span.parentSpanId !== ''), 'trace state and parents');
    assert.ok(spans.some((span) => span.status.code === 2 && span.status.message !== ''), 'error status');
    assert.equal(new Set(spans.map((span) => span.kind)).size, 5, 'every kind');
    assert.ok(spans.some((span) => span.resource.serviceName === 'unknown_service'), 'resource without service.name');
  });
});
