/** A raw OTLP/gRPC client (bytes in, status out) and a protobufjs reading of google.rpc.Status with RetryInfo. */
import * as http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import * as grpc from '@grpc/grpc-js';
import * as protobuf from 'protobufjs';
import { exportPath, exportServiceDefinition, OtlpSignal } from '../../src/receiver/grpcServices';

export interface GrpcReply {
  code: grpc.status;
  details: string;
  response?: Buffer;
  trailers?: grpc.Metadata;
}

/** Sends one Export call with `message` as the raw request bytes; `gzip` compresses it on the wire. */
export async function exportRaw(port: number, message: Uint8Array, options: { signal?: OtlpSignal; gzip?: boolean; metadata?: Record<string, string> } = {}): Promise<GrpcReply> {
  const Client = grpc.makeGenericClientConstructor(exportServiceDefinition(options.signal ?? 'traces'), 'Export');
  // 2 = gzip in grpc-js's compression algorithm numbering.
  const client = new Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), options.gzip ? { 'grpc.default_compression_algorithm': 2 } : {});
  try {
    return await new Promise<GrpcReply>((resolve) => {
      client.makeUnaryRequest<Buffer, Buffer>(
        exportPath(options.signal ?? 'traces'),
        (bytes: Buffer) => bytes,
        (bytes: Buffer) => bytes,
        Buffer.from(message),
        metadataOf(options.metadata ?? {}),
        (error, response) => {
          if (error) {
            resolve({ code: error.code, details: error.details, trailers: error.metadata });
          } else {
            resolve({ code: grpc.status.OK, details: '', response: response ?? Buffer.alloc(0) });
          }
        },
      );
    });
  } finally {
    client.close();
  }
}

function metadataOf(entries: Record<string, string>): grpc.Metadata {
  const metadata = new grpc.Metadata();
  for (const [key, value] of Object.entries(entries)) {
    metadata.set(key, value);
  }
  return metadata;
}

const root = protobuf.Root.fromJSON({
  nested: {
    Status: { fields: { code: { type: 'int32', id: 1 }, message: { type: 'string', id: 2 }, details: { rule: 'repeated', type: 'Any', id: 3 } } },
    Any: { fields: { type_url: { type: 'string', id: 1 }, value: { type: 'bytes', id: 2 } } },
    RetryInfo: { fields: { retry_delay: { type: 'Duration', id: 1 } } },
    Duration: { fields: { seconds: { type: 'int64', id: 1 }, nanos: { type: 'int32', id: 2 } } },
    ExportTraceServiceResponse: { fields: { partial_success: { type: 'PartialSuccess', id: 1 } } },
    PartialSuccess: { fields: { rejected_spans: { type: 'int64', id: 1 }, error_message: { type: 'string', id: 2 } } },
  },
});

export interface DecodedStatusDetails {
  code: number;
  message: string;
  details: { typeUrl: string; retryDelay?: { seconds: number; nanos: number } }[];
}

/** The `grpc-status-details-bin` trailer, read with protobufjs (independent of our encoder). */
export function decodeStatusDetails(bytes: Uint8Array): DecodedStatusDetails {
  const Status = root.lookupType('Status');
  const RetryInfo = root.lookupType('RetryInfo');
  const status = Status.toObject(Status.decode(bytes), { longs: Number, defaults: true }) as { code: number; message: string; details: { type_url: string; value: Uint8Array }[] };
  return {
    code: status.code,
    message: status.message,
    details: status.details.map((any) => {
      if (any.type_url !== 'type.googleapis.com/google.rpc.RetryInfo') {
        return { typeUrl: any.type_url };
      }
      const info = RetryInfo.toObject(RetryInfo.decode(any.value), { longs: Number, defaults: true }) as { retry_delay: { seconds: number; nanos: number } };
      return { typeUrl: any.type_url, retryDelay: info.retry_delay };
    }),
  };
}

export function decodeExportTraceResponse(bytes: Uint8Array): { rejectedSpans: number; errorMessage: string } | undefined {
  const Response = root.lookupType('ExportTraceServiceResponse');
  const decoded = Response.toObject(Response.decode(bytes), { longs: Number }) as { partial_success?: { rejected_spans?: number; error_message?: string } };
  return decoded.partial_success ? { rejectedSpans: decoded.partial_success.rejected_spans ?? 0, errorMessage: decoded.partial_success.error_message ?? '' } : undefined;
}

export interface CapturedCall {
  grpcEncoding: string | undefined;
  /** The gRPC frame's compressed flag and payload length as sent on the wire. */
  compressed: boolean;
  wireLength: number;
}

/**
 * A bare HTTP/2 server that records the first gRPC call's encoding and frame header, then answers INVALID_ARGUMENT (not retried): to
 * check what a client really puts on the wire (e.g. that "gzip" really compresses).
 */
export async function captureWire(send: (port: number) => Promise<unknown>): Promise<CapturedCall> {
  const server = http2.createServer();
  let captured: CapturedCall | undefined;
  server.on('stream', (stream, headers) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => {
      const frame = Buffer.concat(chunks);
      captured ??= { grpcEncoding: headers['grpc-encoding'] as string | undefined, compressed: frame[0] === 1, wireLength: frame.readUInt32BE(1) };
      stream.respond({ ':status': 200, 'content-type': 'application/grpc', 'grpc-status': String(grpc.status.INVALID_ARGUMENT) }, { endStream: true });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    await send((server.address() as AddressInfo).port);
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
  if (!captured) {
    throw new Error('no gRPC call arrived');
  }
  return captured;
}
