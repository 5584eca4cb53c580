import assert from 'node:assert/strict';
import * as path from 'node:path';
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import type { Attributes, Resource, Span } from '../../../src/core/model/span';
import { decodeTraceRequestJson, decodeTraceRequestProtobuf } from '../../../src/core/otlp';
import { DecodePool } from '../../../src/receiver';
import { decodePayload } from '../../../src/receiver/decodePayload';
import { TapeArena } from '../../../src/core/model/tapeArena';
import { materializeBatch } from '../../../src/receiver/tapePack';
import { encodeSpans, recycleTape, TapeWriter } from '../../../src/core/otlp/spanTape';
import { generateSdkSpans } from '../otlp/sdkSpans';

/** Through the tape and back, with the tape copied as postMessage would (strings and floats survive a clone). */
function roundTrip(spans: Span[]): Span[] {
  return materializeBatch(structuredClone(encodeSpans(spans))).spans;
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
    assert.throws(() => materializeBatch({ tape: transfer.tape.subarray(0, transfer.tape.length - 1), strings: transfer.strings }));
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

  it('through the pool, batches stay exact while kept tapes go back to the workers and are written into again', async () => {
    const pool = new DecodePool({ workerScript: path.resolve(__dirname, '../../../src/receiver/decodeWorker.js'), workers: 1 });
    const arena = new TapeArena();
    try {
      for (let round = 0; round < 6; round++) {
        // Sizes up and down, so a returned buffer is sometimes too small for the next tape.
        const bytes = ProtobufTraceSerializer.serializeRequest(generateSdkSpans(round, [40, 300, 10, 200, 300, 5][round]))!;
        const expected = decodeTraceRequestProtobuf(bytes).spans;
        const outcome = await pool.decode(bytes.slice(), 'protobuf', false, 1 << 24);
        assert.ok(outcome.ok && outcome.pack);
        assert.deepStrictEqual(outcome.spans, expected);
        outcome.pack.hold();
        outcome.pack.keepIn(arena);
        assert.deepStrictEqual(outcome.pack.spanAt(expected.length - 1), expected[expected.length - 1]);
      }
    } finally {
      await pool.close();
    }
  });

  it('through the pool, a worker writes the pages of fresh arena memory, so the main thread does not fault on them', async () => {
    const pool = new DecodePool({ workerScript: path.resolve(__dirname, '../../../src/receiver/decodeWorker.js'), workers: 1 });
    try {
      const pages = 2048;
      const memory = new SharedArrayBuffer(pages * 4096);
      pool.prepareChunk(memory);
      // Messages to a worker are handled in order: once this job is answered, the pages were written.
      const outcome = await pool.decode(ProtobufTraceSerializer.serializeRequest(generateSdkSpans(1, 3))!.slice(), 'protobuf', false, 1 << 24);
      assert.ok(outcome.ok);
      const faultsBefore = process.resourceUsage().minorPageFault;
      const words = new Int32Array(memory);
      for (let i = 0; i < words.length; i += 1024) words[i] = i;
      const faults = process.resourceUsage().minorPageFault - faultsBefore;
      // Untouched, these writes fault once a page; a few faults may come from elsewhere in the process meanwhile.
      assert.ok(faults < pages / 8, `${faults} page faults writing ${pages} pages`);
    } finally {
      await pool.close();
    }
  });

  it('copies a finished tape into memory given back for it when it fits, and into a new buffer when not', () => {
    const resource = { attributes: {}, serviceName: 'svc' };
    const small = encodeSpans([span(resource, { n: 1 })]);
    recycleTape(small.tape.buffer as ArrayBuffer);
    const next = encodeSpans([span(resource, { m: 2 })]);
    assert.equal(next.tape.buffer, small.tape.buffer, 'the given-back buffer is written into');
    assert.deepStrictEqual(roundTrip([span(resource, { m: 2 })]), [span(resource, { m: 2 })]);
    recycleTape(next.tape.buffer as ArrayBuffer);
    const many = Array.from({ length: 200 }, (_, i) => span(resource, { i }, { spanId: i.toString(16).padStart(16, '0') }));
    const large = encodeSpans(many);
    assert.notEqual(large.tape.buffer, next.tape.buffer, 'too small: a new buffer');
    assert.deepStrictEqual(materializeBatch(structuredClone(large)).spans, many);
  });

  it('lets go of a scratch tape grown for one huge request when the next tape starts, and does not keep its memory', () => {
    const huge = new TapeWriter();
    for (let i = 0; i < (1 << 21) + 16; i++) huge.push(i & 0xffff);
    assert.ok(huge.borrow().tape.buffer.byteLength > 4 << 21);
    const hugeCopy = huge.finish();
    const next = new TapeWriter();
    next.push(7);
    assert.equal(next.borrow().tape.buffer.byteLength, 4 << 17, 'back to the usual scratch size');
    recycleTape(hugeCopy.tape.buffer as ArrayBuffer);
    const after = new TapeWriter();
    after.push(8);
    assert.notEqual(after.finish().tape.buffer, hugeCopy.tape.buffer, 'a huge tape is not kept for reuse');
  });
});

