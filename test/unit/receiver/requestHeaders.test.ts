import assert from 'node:assert/strict';
import { isGzipEncoded, payloadEncodingOf } from '../../../src/receiver/requestHeaders';

describe('OTLP/HTTP request headers', () => {
  it('recognises the OTLP content types with parameters and any case', () => {
    assert.equal(payloadEncodingOf('application/x-protobuf'), 'protobuf');
    assert.equal(payloadEncodingOf('Application/X-Protobuf; proto=opentelemetry'), 'protobuf');
    assert.equal(payloadEncodingOf('application/protobuf'), 'protobuf');
    assert.equal(payloadEncodingOf('application/json'), 'json');
    assert.equal(payloadEncodingOf('application/json; charset=UTF-8'), 'json');
    assert.equal(payloadEncodingOf('application/json;charset="utf-8"'), 'json');
  });

  it('rejects other content types and non-UTF-8 JSON', () => {
    for (const type of [undefined, '', 'text/plain', 'application/grpc', 'application/jsonl', 'application/json; charset=iso-8859-1']) {
      assert.equal(payloadEncodingOf(type), undefined, String(type));
    }
  });

  it('reads gzip, identity and absence of Content-Encoding, and refuses the rest', () => {
    assert.equal(isGzipEncoded(undefined), false);
    assert.equal(isGzipEncoded('identity'), false);
    assert.equal(isGzipEncoded('GZIP'), true);
    assert.equal(isGzipEncoded('x-gzip'), true);
    assert.equal(isGzipEncoded('identity, gzip'), true);
    assert.equal(isGzipEncoded('br'), undefined);
    assert.equal(isGzipEncoded('deflate'), undefined);
    assert.equal(isGzipEncoded('gzip, gzip'), undefined);
  });
});
