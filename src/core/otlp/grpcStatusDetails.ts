/*
 * The `grpc-status-details-bin` trailer of an overloaded OTLP/gRPC call: a google.rpc.Status whose details carry a
 * google.rpc.RetryInfo, which OTLP exporters (the Go SDK among them) honour as the delay before their retry.
 * Written by hand so no protobuf runtime is needed.
 */

const utf8 = new TextEncoder();

const RETRY_INFO_TYPE_URL = 'type.googleapis.com/google.rpc.RetryInfo';

/**
 * google.rpc.Status { int32 code = 1; string message = 2; repeated google.protobuf.Any details = 3 } with one detail
 * Any { type_url = 1; bytes value = 2 } holding RetryInfo { Duration retry_delay = 1 { int64 seconds = 1; int32 nanos = 2 } }.
 */
export function encodeRpcStatusWithRetryInfo(code: number, message: string, retryDelayMs: number): Uint8Array {
  const delay = Math.max(0, Math.round(retryDelayMs));
  const duration: number[] = [];
  const seconds = Math.floor(delay / 1000);
  const nanos = (delay % 1000) * 1_000_000;
  if (seconds > 0) {
    field(duration, 1, 0);
    varint(duration, seconds);
  }
  if (nanos > 0) {
    field(duration, 2, 0);
    varint(duration, nanos);
  }
  const retryInfo: number[] = [];
  field(retryInfo, 1, 2);
  bytes(retryInfo, duration);

  const any: number[] = [];
  field(any, 1, 2);
  bytes(any, utf8.encode(RETRY_INFO_TYPE_URL));
  field(any, 2, 2);
  bytes(any, retryInfo);

  const status: number[] = [];
  if (code !== 0) {
    field(status, 1, 0);
    varint(status, code);
  }
  if (message !== '') {
    field(status, 2, 2);
    bytes(status, utf8.encode(message));
  }
  field(status, 3, 2);
  bytes(status, any);
  return Uint8Array.from(status);
}

function field(out: number[], number: number, wireType: number): void {
  varint(out, (number << 3) | wireType);
}

/** Non-negative integers below 2^53 (codes, lengths, seconds, nanos). */
function varint(out: number[], value: number): void {
  let rest = value;
  while (rest > 0x7f) {
    out.push((rest % 128) | 0x80);
    rest = Math.floor(rest / 128);
  }
  out.push(rest);
}

function bytes(out: number[], data: ArrayLike<number>): void {
  varint(out, data.length);
  for (let i = 0; i < data.length; i++) {
    out.push(data[i]);
  }
}
