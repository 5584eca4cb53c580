import assert from 'node:assert/strict';
import { decodeTraceRequestJson, decodeTraceRequestProtobuf, OtlpDecodeError } from '../../../src/core/otlp';
import { bytesField, doubleField, fixed64Field, hexBytes, messageField, stringField, toUint8, varintField, type Bytes } from './wire';

const TRACE_ID = '5b8efff798038103d269b633813fc60c';
const SPAN_ID = 'eee19b7ec3c1b174';
const PARENT_ID = 'eee19b7ec3c1b173';

/** The spec's example shape (lowerCamelCase, hex ids, int64 as strings, enums as ints). */
function camelRequest(): Record<string, unknown> {
  return {
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'my.service' } }] },
        scopeSpans: [
          {
            scope: { name: 'my.library', version: '1.0.0', attributes: [{ key: 'my.scope.attribute', value: { stringValue: 'x' } }] },
            spans: [
              {
                traceId: TRACE_ID,
                spanId: SPAN_ID,
                parentSpanId: PARENT_ID,
                traceState: 'congo=t61rcWkgMzE',
                name: 'I am a span!',
                startTimeUnixNano: '1544712660000000000',
                endTimeUnixNano: '1544712661000000001',
                kind: 2,
                attributes: [
                  { key: 'my.span.attr', value: { stringValue: 'some value' } },
                  { key: 'int', value: { intValue: '-42' } },
                  { key: 'double', value: { doubleValue: 2.5 } },
                  { key: 'bool', value: { boolValue: true } },
                  { key: 'array', value: { arrayValue: { values: [{ stringValue: 'a' }, { intValue: 1 }] } } },
                  { key: 'kvlist', value: { kvlistValue: { values: [{ key: 'inner', value: { boolValue: false } }] } } },
                  { key: 'bytes', value: { bytesValue: 'AAEC+v8=' } },
                  { key: 'empty', value: {} },
                ],
                events: [{ timeUnixNano: '1544712660500000000', name: 'exception', attributes: [{ key: 'exception.message', value: { stringValue: 'boom' } }] }],
                links: [{ traceId: TRACE_ID, spanId: PARENT_ID, traceState: 'k=v', attributes: [{ key: 'l', value: { intValue: '1' } }] }],
                status: { code: 2, message: 'failed' },
                droppedAttributesCount: 0,
                flags: 257,
              },
            ],
            schemaUrl: 'https://opentelemetry.io/schemas/1.24.0',
          },
        ],
      },
    ],
  };
}

/** The same request as the generic protobuf JSON mapping with original field names would write it. */
function snakeRequest(): Record<string, unknown> {
  return JSON.parse(
    JSON.stringify(camelRequest()).replace(/"([a-z]+(?:[A-Z][a-z]+)+)":/g, (_, key: string) => `"${key.replace(/[A-Z]/g, (c) => '_' + c.toLowerCase())}":`),
  ) as Record<string, unknown>;
}

function decode(value: unknown): ReturnType<typeof decodeTraceRequestJson> {
  return decodeTraceRequestJson(JSON.stringify(value));
}

function firstSpan(value: unknown): ReturnType<typeof decodeTraceRequestJson>['spans'][number] {
  const { spans } = decode(value);
  assert.equal(spans.length, 1);
  return spans[0];
}

function requestWithSpan(span: Record<string, unknown>, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: TRACE_ID, spanId: SPAN_ID, ...span }] }], ...extra }] };
}

function assertDecodeError(text: string, pattern?: RegExp): void {
  assert.throws(
    () => decodeTraceRequestJson(text),
    (error: unknown) => error instanceof OtlpDecodeError && (pattern === undefined || pattern.test(error.message)),
  );
}

