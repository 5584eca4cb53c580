/** Reads the two headers that decide how an OTLP/HTTP body is decoded. */
import type { PayloadEncoding } from './decodeProtocol';

/** `application/x-protobuf` or `application/json` (with an optional utf-8 charset); undefined for anything else. */
export function payloadEncodingOf(contentType: string | undefined): PayloadEncoding | undefined {
  if (!contentType) {
    return undefined;
  }
  const [mediaType, ...params] = contentType.split(';').map((part) => part.trim().toLowerCase());
  if (mediaType === 'application/x-protobuf' || mediaType === 'application/protobuf') {
    return 'protobuf';
  }
  if (mediaType === 'application/json') {
    const charset = params.find((param) => param.startsWith('charset='))?.slice('charset='.length).replace(/"/g, '');
    return charset === undefined || charset === 'utf-8' || charset === 'utf8' ? 'json' : undefined;
  }
  return undefined;
}

/** Whether the body is gzip-compressed; undefined for an encoding we cannot read (→ 415). */
export function isGzipEncoded(contentEncoding: string | undefined): boolean | undefined {
  const codings = (contentEncoding ?? '')
    .split(',')
    .map((coding) => coding.trim().toLowerCase())
    .filter((coding) => coding !== '' && coding !== 'identity');
  if (codings.length === 0) {
    return false;
  }
  if (codings.length === 1 && (codings[0] === 'gzip' || codings[0] === 'x-gzip')) {
    return true;
  }
  return undefined;
}
