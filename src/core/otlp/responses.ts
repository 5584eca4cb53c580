/*
 * Response bodies for OTLP/HTTP: ExportTraceServiceResponse on success (with partial_success when spans were
 * rejected) and google.rpc.Status for errors, in the encoding of the request.
 */

export type OtlpEncoding = 'protobuf' | 'json';

export interface PartialSuccess {
  rejectedSpans: number;
  errorMessage: string;
}

const utf8 = new TextEncoder();

/** ExportTraceServiceResponse { ExportTracePartialSuccess partial_success = 1 { int64 rejected_spans = 1; string error_message = 2 } } */
export function encodeExportTraceResponse(encoding: OtlpEncoding, partial?: PartialSuccess): Uint8Array {
  const rejected = partial !== undefined && partial.rejectedSpans > 0 ? Math.trunc(partial.rejectedSpans) : 0;
  if (encoding === 'json') {
    const body =
      rejected > 0
        ? { partialSuccess: { rejectedSpans: String(rejected), errorMessage: partial?.errorMessage ?? '' } }
        : {};
    return utf8.encode(JSON.stringify(body));
  }
  if (rejected === 0) {
    return new Uint8Array(0);
  }
  const inner: number[] = [];
  writeTag(inner, 1, 0);
  writeVarint(inner, rejected);
  if (partial?.errorMessage) {
    writeTag(inner, 2, 2);
    writeBytes(inner, utf8.encode(partial.errorMessage));
  }
  const outer: number[] = [];
  writeTag(outer, 1, 2);
  writeBytes(outer, inner);
  return Uint8Array.from(outer);
}

/** google.rpc.Status { int32 code = 1; string message = 2 } (details omitted). */
export function encodeRpcStatus(encoding: OtlpEncoding, code: number, message: string): Uint8Array {
  if (encoding === 'json') {
    return utf8.encode(JSON.stringify({ code, message }));
  }
  const out: number[] = [];
  if (code !== 0) {
    writeTag(out, 1, 0);
    writeVarint(out, code);
  }
  if (message !== '') {
    writeTag(out, 2, 2);
    writeBytes(out, utf8.encode(message));
  }
  return Uint8Array.from(out);
}

function writeTag(out: number[], field: number, wireType: number): void {
  writeVarint(out, (field << 3) | wireType);
}

/** Non-negative values up to 2^53; negative int32/int64 as their 10-byte two's complement, as protobuf does. */
function writeVarint(out: number[], value: number): void {
  let low: number;
  let high: number;
  if (value >= 0) {
    low = value >>> 0;
    high = Math.floor(value / 4294967296) >>> 0;
  } else {
    const magnitude = -value;
    low = ~(magnitude >>> 0) >>> 0;
    high = ~(Math.floor(magnitude / 4294967296) >>> 0) >>> 0;
    low = (low + 1) >>> 0;
    if (low === 0) {
      high = (high + 1) >>> 0;
    }
  }
  while (high !== 0 || low > 0x7f) {
    out.push((low & 0x7f) | 0x80);
    low = ((low >>> 7) | (high << 25)) >>> 0;
    high >>>= 7;
  }
  out.push(low);
}

function writeBytes(out: number[], bytes: ArrayLike<number>): void {
  writeVarint(out, bytes.length);
  for (let i = 0; i < bytes.length; i++) {
    out.push(bytes[i]);
  }
}
