/** OTLP trace payloads in and responses out: the receiver's whole view of the wire formats. */
export { decodeTraceRequestProtobuf, transcodeTraceRequestProtobuf, type TranscodedTraceRequest } from './decodeProtobuf';
export { decodeTraceRequestJson } from './decodeJson';
export type { DecodedTraceRequest } from './decodedRequest';
export { encodeExportTraceResponse, encodeRpcStatus, type OtlpEncoding, type PartialSuccess } from './responses';
export { OtlpDecodeError } from './errors';