describe('decodeTraceRequestJson', () => {
  it('decodes the spec example shape', () => {
    assert.deepStrictEqual(firstSpan(camelRequest()), {
      traceId: TRACE_ID,
      spanId: SPAN_ID,
      parentSpanId: PARENT_ID,
      traceState: 'congo=t61rcWkgMzE',
      name: 'I am a span!',
      kind: 2,
      startTimeUnixMs: 1544712660000,
      durationMs: 1000.000001,
      attributes: {
        'my.span.attr': 'some value',
        int: -42,
        double: 2.5,
        bool: true,
        array: ['a', 1],
        kvlist: { inner: false },
        bytes: 'AAEC+v8=',
        empty: null,
      },
      events: [{ name: 'exception', timeUnixMs: 1544712660500, attributes: { 'exception.message': 'boom' } }],
      links: [{ traceId: TRACE_ID, spanId: PARENT_ID, traceState: 'k=v', attributes: { l: 1 } }],
      status: { code: 2, message: 'failed' },
      resource: { attributes: { 'service.name': 'my.service' }, serviceName: 'my.service' },
      scope: { name: 'my.library', version: '1.0.0' },
    });
  });

  it('decodes the same protobuf bytes and JSON to the same spans', () => {
    const kv = (key: string, value: Bytes): Bytes => messageField(9, stringField(1, key), messageField(2, value));
    const protobuf = toUint8(
      messageField(
        1,
        messageField(1, messageField(1, stringField(1, 'service.name'), messageField(2, stringField(1, 'my.service')))),
        messageField(
          2,
          messageField(1, stringField(1, 'my.library'), stringField(2, '1.0.0')),
          messageField(
            2,
            bytesField(1, hexBytes(TRACE_ID)),
            bytesField(2, hexBytes(SPAN_ID)),
            bytesField(4, hexBytes(PARENT_ID)),
            stringField(3, 'congo=t61rcWkgMzE'),
            stringField(5, 'I am a span!'),
            varintField(6, 2),
            fixed64Field(7, 1544712660000000000n),
            fixed64Field(8, 1544712661000000001n),
            kv('my.span.attr', stringField(1, 'some value')),
            kv('int', varintField(3, -42)),
            kv('double', doubleField(4, 2.5)),
            kv('bool', varintField(2, 1)),
            kv('array', messageField(5, messageField(1, stringField(1, 'a')), messageField(1, varintField(3, 1)))),
            kv('kvlist', messageField(6, messageField(1, stringField(1, 'inner'), messageField(2, varintField(2, 0))))),
            kv('bytes', bytesField(7, [0, 1, 2, 250, 255])),
            kv('empty', []),
            messageField(11, fixed64Field(1, 1544712660500000000n), stringField(2, 'exception'), messageField(3, stringField(1, 'exception.message'), messageField(2, stringField(1, 'boom')))),
            messageField(13, bytesField(1, hexBytes(TRACE_ID)), bytesField(2, hexBytes(PARENT_ID)), stringField(3, 'k=v'), messageField(4, stringField(1, 'l'), messageField(2, varintField(3, 1)))),
            messageField(15, stringField(2, 'failed'), varintField(3, 2)),
          ),
        ),
      ),
    );
    assert.deepStrictEqual(decode(camelRequest()), decodeTraceRequestProtobuf(protobuf));
  });

  it('takes the body as UTF-8 bytes too, and ignores a byte-order mark', () => {
    const text = JSON.stringify(camelRequest());
    const expected = decodeTraceRequestJson(text);
    assert.deepStrictEqual(decodeTraceRequestJson(new TextEncoder().encode(text)), expected);
    assert.deepStrictEqual(decodeTraceRequestJson('\ufeff' + text), expected);
    assert.deepStrictEqual(decodeTraceRequestJson(Buffer.from('\ufeff' + text)), expected);
  });

  it('accepts snake_case keys everywhere', () => {
    const snake = snakeRequest();
    assert.ok(JSON.stringify(snake).includes('"resource_spans"') && JSON.stringify(snake).includes('"start_time_unix_nano"'));
    assert.deepStrictEqual(decode(snake), decode(camelRequest()));
  });

  it('accepts 64-bit integers as numbers as well as strings', () => {
    const text = JSON.stringify(camelRequest())
      .replace(/"(startTimeUnixNano|endTimeUnixNano|timeUnixNano)":"(\d+)"/g, '"$1":$2')
      .replace(/"intValue":"(-?\d+)"/g, '"intValue":$1');
    assert.ok(!text.includes('"startTimeUnixNano":"'));
    const span = decodeTraceRequestJson(text).spans[0];
    assert.equal(span.attributes.int, -42);
    // As JSON numbers the nanoseconds already lost precision in JSON.parse; the milliseconds are still right.
    assert.equal(span.startTimeUnixMs, 1544712660000);
    assert.equal(Math.round(span.durationMs), 1000);
  });

  it('accepts enum names as well as integers', () => {
    const span = firstSpan(requestWithSpan({ kind: 'SPAN_KIND_CLIENT', status: { code: 'STATUS_CODE_ERROR', message: 'x' } }));
    assert.equal(span.kind, 3);
    assert.equal(span.status.code, 2);
    assert.equal(firstSpan(requestWithSpan({ kind: 'SPAN_KIND_CONSUMER', status: { code: 'STATUS_CODE_OK' } })).kind, 5);
    assert.equal(firstSpan(requestWithSpan({ kind: '4' })).kind, 4);
    assert.equal(firstSpan(requestWithSpan({ kind: 'SPAN_KIND_FROM_THE_FUTURE' })).kind, 0);
  });

  it('accepts base64 ids as old emitters sent them, and uppercase hex', () => {
    const b64 = (hex: string): string => Buffer.from(hex, 'hex').toString('base64');
    const span = firstSpan(requestWithSpan({ traceId: b64(TRACE_ID), spanId: b64(SPAN_ID), parentSpanId: b64(PARENT_ID), links: [{ traceId: b64(TRACE_ID), spanId: b64(SPAN_ID) }] }));
    assert.equal(span.traceId, TRACE_ID);
    assert.equal(span.spanId, SPAN_ID);
    assert.equal(span.parentSpanId, PARENT_ID);
    assert.deepStrictEqual(span.links[0], { traceId: TRACE_ID, spanId: SPAN_ID, traceState: '', attributes: {} });
    const upper = firstSpan(requestWithSpan({ traceId: TRACE_ID.toUpperCase(), spanId: SPAN_ID.toUpperCase() }));
    assert.equal(upper.traceId, TRACE_ID);
    assert.equal(upper.spanId, SPAN_ID);
  });

  it('decides hex first when a string has the hex length', () => {
    // 16 characters that are both hex and valid base64 (of 12 bytes): hex is what the spec means.
    assert.equal(firstSpan(requestWithSpan({ spanId: 'deadbeefdeadbeef' })).spanId, 'deadbeefdeadbeef');
  });

  it('fills in everything optional that is missing', () => {
    const span = firstSpan({ resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: TRACE_ID, spanId: SPAN_ID }] }] }] });
    assert.deepStrictEqual(span, {
      traceId: TRACE_ID,
      spanId: SPAN_ID,
      parentSpanId: '',
      traceState: '',
      name: '',
      kind: 0,
      startTimeUnixMs: 0,
      durationMs: 0,
      attributes: {},
      events: [],
      links: [],
      status: { code: 0, message: '' },
      resource: { attributes: {}, serviceName: 'unknown_service' },
      scope: { name: '', version: '' },
    });
    assert.deepStrictEqual(decode({}), { spans: [], rejectedSpans: 0, rejectionMessage: '' });
    assert.deepStrictEqual(decode({ resourceSpans: [] }).spans, []);
    assert.equal(firstSpan(requestWithSpan({ parentSpanId: '' })).parentSpanId, '');
    assert.equal(firstSpan(requestWithSpan({ parentSpanId: '0000000000000000' })).parentSpanId, '');
  });

  it('reads the pre-1.0 instrumentationLibrarySpans / instrumentationLibrary', () => {
    const span = firstSpan({
      resourceSpans: [{ instrumentationLibrarySpans: [{ instrumentationLibrary: { name: 'old-lib', version: '0.9' }, spans: [{ traceId: TRACE_ID, spanId: SPAN_ID }] }] }],
    });
    assert.deepStrictEqual(span.scope, { name: 'old-lib', version: '0.9' });
    const snake = firstSpan({
      resource_spans: [{ instrumentation_library_spans: [{ instrumentation_library: { name: 'older' }, spans: [{ trace_id: TRACE_ID, span_id: SPAN_ID }] }] }],
    });
    assert.deepStrictEqual(snake.scope, { name: 'older', version: '' });
  });

  it('accepts protojson spellings of doubles and normalizes bytes to padded base64', () => {
    const span = firstSpan(
      requestWithSpan({
        attributes: [
          { key: 'nan', value: { doubleValue: 'NaN' } },
          { key: 'inf', value: { double_value: '-Infinity' } },
          { key: 'str', value: { doubleValue: '1.5' } },
          { key: 'urlsafe', value: { bytesValue: '-_8' } },
          { key: 'nullValue', value: { stringValue: null } },
        ],
      }),
    );
    assert.ok(Number.isNaN(span.attributes.nan));
    assert.equal(span.attributes.inf, -Infinity);
    assert.equal(span.attributes.str, 1.5);
    assert.equal(span.attributes.urlsafe, '+/8=');
    assert.equal(span.attributes.nullValue, null);
  });

  it('keeps "__proto__" attribute keys as data', () => {
    const text = `{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"${TRACE_ID}","spanId":"${SPAN_ID}","attributes":[{"key":"__proto__","value":{"kvlistValue":{"values":[{"key":"polluted","value":{"boolValue":true}}]}}}]}]}]}]}`;
    const span = decodeTraceRequestJson(text).spans[0];
    assert.equal(Object.getPrototypeOf(span.attributes), Object.prototype);
    assert.deepStrictEqual(Object.keys(span.attributes), ['__proto__']);
  });

  it('counts rejected spans like the protobuf decoder', () => {
    const decoded = decode({
      resourceSpans: [
        {
          scopeSpans: [
            {
              spans: [
                { traceId: TRACE_ID, spanId: SPAN_ID },
                { spanId: SPAN_ID },
                { traceId: '00000000000000000000000000000000', spanId: SPAN_ID },
                { traceId: 'not an id at all', spanId: SPAN_ID },
                { traceId: TRACE_ID, spanId: 'abc' },
              ],
            },
          ],
        },
      ],
    });
    assert.equal(decoded.spans.length, 1);
    assert.equal(decoded.rejectedSpans, 4);
    assert.equal(decoded.rejectionMessage, '4 spans rejected: invalid trace id (3), invalid span id (1)');
  });

  describe('invalid input', () => {
    it('rejects text that is not JSON', () => {
      assertDecodeError('', /invalid JSON/);
      assertDecodeError('{"resourceSpans": [', /invalid JSON/);
      assertDecodeError('\u0000\u0001binary', /invalid JSON/);
    });

    it('rejects JSON of the wrong shape', () => {
      assertDecodeError('[]', /must be a JSON object/);
      assertDecodeError('"text"', /must be a JSON object/);
      assertDecodeError('null', /must be a JSON object/);
      assertDecodeError('{"resourceSpans": {}}', /resourceSpans must be an array/);
      assertDecodeError('{"resourceSpans": [{"scopeSpans": [{"spans": "many"}]}]}', /spans must be an array/);
      assertDecodeError(JSON.stringify(requestWithSpan({ name: 42 })), /span.name must be a string/);
      assertDecodeError(JSON.stringify(requestWithSpan({ traceId: 12 })), /traceId must be a string/);
      assertDecodeError(JSON.stringify(requestWithSpan({ startTimeUnixNano: '12:00' })), /startTimeUnixNano/);
      assertDecodeError(JSON.stringify(requestWithSpan({ attributes: [{ key: 'k', value: { intValue: 'forty' } }] })), /intValue/);
      assertDecodeError(JSON.stringify(requestWithSpan({ attributes: [{ key: 'k', value: { boolValue: 'yes' } }] })), /boolValue/);
      assertDecodeError(JSON.stringify(requestWithSpan({ attributes: { k: 'v' } })), /attributes must be an array/);
      assertDecodeError(JSON.stringify(requestWithSpan({ status: 'ERROR' })), /status must be an object/);
    });

    it('rejects values nested without limit instead of overflowing the stack', () => {
      const deep = '{"arrayValue":{"values":['.repeat(5000) + '{"stringValue":"x"}' + ']}}'.repeat(5000);
      const text = `{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"${TRACE_ID}","spanId":"${SPAN_ID}","attributes":[{"key":"k","value":${deep}}]}]}]}]}`;
      assertDecodeError(text, /nested deeper/);
    });
  });
});
