/** OTLP/HTTP response bodies and headers: success in the request's encoding, failures as a google.rpc.Status. */
import type { ServerResponse } from 'node:http';
import { encodeExportTraceResponse, encodeRpcStatus } from '../core/otlp';
import type { PayloadEncoding } from './decodeProtocol';

/** google.rpc.Code values used in Status bodies. */
export const RpcCode = {
  InvalidArgument: 3,
  NotFound: 5,
  PermissionDenied: 7,
  ResourceExhausted: 8,
  Unimplemented: 12,
  Internal: 13,
  Unavailable: 14,
  Unauthenticated: 16,
} as const;

const contentTypes: Record<PayloadEncoding, string> = {
  protobuf: 'application/x-protobuf',
  json: 'application/json',
};

const rpcCodeByStatus: Record<number, number> = {
  400: RpcCode.InvalidArgument,
  401: RpcCode.Unauthenticated,
  403: RpcCode.PermissionDenied,
  404: RpcCode.NotFound,
  405: RpcCode.Unimplemented,
  413: RpcCode.InvalidArgument,
  429: RpcCode.ResourceExhausted,
  415: RpcCode.InvalidArgument,
  500: RpcCode.Internal,
  503: RpcCode.Unavailable,
};

export function send(res: ServerResponse, status: number, encoding: PayloadEncoding, body: Uint8Array, headers: Record<string, string> = {}): void {
  if (res.headersSent || res.writableEnded || res.destroyed) {
    return;
  }
  res.writeHead(status, { ...headers, 'Content-Type': contentTypes[encoding], 'Content-Length': String(body.byteLength) });
  res.end(body);
}

/** 200 with an ExportTraceServiceResponse; partial_success only when some spans were rejected. */
export function sendTraceSuccess(res: ServerResponse, encoding: PayloadEncoding, rejectedSpans: number, rejectionMessage: string): void {
  const partial = rejectedSpans > 0 ? { rejectedSpans, errorMessage: rejectionMessage } : undefined;
  send(res, 200, encoding, encodeExportTraceResponse(encoding, partial));
}

/** 200 with an empty Export{Logs,Metrics}ServiceResponse (an empty message in either encoding). */
export function sendEmptySuccess(res: ServerResponse, encoding: PayloadEncoding): void {
  send(res, 200, encoding, encoding === 'json' ? new TextEncoder().encode('{}') : new Uint8Array(0));
}

/** A 4xx/5xx with a google.rpc.Status body, as the OTLP/HTTP spec requires. */
export function sendFailure(res: ServerResponse, status: number, encoding: PayloadEncoding, message: string, headers: Record<string, string> = {}): void {
  const code = rpcCodeByStatus[status] ?? RpcCode.Internal;
  // 429/503 tell the exporter to back off and retry (OTLP spec: honour Retry-After).
  const extra = status === 503 || status === 429 ? { 'Retry-After': '1', ...headers } : headers;
  send(res, status, encoding, encodeRpcStatus(encoding, code, message), extra);
}

/** A bodiless answer (CORS preflight: 204 or 403). */
export function sendEmpty(res: ServerResponse, status: number, headers: Record<string, string> = {}): void {
  if (res.headersSent || res.writableEnded || res.destroyed) {
    return;
  }
  res.writeHead(status, { ...headers, 'Content-Length': '0' });
  res.end();
}