describe('span pack', () => {
  /** As the decode pool delivers a batch: through a cloned tape. */
  function delivered(spans: Span[]): ReturnType<typeof materializeBatch> {
    return materializeBatch(structuredClone(encodeSpans(spans)));
  }

  function all<T>(count: number, at: (i: number) => T): T[] {
    return Array.from({ length: count }, (_, i) => at(i));
  }

  it('rebuilds every span equal to the delivered one, before and after a store keeps it in its arena', () => {
    const decoded = decodeTraceRequestProtobuf(ProtobufTraceSerializer.serializeRequest(generateSdkSpans(7, 120))!).spans;
    const { spans, pack } = delivered(decoded);
    assert.equal(pack.size, decoded.length);
    assert.deepStrictEqual(all(pack.size, (i) => pack.spanAt(i)), decoded);
    spans.forEach(() => pack.hold());
    // A chunk smaller than the batch: the region gets a chunk of its own.
    const arena = new TapeArena(1024);
    pack.keepIn(arena);
    assert.equal(arena.counters().liveRegions, 1);
    const rebuilt = all(pack.size, (i) => pack.spanAt(i));
    assert.deepStrictEqual(rebuilt, decoded);
    assert.deepEqual(all(pack.size, (i) => pack.spanIdAt(i)), decoded.map((s) => s.spanId));
    // Resources and scopes stay the very objects delivered with the batch.
    assert.equal(rebuilt[0].resource, spans[0].resource);
    assert.equal(rebuilt[0].scope, spans[0].scope);
  });

  it('keeps strings exact once kept: non-ASCII, surrogate pairs, lone surrogates, empty, and neighbours that could run together', () => {
    const resource = { attributes: { 'service.name': 'ŝvc' }, serviceName: 'ŝvc' };
    const spans = [
      span(resource, { a: '', b: 'x', c: '🚀 üñï', d: ['', 'y', ''], lone: '\ud800x\udc00' }, { name: '', traceState: 'k=v', spanId: '0000000000000001' }),
      span(resource, { a: 'xy', e: { nested: 'ж' } }, { name: 'x', spanId: '0000000000000002', status: { code: 2, message: 'boom ✗' } }),
    ];
    const { pack } = delivered(spans);
    pack.hold();
    pack.hold();
    pack.keepIn(new TapeArena());
    assert.deepStrictEqual(all(2, (i) => pack.spanAt(i)), spans);
    assert.deepEqual(all(2, (i) => pack.spanIdAt(i)), ['0000000000000001', '0000000000000002']);
  });

  it('keeps ASCII strings a byte a character whatever their total length, and reads each back alone', () => {
    for (let extra = 0; extra < 5; extra++) {
      const resource = { attributes: {}, serviceName: 's'.repeat(extra + 1) };
      const spans = [span(resource, { k: 'v'.repeat(extra) }, { name: 'n', spanId: '00000000000000a1' }), span(resource, {}, { name: 'm', spanId: '00000000000000a2' })];
      const transfer = encodeSpans(spans);
      const arena = new TapeArena();
      const { pack } = materializeBatch(structuredClone(transfer));
      pack.hold();
      pack.hold();
      pack.keepIn(arena);
      const characters = transfer.strings.join('').length;
      assert.equal(arena.allocate(1).start, transfer.tape.length + 8 + transfer.strings.length + 1 + Math.ceil(characters / 4));
      assert.deepEqual(all(2, (i) => pack.spanIdAt(i)), ['00000000000000a1', '00000000000000a2']);
      assert.deepStrictEqual(all(2, (i) => pack.spanAt(i)), spans);
    }
  });

  it('frees its region when the last held span is released, and then refuses to be read', () => {
    const arena = new TapeArena(1 << 16);
    const first = delivered([span({ attributes: {}, serviceName: 'a' }, { n: 1 }), span({ attributes: {}, serviceName: 'a' }, { n: 2 }, { spanId: '00000000000000aa' })]).pack;
    const second = delivered([span({ attributes: {}, serviceName: 'b' }, { n: 3 })]).pack;
    first.hold();
    first.hold();
    second.hold();
    first.keepIn(arena);
    second.keepIn(arena);
    first.keepIn(arena); // a second call does nothing
    assert.equal(arena.counters().liveRegions, 2);
    first.release();
    assert.equal(arena.counters().liveRegions, 2);
    first.release();
    assert.equal(arena.counters().liveRegions, 1);
    assert.throws(() => first.spanAt(0), /released/);
    assert.throws(() => first.hold(), /released/);
    assert.throws(() => first.release(), /without hold/);
    assert.deepEqual(second.spanAt(0).attributes, { n: 3 });
    assert.throws(() => second.spanAt(1), RangeError);
  });

  it('keeps every number exact in its 32-bit words: -0, NaN, fractions, huge, negative and the marker value itself', () => {
    const resource = { attributes: {}, serviceName: 'svc' };
    const numbers = { zero: -0, nan: NaN, half: 0.5, big: 2 ** 60, huge: Number.MAX_VALUE, tiny: Number.MIN_VALUE, neg: -7, min: -(2 ** 31), max: 2 ** 31 - 1, over: 2 ** 31, inf: -Infinity };
    const spans = [span(resource, numbers, { startTimeUnixMs: 1_700_000_000_123.4375, durationMs: -0, events: [{ name: 'e', timeUnixMs: 2 ** 31, attributes: { n: -(2 ** 31) } }] })];
    const { pack } = delivered(spans);
    pack.hold();
    pack.keepIn(new TapeArena());
    const kept = pack.spanAt(0);
    assert.deepStrictEqual(kept, spans[0]);
    assert.ok(Object.is(kept.attributes.zero, -0));
    assert.ok(Object.is(kept.durationMs, -0));
    assert.equal(pack.spanIdAt(0), spans[0].spanId);
  });

  it('writes a 32-bit integer as one word and any other number as three, and keeps the tape as written', () => {
    const resource = { attributes: {}, serviceName: 'svc' };
    const words = (n: number): number => encodeSpans([span(resource, { n })]).tape.length;
    const oneWord = words(3);
    assert.equal(words(-(2 ** 31) + 1), oneWord);
    for (const wide of [0.5, -0, NaN, 2 ** 31, -(2 ** 31), 2 ** 60]) {
      assert.equal(words(wide), oneWord + 2, String(wide));
    }
    const spans = [span(resource, { half: 0.5, zero: -0, n: 3 }, { durationMs: 0.25 })];
    const transfer = encodeSpans(spans);
    const arena = new TapeArena();
    const { pack } = materializeBatch(structuredClone(transfer));
    pack.hold();
    pack.keepIn(arena);
    // The region (the first of a fresh arena, so the next one starts where it ends): the tape as it came, 4 place
    // fields per span, one string offset more than there are strings, and the strings' characters (ASCII: 4 a word).
    const characters = transfer.strings.join('').length;
    assert.equal(arena.allocate(1).start, transfer.tape.length + 4 + transfer.strings.length + 1 + Math.ceil(characters / 4));
    assert.deepStrictEqual(pack.spanAt(0), spans[0]);
  });

  it('rebuilds spans of several kept packs in any order (each restored when read)', () => {
    const arena = new TapeArena();
    const packs = [1, 2, 3].map((n) => {
      const { pack } = delivered([span({ attributes: {}, serviceName: `s${n}` }, { n }, { spanId: `000000000000000${n}` }), span({ attributes: {}, serviceName: `s${n}` }, { n: n + 0.5 })]);
      pack.hold();
      pack.hold();
      pack.keepIn(arena);
      return pack;
    });
    for (const [p, i] of [[2, 1], [0, 0], [2, 0], [1, 1], [0, 1]]) {
      const rebuilt = packs[p].spanAt(i);
      assert.equal(rebuilt.resource.serviceName, `s${p + 1}`);
      assert.equal(rebuilt.attributes.n, i === 0 ? p + 1 : p + 1.5);
    }
    assert.deepEqual(packs.map((p) => p.spanIdAt(0)), ['0000000000000001', '0000000000000002', '0000000000000003']);
  });

  it('hands its tape back once kept, and reads only its own copy afterwards', () => {
    const spans = [span({ attributes: {}, serviceName: 'a' }, { n: 1 }), span({ attributes: {}, serviceName: 'a' }, { n: 2 }, { spanId: '00000000000000bb' })];
    const given: ArrayBuffer[] = [];
    const { pack } = materializeBatch(structuredClone(encodeSpans(spans)), (tape) => {
      given.push(tape);
      // As postMessage with a transfer list does: the main thread's view of the tape is detached.
      structuredClone(tape, { transfer: [tape] });
    });
    pack.hold();
    pack.hold();
    assert.equal(given.length, 0, 'not before it is kept');
    pack.keepIn(new TapeArena());
    assert.equal(given.length, 1);
    assert.equal(given[0].byteLength, 0, 'detached');
    assert.deepStrictEqual(all(2, (i) => pack.spanAt(i)), spans);
  });

  it('is not copied when none of its spans is held', () => {
    const arena = new TapeArena();
    const { pack } = delivered([span({ attributes: {}, serviceName: 'a' }, { n: 1 })]);
    pack.keepIn(arena);
    assert.equal(arena.counters().liveRegions, 0);
    assert.deepEqual(pack.spanAt(0).attributes, { n: 1 });
  });
});
