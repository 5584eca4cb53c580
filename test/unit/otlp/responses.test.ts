import assert from 'node:assert/strict';
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import * as protobuf from 'protobufjs';
import { encodeExportTraceResponse, encodeRpcStatus } from '../../../src/core/otlp';

/** The two response messages, described independently of our encoder so protobufjs can check its bytes. */
const root = protobuf.Root.fromJSON({
  nested: {
    ExportTraceServiceResponse: { fields: { partialSuccess: { type: 'ExportTracePartialSuccess', id: 1 } } },
    ExportTracePartialSuccess: { fields: { rejectedSpans: { type: 'int64', id: 1 }, errorMessage: { type: 'string', id: 2 } } },
    Status: { fields: { code: { type: 'int32', id: 1 }, message: { type: 'string', id: 2 }, details: { rule: 'repeated', type: 'bytes', id: 3 } } },
  },
});
const ExportTraceServiceResponse = root.lookupType('ExportTraceServiceResponse');
const Status = root.lookupType('Status');

function toPlain(type: protobuf.Type, bytes: Uint8Array): Record<string, unknown> {
  return type.toObject(type.decode(bytes), { longs: Number, defaults: false });
}

const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);

describe('OTLP response encoders', () => {
  describe('ExportTraceServiceResponse', () => {
    it('is empty in protobuf when everything was accepted', () => {
      assert.equal(encodeExportTraceResponse('protobuf').length, 0);
      assert.equal(encodeExportTraceResponse('protobuf', { rejectedSpans: 0, errorMessage: 'ignored' }).length, 0);
      assert.deepStrictEqual(ProtobufTraceSerializer.deserializeResponse(encodeExportTraceResponse('protobuf')), {});
    });

    it('carries partial_success in protobuf, as protobufjs and the exporter read it', () => {
      const bytes = encodeExportTraceResponse('protobuf', { rejectedSpans: 2, errorMessage: '2 spans rejected: invalid trace id' });
      assert.deepStrictEqual(toPlain(ExportTraceServiceResponse, bytes), {
        partialSuccess: { rejectedSpans: 2, errorMessage: '2 spans rejected: invalid trace id' },
      });
      assert.deepStrictEqual(ProtobufTraceSerializer.deserializeResponse(bytes), {
        partialSuccess: { rejectedSpans: 2, errorMessage: '2 spans rejected: invalid trace id' },
      });
    });

    it('encodes large counts and non-ASCII messages', () => {
      const bytes = encodeExportTraceResponse('protobuf', { rejectedSpans: 2 ** 40 + 3, errorMessage: 'ungültige Spur-ID ✗' });
      assert.deepStrictEqual(toPlain(ExportTraceServiceResponse, bytes), {
        partialSuccess: { rejectedSpans: 2 ** 40 + 3, errorMessage: 'ungültige Spur-ID ✗' },
      });
    });

    it('is {} in JSON when everything was accepted, partialSuccess with an int64 string otherwise', () => {
      assert.equal(text(encodeExportTraceResponse('json')), '{}');
      const bytes = encodeExportTraceResponse('json', { rejectedSpans: 2, errorMessage: 'bad "ids"' });
      assert.deepStrictEqual(JSON.parse(text(bytes)), { partialSuccess: { rejectedSpans: '2', errorMessage: 'bad "ids"' } });
      assert.deepStrictEqual(JsonTraceSerializer.deserializeResponse(bytes), { partialSuccess: { rejectedSpans: '2', errorMessage: 'bad "ids"' } });
    });
  });

  describe('google.rpc.Status', () => {
    it('encodes code and message in protobuf', () => {
      assert.deepStrictEqual(toPlain(Status, encodeRpcStatus('protobuf', 3, 'truncated input: varint at byte 7')), {
        code: 3,
        message: 'truncated input: varint at byte 7',
      });
      assert.deepStrictEqual(toPlain(Status, encodeRpcStatus('protobuf', 8, 'Größe')), { code: 8, message: 'Größe' });
    });

    it('omits proto3 defaults and handles negative codes', () => {
      assert.equal(encodeRpcStatus('protobuf', 0, '').length, 0);
      assert.deepStrictEqual(toPlain(Status, encodeRpcStatus('protobuf', -1, 'x')), { code: -1, message: 'x' });
    });

    it('encodes code and message in JSON', () => {
      assert.deepStrictEqual(JSON.parse(text(encodeRpcStatus('json', 3, 'invalid JSON: "x"'))), { code: 3, message: 'invalid JSON: "x"' });
    });
  });
});
