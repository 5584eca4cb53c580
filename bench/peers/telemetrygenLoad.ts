/**
 * Load from the Collector contrib project's telemetrygen: the Go SDK making traces of one root and 511 children
 * (`--batch-size 512`: its batch span processor exports 512-span batches) with ten attributes per span, as fast as it can for the
 * duration, over OTLP/HTTP protobuf or OTLP/gRPC. What arrived is counted by the receiver, not by telemetrygen: its
 * SDK drops spans when its queue is full, exactly as a real service's would.
 * One telemetrygen exports one batch at a time (~16k spans/s over HTTP to a server that only reads bodies, here), so
 * several run side by side, like several services sending to one local receiver.
 */
import { spawn } from 'node:child_process';

export const TELEMETRYGEN_CHILD_SPANS = 511;

/** Nine span attributes from the command line, plus the one telemetrygen always sets (`span.kind` is not an
 *  attribute; it sets `net.sock.peer.addr`): ~10 per span like our own generator. */
const ATTRIBUTES: Record<string, string> = {
  'http.request.method': 'GET',
  'http.route': '/orders/:id',
  'url.path': '/orders/1234',
  'server.address': 'orders.internal',
  'user_agent.original': 'Go-http-client/1.1',
  'code.file.path': '/build/shop/internal/orders/service.go',
  'code.function.name': 'example.com/shop/internal/orders.(*Service).Create',
  'deployment.environment.name': 'bench',
  'service.version': '1.4.2',
};

export interface TelemetrygenRun {
  exitCode: number | null;
  ms: number;
  /** Its last lines, for a note when it fails. */
  tail: string;
}

/** `processes` telemetrygens at once; resolves when all have exited (the worst exit code, the slowest time). */
export async function runTelemetrygens(binary: string, protocol: 'http' | 'grpc', port: number, durationMs: number, processes: number): Promise<TelemetrygenRun> {
  const runs = await Promise.all(Array.from({ length: processes }, () => runTelemetrygen(binary, protocol, port, durationMs, 1)));
  const failed = runs.find((r) => r.exitCode !== 0);
  return { exitCode: failed?.exitCode ?? 0, ms: Math.max(...runs.map((r) => r.ms)), tail: (failed ?? runs[0]).tail };
}

async function runTelemetrygen(binary: string, protocol: 'http' | 'grpc', port: number, durationMs: number, workers: number): Promise<TelemetrygenRun> {
  const args = [
    'traces',
    '--otlp-endpoint',
    `127.0.0.1:${port}`,
    '--otlp-insecure',
    ...(protocol === 'http' ? ['--otlp-http'] : []),
    '--workers',
    String(workers),
    '--rate',
    '0',
    '--duration',
    `${Math.round(durationMs / 1000)}s`,
    '--child-spans',
    String(TELEMETRYGEN_CHILD_SPANS),
    '--batch-size',
    String(TELEMETRYGEN_CHILD_SPANS + 1),
    '--service',
    'order-service',
    ...Object.entries(ATTRIBUTES).flatMap(([key, value]) => ['--telemetry-attributes', `${key}="${value}"`]),
  ];
  const started = performance.now();
  const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (chunk: Buffer): void => {
    output = (output + chunk.toString()).slice(-4000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exitCode = await new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { exitCode, ms: performance.now() - started, tail: output.trim().split('\n').slice(-2).join(' | ').slice(0, 300) };
}
