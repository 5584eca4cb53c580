import assert from 'node:assert/strict';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { decodeTraceRequestProtobuf, OtlpDecodeError } from '../../../src/core/otlp';
import { generateSdkSpans, seededRandom } from './sdkSpans';
import {
  bytesField,
  doubleField,
  fixed32Field,
  fixed64Field,
  groupField,
  hexBytes,
  messageField,
  stringField,
  tag,
  toUint8,
  unknownFieldsOfEveryType,
  varint,
  varintField,
  type Bytes,
} from './wire';

const TRACE_ID = '0af7651916cd43dd8448eb211c80319c';
const SPAN_ID = 'b7ad6b7169203331';
const PARENT_ID = '00f067aa0ba902b7';
const START_NS = 1_700_000_000_123_456_789n;
const END_NS = START_NS + 2_500_001n;

/** Extra bytes appended inside each message, to test tolerance of unknown fields at every level. */
type Extra = (message: string) => Bytes;
const none: Extra = () => [];

function anyValue(field: number, value: Bytes, extra: Extra): Bytes {
  return messageField(field, value, extra('AnyValue'));
}

function keyValue(field: number, key: string, value: Bytes, extra: Extra): Bytes {
  return messageField(field, stringField(1, key), anyValue(2, value, extra), extra('KeyValue'));
}

/** A span using every field of the schema, with every AnyValue type. */
function fullSpan(extra: Extra = none): Bytes {
  return messageField(2, ...fullSpanFields(extra));
}

/** fullSpan's fields, in the schema's order. */
function fullSpanFields(extra: Extra = none): Bytes[] {
  return [
    bytesField(1, hexBytes(TRACE_ID)),
    bytesField(2, hexBytes(SPAN_ID)),
    stringField(3, 'rojo=00f067aa0ba902b7'),
    bytesField(4, hexBytes(PARENT_ID)),
    stringField(5, 'GET /orders/:id'),
    varintField(6, 2),
    fixed64Field(7, START_NS),
    fixed64Field(8, END_NS),
    keyValue(9, 'str', stringField(1, 'héllo'), extra),
    keyValue(9, 'bool', varintField(2, 1), extra),
    keyValue(9, 'neg', varintField(3, -42), extra),
    keyValue(9, 'big', varintField(3, 2n ** 60n), extra),
    keyValue(9, 'double', doubleField(4, 3.25), extra),
    keyValue(
      9,
      'array',
      messageField(5, anyValue(1, stringField(1, 'a'), extra), anyValue(1, varintField(3, 7), extra), extra('ArrayValue')),
      extra,
    ),
    keyValue(9, 'kvlist', messageField(6, keyValue(1, 'inner', varintField(2, 0), extra), extra('KeyValueList')), extra),
    keyValue(9, 'bytes', bytesField(7, [0, 1, 2, 250, 255]), extra),
    keyValue(9, 'empty', [], extra),
    varintField(10, 3),
    messageField(11, fixed64Field(1, START_NS + 1000n), stringField(2, 'exception'), keyValue(3, 'exception.type', stringField(1, 'Boom'), extra), varintField(4, 0), extra('Event')),
    varintField(12, 1),
    messageField(13, bytesField(1, hexBytes(TRACE_ID)), bytesField(2, hexBytes(PARENT_ID)), stringField(3, 'k=v'), keyValue(4, 'link.kind', stringField(1, 'follows'), extra), varintField(5, 0), fixed32Field(6, 0x301), extra('Link')),
    varintField(14, 0),
    messageField(15, varintField(1, 2), stringField(2, 'out of stock'), varintField(3, 2), extra('Status')),
    fixed32Field(16, 0x101),
    extra('Span'),
  ];
}

