/**
 * Hand-written gRPC service definitions for the three OTLP collector services. Requests stay raw bytes (the identity
 * deserializer) so decoding runs in the decode pool with our own decoder; responses are bytes we encoded ourselves.
 * No .proto files and no protobuf runtime are loaded.
 */
import type { MethodDefinition, ServiceDefinition } from '@grpc/grpc-js';

export type OtlpSignal = 'traces' | 'logs' | 'metrics';

const services: Record<OtlpSignal, string> = {
  traces: 'opentelemetry.proto.collector.trace.v1.TraceService',
  logs: 'opentelemetry.proto.collector.logs.v1.LogsService',
  metrics: 'opentelemetry.proto.collector.metrics.v1.MetricsService',
};

/** `/package.Service/Export` of a signal. */
export function exportPath(signal: OtlpSignal): string {
  return `/${services[signal]}/Export`;
}

const identity = (bytes: Buffer): Buffer => bytes;
const asBuffer = (bytes: Uint8Array): Buffer => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

/** `service { rpc Export(Export…ServiceRequest) returns (Export…ServiceResponse) }`, both messages as raw bytes. */
export function exportServiceDefinition(signal: OtlpSignal): ServiceDefinition<{ Export: MethodDefinition<Buffer, Uint8Array> }> {
  return {
    Export: {
      path: exportPath(signal),
      requestStream: false,
      responseStream: false,
      requestSerialize: identity,
      requestDeserialize: identity,
      responseSerialize: asBuffer,
      responseDeserialize: identity,
    },
  };
}
