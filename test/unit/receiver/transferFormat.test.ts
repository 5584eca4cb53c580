import assert from 'node:assert/strict';
import * as path from 'node:path';
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import type { Attributes, Resource, Span } from '../../../src/core/model/span';
import { decodeTraceRequestJson, decodeTraceRequestProtobuf } from '../../../src/core/otlp';
import { DecodePool } from '../../../src/receiver';
import { decodePayload } from '../../../src/receiver/decodePayload';
import { encodeSpans, materializeSpans } from '../../../src/receiver/transferFormat';
import { generateSdkSpans } from '../otlp/sdkSpans';

/** Through the tape and back, with the tape copied as postMessage would (strings and floats survive a clone). */
function roundTrip(spans: Span[]): Span[] {
  return materializeSpans(structuredClone(encodeSpans(spans)));
}

function span(resource: Resource, attributes: Attributes, overrides: Partial<Span> = {}): Span {
  return {
    traceId: '0af7651916cd43dd8448eb211c80319c',
    spanId: 'b7ad6b7169203331',
    parentSpanId: '',
    traceState: '',
    name: 'op',
    kind: 2,
    startTimeUnixMs: 1_700_000_000_123.456,
    durationMs: 12.5,
    attributes,
    events: [],
    links: [],
    status: { code: 0, message: '' },
    resource,
    scope: { name: 'lib', version: '1.0' },
    ...overrides,
  };
}

describe('span transfer tape', () => {
  for (const seed of [1, 2, 42, 1234]) {
    it(`reproduces the protobuf and JSON decoders' output for SDK spans (seed ${seed})`, () => {
      const sdkSpans = generateSdkSpans(seed, 150);
      const fromProtobuf = decodeTraceRequestProtobuf(ProtobufTraceSerializer.serializeRequest(sdkSpans)!).spans;
      const fromJson = decodeTraceRequestJson(new TextDecoder().decode(JsonTraceSerializer.serializeRequest(sdkSpans)!)).spans;
      for (const decoded of [fromProtobuf, fromJson]) {
        const received = roundTrip(decoded);
        assert.deepStrictEqual(received, decoded);
        // Sharing: one Resource / scope object per block, as the decoder made them.
        assert.equal(new Set(received.map((s) => s.resource)).size, new Set(decoded.map((s) => s.resource)).size);
        assert.equal(new Set(received.map((s) => s.scope)).size, new Set(decoded.map((s) => s.scope)).size);
        for (let i = 1; i < decoded.length; i++) {
          assert.equal(received[i].resource === received[i - 1].resource, decoded[i].resource === decoded[i - 1].resource);
          assert.equal(received[i].scope === received[i - 1].scope, decoded[i].scope === decoded[i - 1].scope);
        }
      }
    });
  }

  it('keeps edge values exact: -0, NaN, huge numbers, nulls, nesting, empty strings, a __proto__ key', () => {
    const resource: Resource = { attributes: { 'service.name': 'svc', deep: { a: [1, [2, { b: null }]], '': '' } }, serviceName: 'svc' };
    const attributes: Attributes = { zero: -0, nan: NaN, big: 2 ** 60, t: true, f: false, n: null, list: [], obj: {}, 'ü✓': '\u0000\ud83d\ude00' };
    Object.defineProperty(attributes, '__proto__', { value: { x: 1 }, enumerable: true, writable: true, configurable: true });
    const spans = [
      span(resource, attributes, {
        events: [{ name: 'exception', timeUnixMs: 5.25, attributes: { 'exception.message': 'boom' } }],
        links: [{ traceId: '1'.repeat(32), spanId: '2'.repeat(16), traceState: 'k=v', attributes: { n: 1 } }],
        status: { code: 2, message: 'failed' },
      }),
      span(resource, {}, { spanId: 'c7ad6b7169203331', parentSpanId: 'b7ad6b7169203331' }),
    ];
    const received = roundTrip(spans);
    assert.deepStrictEqual(received, spans);
    assert.ok(Object.is(received[0].attributes.zero, -0));
    assert.equal(Object.getPrototypeOf(received[0].attributes), Object.prototype, 'the __proto__ key stays an own property');
    assert.deepEqual(Object.getOwnPropertyDescriptor(received[0].attributes, '__proto__')?.value, { x: 1 });
    assert.equal(received[0].resource, received[1].resource);
    assert.deepStrictEqual(roundTrip([]), []);
  });

  it('refuses what it cannot carry exactly, so the worker falls back to cloning', () => {
    const resource: Resource = { attributes: {}, serviceName: 'svc' };
    assert.throws(() => encodeSpans([span(resource, { when: new Date(0) as unknown as string })]), TypeError);
    assert.throws(() => encodeSpans([{ ...span(resource, {}), extra: 1 } as Span]), TypeError);
    const worker = decodePayload({
      id: 1,
      body: ProtobufTraceSerializer.serializeRequest(generateSdkSpans(3, 5))!.slice().buffer,
      encoding: 'protobuf',
      gzip: false,
      maxBytes: 1 << 20,
    });
    assert.ok(worker.ok && worker.transfer && !worker.spans, 'ordinary payloads travel as a tape');
  });

  it('detects a corrupt tape instead of returning wrong spans', () => {
    const transfer = encodeSpans([span({ attributes: {}, serviceName: 'svc' }, { a: 1 })]);
    assert.throws(() => materializeSpans({ tape: transfer.tape.subarray(0, transfer.tape.length - 1), strings: transfer.strings }));
  });

  it('the decode pool hands the main thread the same spans as decoding in place', async () => {
    const pool = new DecodePool({ workerScript: path.resolve(__dirname, '../../../src/receiver/decodeWorker.js') });
    try {
      const sdkSpans = generateSdkSpans(9, 200);
      const bytes = ProtobufTraceSerializer.serializeRequest(sdkSpans)!;
      const expected = decodeTraceRequestProtobuf(bytes).spans;
      const outcome = await pool.decode(bytes.slice(), 'protobuf', false, 1 << 24);
      assert.ok(outcome.ok);
      assert.deepStrictEqual(outcome.spans, expected);
    } finally {
      await pool.close();
    }
  });
});