function request(extra: Extra = none, spans: Bytes[] = [fullSpan(extra)]): Uint8Array {
  return toUint8(
    messageField(
      1,
      messageField(1, keyValue(1, 'service.name', stringField(1, 'orders'), extra), varintField(2, 0), extra('Resource')),
      messageField(2, messageField(1, stringField(1, 'shop'), stringField(2, '1.0'), keyValue(3, 'scope.attr', varintField(2, 1), extra), extra('InstrumentationScope')), ...spans, stringField(3, 'https://opentelemetry.io/schemas/1.24.0'), extra('ScopeSpans')),
      stringField(3, 'https://opentelemetry.io/schemas/1.24.0'),
      extra('ResourceSpans'),
    ),
    extra('ExportTraceServiceRequest'),
  );
}

function assertDecodeError(bytes: Uint8Array, pattern?: RegExp): void {
  assert.throws(
    () => decodeTraceRequestProtobuf(bytes),
    (error: unknown) => error instanceof OtlpDecodeError && (pattern === undefined || pattern.test(error.message)),
  );
}

describe('decodeTraceRequestProtobuf', () => {
  it('decodes every field of a hand-built request', () => {
    const { spans, rejectedSpans } = decodeTraceRequestProtobuf(request());
    assert.equal(rejectedSpans, 0);
    assert.equal(spans.length, 1);
    assert.deepStrictEqual(spans[0], {
      traceId: TRACE_ID,
      spanId: SPAN_ID,
      parentSpanId: PARENT_ID,
      traceState: 'rojo=00f067aa0ba902b7',
      name: 'GET /orders/:id',
      kind: 2,
      startTimeUnixMs: Number(START_NS) / 1e6,
      durationMs: 2.500001,
      attributes: {
        str: 'héllo',
        bool: true,
        neg: -42,
        big: 2 ** 60,
        double: 3.25,
        array: ['a', 7],
        kvlist: { inner: false },
        bytes: 'AAEC+v8=',
        empty: null,
      },
      events: [{ name: 'exception', timeUnixMs: Number(START_NS + 1000n) / 1e6, attributes: { 'exception.type': 'Boom' } }],
      links: [{ traceId: TRACE_ID, spanId: PARENT_ID, traceState: 'k=v', attributes: { 'link.kind': 'follows' } }],
      status: { code: 2, message: 'out of stock' },
      resource: { attributes: { 'service.name': 'orders' }, serviceName: 'orders' },
      scope: { name: 'shop', version: '1.0' },
    });
  });

  it('decodes a Node Buffer that is a slice of a larger allocation', () => {
    const bytes = request();
    const pool = Buffer.alloc(bytes.length + 13, 0xee);
    pool.set(bytes, 7);
    assert.deepStrictEqual(decodeTraceRequestProtobuf(pool.subarray(7, 7 + bytes.length)), decodeTraceRequestProtobuf(bytes));
    const plain = new Uint8Array(pool.buffer, pool.byteOffset + 7, bytes.length);
    assert.deepStrictEqual(decodeTraceRequestProtobuf(plain), decodeTraceRequestProtobuf(bytes));
  });

  it('skips unknown fields of every wire type at every message level', () => {
    const plain = decodeTraceRequestProtobuf(request());
    const withUnknown = decodeTraceRequestProtobuf(request(() => unknownFieldsOfEveryType()));
    assert.deepStrictEqual(withUnknown, plain);
  });

  it('shares the resource even when it follows the spans on the wire, and reads legacy instrumentation_library_spans', () => {
    const scopeSpans = (field: number): Bytes =>
      messageField(field, fullSpan(), messageField(2, bytesField(1, hexBytes(TRACE_ID)), bytesField(2, hexBytes('0000000000000001'))));
    const bytes = toUint8(
      messageField(1, scopeSpans(2), scopeSpans(1000), messageField(1, keyValue(1, 'service.name', stringField(1, 'late'), none))),
    );
    const { spans } = decodeTraceRequestProtobuf(bytes);
    assert.equal(spans.length, 4);
    assert.ok(spans.every((span) => span.resource === spans[0].resource));
    assert.equal(spans[0].resource.serviceName, 'late');
    assert.equal(spans[0].scope, spans[1].scope);
    assert.notEqual(spans[1].scope, spans[2].scope);
  });

  it('reads a span whose fields come in any order, events and links before or between attributes', () => {
    const inOrder = decodeTraceRequestProtobuf(request());
    const fields = fullSpanFields();
    const reversed = decodeTraceRequestProtobuf(request(none, [messageField(2, ...[...fields].reverse())]));
    assert.deepStrictEqual(reversed, inOrder);
    // An event and a link between attributes, a second event ahead of everything: events keep their wire order.
    const extraEvent = messageField(11, stringField(2, 'first'), fixed64Field(1, START_NS));
    const [event, link] = [fields[18], fields[20]];
    assert.deepEqual([event[0], link[0]], [(11 << 3) | 2, (13 << 3) | 2]);
    const mixed = [extraEvent, ...fields.slice(0, 9), event, link, ...fields.slice(9, 18), fields[19], ...fields.slice(21)];
    const [span] = decodeTraceRequestProtobuf(request(none, [messageField(2, ...mixed)])).spans;
    assert.deepStrictEqual({ ...span, events: span.events.slice(1) }, inOrder.spans[0]);
    assert.deepEqual(span.events.map((event) => event.name), ['first', 'exception']);
  });

  it('merges repeated fields as protobuf does: the last scalar, key, value and oneof member win', () => {
    const bytes = toUint8(
      messageField(
        1,
        messageField(1, keyValue(1, 'a', varintField(3, 1), none)),
        messageField(
          2,
          messageField(1, stringField(1, 'scope-name')),
          messageField(
            2,
            stringField(5, 'first name'),
            bytesField(1, hexBytes(TRACE_ID)),
            bytesField(2, hexBytes(SPAN_ID)),
            // value before key; a repeated key: the last value wins
            messageField(9, anyValue(2, stringField(1, 'v'), none), stringField(1, 'late-key')),
            keyValue(9, 'dup', varintField(3, 1), none),
            keyValue(9, 'dup', varintField(3, 2), none),
            // a repeated value field in one KeyValue, and a oneof given twice (string, then int)
            messageField(9, stringField(1, 'twice'), anyValue(2, stringField(1, 'old'), none), anyValue(2, varintField(2, 1), none)),
            keyValue(9, 'oneof', [...stringField(1, 'text'), ...varintField(3, 9)], none),
            messageField(15, varintField(3, 2)),
            messageField(15, stringField(2, 'merged')),
            stringField(5, 'last name'),
          ),
          messageField(1, stringField(2, 'scope-version')),
        ),
        messageField(1, keyValue(1, 'service.name', stringField(1, 'svc'), none)),
      ),
    );
    const [span] = decodeTraceRequestProtobuf(bytes).spans;
    assert.equal(span.name, 'last name');
    assert.deepStrictEqual(span.attributes, { 'late-key': 'v', dup: 2, twice: true, oneof: 9 });
    assert.deepStrictEqual(span.status, { code: 2, message: 'merged' });
    assert.deepStrictEqual(span.resource, { attributes: { a: 1, 'service.name': 'svc' }, serviceName: 'svc' });
    assert.deepStrictEqual(span.scope, { name: 'scope-name', version: 'scope-version' });
  });

  it('keeps resources and scopes right when the first spans of a block are rejected', () => {
    const bad = messageField(2, bytesField(1, hexBytes(TRACE_ID)), stringField(5, 'no span id'));
    const good = (name: string): Bytes => messageField(2, bytesField(1, hexBytes(TRACE_ID)), bytesField(2, hexBytes(SPAN_ID)), stringField(5, name));
    const scopeSpans = (scope: string, ...spans: Bytes[]): Bytes => messageField(2, messageField(1, stringField(1, scope)), ...spans);
    const resource = (name: string): Bytes => messageField(1, keyValue(1, 'service.name', stringField(1, name), none));
    const bytes = toUint8(
      messageField(1, resource('one'), scopeSpans('only-rejected', bad), scopeSpans('s1', bad, good('a'), bad, good('b')), scopeSpans('s2', good('c'))),
      messageField(1, resource('two'), scopeSpans('only-rejected', bad, bad)),
      messageField(1, resource('three'), scopeSpans('s3', bad, good('d'))),
    );
    const decoded = decodeTraceRequestProtobuf(bytes);
    assert.equal(decoded.rejectedSpans, 6);
    assert.deepEqual(
      decoded.spans.map((span) => `${span.name} ${span.resource.serviceName} ${span.scope.name}`),
      ['a one s1', 'b one s1', 'c one s2', 'd three s3'],
    );
    assert.equal(decoded.spans[0].resource, decoded.spans[2].resource);
    assert.equal(decoded.spans[0].scope, decoded.spans[1].scope);
    assert.notEqual(decoded.spans[1].scope, decoded.spans[2].scope);
  });

  it('checks a resource even when no span of its block is kept', () => {
    const bytes = toUint8(messageField(1, messageField(1, messageField(1, stringField(1, 'k'), messageField(2, tag(1, 0))))));
    assertDecodeError(bytes);
  });

  it('defaults what is missing: unknown_service, empty scope, root span, unset status', () => {
    const bytes = toUint8(messageField(1, messageField(2, messageField(2, bytesField(1, hexBytes(TRACE_ID)), bytesField(2, hexBytes(SPAN_ID)), bytesField(4, new Array(8).fill(0))))));
    const [span] = decodeTraceRequestProtobuf(bytes).spans;
    assert.equal(span.resource.serviceName, 'unknown_service');
    assert.deepStrictEqual(span.scope, { name: '', version: '' });
    assert.equal(span.parentSpanId, '', 'an all-zero parent id means root');
    assert.deepStrictEqual(span.status, { code: 0, message: '' });
    assert.equal(span.kind, 0);
    assert.equal(span.name, '');
  });

  it('computes durations exactly from 64-bit times and never negative', () => {
    const span = (start: bigint, end: bigint): Bytes =>
      messageField(2, bytesField(1, hexBytes(TRACE_ID)), bytesField(2, hexBytes(SPAN_ID)), fixed64Field(7, start), fixed64Field(8, end));
    const high = 0xffff_ffff_0000_0000n;
    const { spans } = decodeTraceRequestProtobuf(
      toUint8(messageField(1, messageField(2, span(high - 1n, high + 2n), span(START_NS, START_NS - 5n), span(START_NS, START_NS + 1n)))),
    );
    assert.equal(spans[0].durationMs, 3e-6, 'borrow across the 32-bit halves');
    assert.equal(spans[1].durationMs, 0);
    assert.equal(spans[2].durationMs, 1e-6, 'one nanosecond survives although the timestamps exceed 2^53');
  });

  it('maps out-of-range kinds and status codes to unspecified / unset', () => {
    const bytes = toUint8(messageField(1, messageField(2, messageField(2, bytesField(1, hexBytes(TRACE_ID)), bytesField(2, hexBytes(SPAN_ID)), varintField(6, 99), messageField(15, varintField(3, 7))))));
    const [span] = decodeTraceRequestProtobuf(bytes).spans;
    assert.equal(span.kind, 0);
    assert.equal(span.status.code, 0);
  });

  it('keeps "__proto__" attribute keys as data, never as a prototype', () => {
    const bytes = request(none, [
      messageField(2, bytesField(1, hexBytes(TRACE_ID)), bytesField(2, hexBytes(SPAN_ID)), keyValue(9, '__proto__', messageField(6, keyValue(1, 'polluted', varintField(2, 1), none)), none)),
    ]);
    const [span] = decodeTraceRequestProtobuf(bytes).spans;
    assert.equal(Object.getPrototypeOf(span.attributes), Object.prototype);
    assert.deepStrictEqual(Object.keys(span.attributes), ['__proto__']);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });

  describe('rejected spans', () => {
    const span = (traceId: Bytes | undefined, spanId: Bytes | undefined): Bytes =>
      messageField(2, traceId ? bytesField(1, traceId) : [], spanId ? bytesField(2, spanId) : [], stringField(5, 'x'));

    it('drops spans with unusable ids, counts them and says why', () => {
      const good = span(hexBytes(TRACE_ID), hexBytes(SPAN_ID));
      const decoded = decodeTraceRequestProtobuf(
        request(none, [
          good,
          span(undefined, hexBytes(SPAN_ID)),
          span(hexBytes(TRACE_ID).slice(1), hexBytes(SPAN_ID)),
          span(new Array(16).fill(0), hexBytes(SPAN_ID)),
          span(hexBytes(TRACE_ID), new Array(8).fill(0)),
          span(hexBytes(TRACE_ID), hexBytes(SPAN_ID).slice(0, 7)),
          span(hexBytes(TRACE_ID), undefined),
          good,
        ]),
      );
      assert.equal(decoded.spans.length, 2);
      assert.equal(decoded.rejectedSpans, 6);
      assert.equal(decoded.rejectionMessage, '6 spans rejected: invalid trace id (3), invalid span id (3)');
    });

    it('words a single reason simply', () => {
      const decoded = decodeTraceRequestProtobuf(request(none, [span(new Array(16).fill(0), hexBytes(SPAN_ID)), span(undefined, undefined)]));
      assert.equal(decoded.rejectedSpans, 2);
      assert.equal(decoded.rejectionMessage, '2 spans rejected: invalid trace id');
      assert.equal(decodeTraceRequestProtobuf(request(none, [span(hexBytes(TRACE_ID), undefined)])).rejectionMessage, '1 span rejected: invalid span id');
    });

    it('reports nothing when nothing is rejected', () => {
      const decoded = decodeTraceRequestProtobuf(new Uint8Array(0));
      assert.deepStrictEqual(decoded, { spans: [], rejectedSpans: 0, rejectionMessage: '' });
    });
  });

  describe('malformed input', () => {
    it('rejects truncated varints, lengths and fixed-width fields', () => {
      assertDecodeError(Uint8Array.of(0x0a, 0x80), /truncated/);
      assertDecodeError(Uint8Array.of(0x0a, 0x05, 1, 2), /truncated/);
      assertDecodeError(toUint8(messageField(1, messageField(2, messageField(2, fixed64Field(7, 1n).slice(0, 6))))), /truncated|past/);
      assertDecodeError(toUint8(messageField(1, messageField(2, messageField(2, fixed32Field(16, 1).slice(0, 3))))), /truncated|past/);
    });

    it('rejects varints longer than ten bytes', () => {
      assertDecodeError(toUint8([...tag(901, 0), ...new Array(10).fill(0xff), 0x01]), /longer than 10 bytes/);
      assertDecodeError(toUint8(messageField(1, messageField(2, messageField(2, [...tag(6, 0), ...new Array(11).fill(0x80), 0])))), /longer than 10 bytes/);
    });

    it('rejects known fields with the wrong wire type', () => {
      assertDecodeError(toUint8(varintField(1, 5)), /wire type 0/);
      assertDecodeError(toUint8(messageField(1, messageField(2, messageField(2, varintField(5, 1))))), /Span: field 5 has wire type 0/);
      assertDecodeError(toUint8(messageField(1, messageField(2, messageField(2, bytesField(7, [1, 2, 3, 4, 5, 6, 7, 8]))))), /field 7/);
      assertDecodeError(toUint8(messageField(1, messageField(2, messageField(2, keyValueWithValue(fixed32Field(4, 1)))))), /AnyValue/);
    });

    it('rejects invalid wire types, stray end-groups, mismatched and endless groups, field number 0', () => {
      assertDecodeError(toUint8(tag(901, 6), [0]), /invalid wire type 6/);
      assertDecodeError(toUint8(tag(901, 7)), /invalid wire type 7/);
      assertDecodeError(toUint8(tag(901, 4)), /end-group/);
      assertDecodeError(toUint8(tag(901, 3), varintField(2, 1), tag(902, 4)), /closed by/);
      assertDecodeError(toUint8(tag(901, 3), varintField(2, 1)), /truncated/);
      assertDecodeError(toUint8([0x00, 0x00]), /field number 0/);
      let nested: Bytes = [];
      for (let i = 0; i < 300; i++) {
        nested = groupField(900 + (i % 50), nested);
      }
      assertDecodeError(toUint8(nested), /nested deeper/);
    });

    it('rejects a field that runs past its enclosing message', () => {
      // ScopeSpans claims 3 bytes, but its span field inside claims 10.
      assertDecodeError(toUint8(messageField(1, [...tag(2, 2), ...varint(3), ...tag(2, 2), ...varint(10), 0x0a])), /past|truncated/);
      const spanBytes = messageField(2, stringField(5, 'abc'));
      const lying = [...tag(2, 2), ...varint(spanBytes.length - 2), ...spanBytes];
      assertDecodeError(toUint8(messageField(1, lying)), /past|truncated/);
    });

    it('rejects attribute values nested without limit instead of overflowing the stack', () => {
      let value: Bytes = stringField(1, 'leaf');
      for (let i = 0; i < 300; i++) {
        value = messageField(5, messageField(1, value));
      }
      assertDecodeError(toUint8(messageField(1, messageField(2, messageField(2, messageField(9, stringField(1, 'deep'), messageField(2, value)))))), /nested deeper/);
    });

    it('never throws anything but OtlpDecodeError on any prefix of a real request, and never hangs', () => {
      const bytes = ProtobufTraceSerializer.serializeRequest(generateSdkSpans(11, 12))!;
      let decodedPrefixes = 0;
      for (let length = 0; length < bytes.length; length++) {
        try {
          decodeTraceRequestProtobuf(bytes.subarray(0, length));
          decodedPrefixes++;
        } catch (error) {
          assert.ok(error instanceof OtlpDecodeError, `prefix ${length}: ${String(error)}`);
        }
      }
      // Only cuts between whole top-level fields are valid requests (0 bytes, and after each ResourceSpans).
      assert.ok(decodedPrefixes >= 1 && decodedPrefixes <= 4, `${decodedPrefixes} prefixes decoded`);
    });

    it('never throws anything but OtlpDecodeError on corrupted or random bytes', () => {
      const random = seededRandom(2024);
      const original = ProtobufTraceSerializer.serializeRequest(generateSdkSpans(5, 8))!;
      for (let round = 0; round < 3000; round++) {
        const bytes = round % 3 === 0 ? Uint8Array.from({ length: Math.floor(random() * 200) }, () => Math.floor(random() * 256)) : Uint8Array.from(original);
        if (round % 3 !== 0) {
          for (let flips = 1 + Math.floor(random() * 4); flips > 0; flips--) {
            bytes[Math.floor(random() * bytes.length)] = Math.floor(random() * 256);
          }
        }
        try {
          const decoded = decodeTraceRequestProtobuf(bytes);
          assert.ok(Array.isArray(decoded.spans));
        } catch (error) {
          assert.ok(error instanceof OtlpDecodeError, `round ${round}: ${String(error)}`);
        }
      }
    });
  });
});

function keyValueWithValue(value: Bytes): Bytes {
  return messageField(9, stringField(1, 'k'), messageField(2, value));
}
