/** The work a decode worker does for one request body: bounded gunzip, then OTLP decode onto a span tape. */
import { gunzipSync } from 'node:zlib';
import type { Span } from '../core/model/span';
import { decodeTraceRequestJson, transcodeTraceRequestProtobuf } from '../core/otlp';
import type { DecodeJob, DecodeReply } from './decodeProtocol';
import { encodeSpans, type SpanTransfer } from '../core/otlp/spanTape';

const utf8 = new TextDecoder('utf-8');

export function decodePayload(job: DecodeJob): DecodeReply {
  const { id } = job;
  let bytes: Uint8Array = new Uint8Array(job.body);
  if (job.gzip) {
    try {
      // maxOutputLength makes zlib stop as soon as the output passes the limit: a gzip bomb is refused, not inflated.
      bytes = gunzipSync(bytes, { maxOutputLength: job.maxBytes });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
        return { id, ok: false, kind: 'too-large', message: `decompressed body exceeds the limit of ${job.maxBytes} bytes` };
      }
      return { id, ok: false, kind: 'decode', message: `invalid gzip data: ${messageOf(error)}` };
    }
  }
  if (bytes.byteLength > job.maxBytes) {
    return { id, ok: false, kind: 'too-large', message: `body exceeds the limit of ${job.maxBytes} bytes` };
  }
  try {
    if (job.encoding === 'protobuf') {
      const { transfer, rejectedSpans, rejectionMessage } = transcodeTraceRequestProtobuf(bytes);
      return { id, ok: true, transfer, rejectedSpans, rejectionMessage, decodedBytes: bytes.byteLength };
    }
    const decoded = decodeTraceRequestJson(utf8.decode(bytes));
    const transfer = toTransfer(decoded.spans);
    return {
      id,
      ok: true,
      ...(transfer ? { transfer } : { spans: decoded.spans }),
      rejectedSpans: decoded.rejectedSpans,
      rejectionMessage: decoded.rejectionMessage,
      decodedBytes: bytes.byteLength,
    };
  } catch (error) {
    // Whatever the decoder throws on, the cause is the payload: the client gets a 400, never a crash.
    return { id, ok: false, kind: 'decode', message: messageOf(error) };
  }
}

/** The compact form, or undefined when the spans hold something it cannot carry (they are cloned instead). */
function toTransfer(spans: Span[]): SpanTransfer | undefined {
  try {
    return encodeSpans(spans);
  } catch {
    return undefined;
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
