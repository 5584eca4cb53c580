/** The OTLP/HTTP and OTLP/gRPC receivers and their off-main-thread decoding; no `vscode` here (the CLI runs it too). */
export { OtlpHttpReceiver, DEFAULT_HOST, DEFAULT_PORT, DEFAULT_MAX_BODY_BYTES } from './httpReceiver';
export type { OtlpHttpReceiverOptions, SpansReceived, RequestFailed, ReceiverCounters } from './httpReceiver';
export { DecodePool, resolveDecodeWorkerScript } from './decodePool';
export type { DecodeOutcome, DecodePoolOptions } from './decodePool';
export type { PayloadEncoding } from './decodeProtocol';
export { PortInUseError } from './receiverErrors';
export { OtlpGrpcReceiver, DEFAULT_GRPC_PORT } from './grpcReceiver';
export type { OtlpGrpcReceiverOptions, GrpcSpansReceived, GrpcCallFailed } from './grpcReceiver';
