/**
 * The receivers the peer bench runs, each as its own process on free ports: Span Lens's headless receiver, the
 * OpenTelemetry Collector core distribution (OTLP receiver → nop exporter: receiving and nothing else), and Jaeger v2
 * with its memory store. Each says how many spans it accepted by its own count (Span Lens's report, the collectors'
 * `otelcol_receiver_accepted_spans` metric) and how many it keeps, for memory per stored span.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { peerBinary, peerVersion } from './peerCache';
import { freePort, ReceiverProcess, scrapeCounter } from './receiverProcess';

/** Both stores hold at most this many spans (Jaeger counts traces: 2,000 traces of 512 spans). */
export const STORE_CAPACITY_SPANS = 1_024_000;
const SPANS_PER_TRACE = 512;

export interface Ports {
  http: number;
  grpc: number;
}

export interface Counts {
  /** Spans the receiver says it accepted, when it says. */
  accepted?: number;
  /** Spans it keeps in memory at the end of the run; undefined when it keeps none. */
  stored?: number;
}

export interface RunningReceiver {
  ports: Ports;
  process: ReceiverProcess;
  /** Read while it still runs (metrics endpoints). */
  countsBeforeStop(): Promise<Counts>;
  /** Stops it and returns the counts only known afterwards (Span Lens's report), merged with the earlier ones. */
  stop(before: Counts): Promise<Counts>;
}

export interface PeerReceiver {
  name: string;
  /** Binary name in the peers cache; undefined for Span Lens itself. */
  tool?: string;
  version(): string;
  /** Why it cannot run here, or undefined when it can. */
  unavailable(): string | undefined;
  /** Why it is not measured with this protocol and load, or undefined when it is. */
  notFor?(protocol: 'http' | 'grpc', load: 'own' | 'telemetrygen'): string | undefined;
  start(): Promise<RunningReceiver>;
}

const root = path.resolve(__dirname, '../../..');
const cliJs = path.join(root, 'dist', 'cli.js');

export const spanLens: PeerReceiver = {
  name: 'Span Lens',
  version: () => {
    try {
      return (JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string }).version;
    } catch {
      return '?';
    }
  },
  unavailable: () => (existsSync(cliJs) ? undefined : 'dist/cli.js missing: npm run build'),
  async start() {
    const ports = { http: await freePort(), grpc: await freePort() };
    const dir = mkdtempSync(path.join(os.tmpdir(), 'spanlens-peerbench-'));
    const report = path.join(dir, 'report.json');
    const workspace = path.join(root, 'test', 'fixtures', 'cli-workspace');
    const proc = new ReceiverProcess(process.execPath, [
      cliJs,
      'receive',
      '--http-port',
      String(ports.http),
      '--grpc-port',
      String(ports.grpc),
      '--workspace',
      workspace,
      '--max-spans',
      String(STORE_CAPACITY_SPANS),
      '--report',
      report,
    ]);
    await proc.waitForPorts([ports.http, ports.grpc]);
    return {
      ports,
      process: proc,
      countsBeforeStop: () => Promise.resolve({}),
      async stop() {
        await proc.stop();
        try {
          const parsed = JSON.parse(readFileSync(report, 'utf8')) as { spans: number; receivers: { http: { spans: number }; grpc: { spans: number } | null } };
          const accepted = parsed.receivers.http.spans + (parsed.receivers.grpc?.spans ?? 0);
          return { accepted, stored: Math.min(parsed.spans, STORE_CAPACITY_SPANS) };
        } catch (error) {
          throw new Error(`no report from spanlens receive (${String(error)}): ${proc.lastLines()}`);
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      },
    };
  },
};

/** Starts a collector-style binary (`--config file`) and reads its accepted-span counter from its metrics port. */
async function startCollector(binary: string, config: (ports: Ports, metricsPort: number) => Promise<string>, storedCap?: number): Promise<RunningReceiver> {
  const ports = { http: await freePort(), grpc: await freePort() };
  const metricsPort = await freePort();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'spanlens-peerbench-'));
  const file = path.join(dir, 'config.yaml');
  writeFileSync(file, await config(ports, metricsPort));
  const proc = new ReceiverProcess(binary, ['--config', file]);
  try {
    await proc.waitForPorts([ports.http, ports.grpc, metricsPort]);
  } catch (error) {
    await proc.stop();
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    ports,
    process: proc,
    async countsBeforeStop() {
      const accepted = await scrapeCounter(metricsPort, 'otelcol_receiver_accepted_spans');
      return { accepted, stored: storedCap === undefined || accepted === undefined ? undefined : Math.min(accepted, storedCap) };
    },
    async stop(before) {
      await proc.stop();
      rmSync(dir, { recursive: true, force: true });
      return before;
    },
  };
}

const telemetry = (metricsPort: number): string => `
  telemetry:
    metrics:
      level: normal
      readers:
        - pull:
            exporter:
              prometheus:
                host: 127.0.0.1
                port: ${metricsPort}
    logs:
      level: warn`;

const otlpReceiver = (ports: Ports): string => `
  otlp:
    protocols:
      grpc:
        endpoint: 127.0.0.1:${ports.grpc}
      http:
        endpoint: 127.0.0.1:${ports.http}`;

export const otelCollector: PeerReceiver = {
  name: 'OTel Collector',
  tool: 'otelcorecol',
  version: () => peerVersion('otelcorecol'),
  unavailable: () => (peerBinary('otelcorecol') ? undefined : 'not installed'),
  start: () =>
    startCollector(peerBinary('otelcorecol') ?? 'otelcorecol', (ports, metricsPort) =>
      Promise.resolve(`receivers:${otlpReceiver(ports)}
exporters:
  nop:
service:
  pipelines:
    traces:
      receivers: [otlp]
      exporters: [nop]
${telemetry(metricsPort)}
`),
    ),
};

/** Jaeger v2 as its all-in-one configuration runs it (batch → memory store, query service on), minus the
 *  non-OTLP receivers and sampling/health extensions, all on free ports. */
export const jaeger: PeerReceiver = {
  name: 'Jaeger (memory)',
  tool: 'jaeger',
  version: () => peerVersion('jaeger'),
  unavailable: () => (peerBinary('jaeger') ? undefined : 'not installed'),
  start: () =>
    startCollector(
      peerBinary('jaeger') ?? 'jaeger',
      async (ports, metricsPort) => `service:
  extensions: [jaeger_storage, jaeger_query]
  pipelines:
    traces:
      receivers: [otlp]
      processors: [batch]
      exporters: [jaeger_storage_exporter]
${telemetry(metricsPort)}
extensions:
  jaeger_query:
    storage:
      traces: memstore
    http:
      endpoint: 127.0.0.1:${await freePort()}
    grpc:
      endpoint: 127.0.0.1:${await freePort()}
  jaeger_storage:
    backends:
      memstore:
        memory:
          max_traces: ${STORE_CAPACITY_SPANS / SPANS_PER_TRACE}
receivers:${otlpReceiver(ports)}
processors:
  batch:
exporters:
  jaeger_storage_exporter:
    trace_storage: memstore
`,
      STORE_CAPACITY_SPANS,
    ),
};

const bareServerJs = path.join(__dirname, 'bareHttpServer.js');

/**
 * Not a peer: the ceiling the transport sets. The target is a quarter of what it sustains on the same load.
 * It counts nothing, so it runs only under our generator (which counts acknowledged spans), and only over HTTP.
 */
export const bareNodeHttp: PeerReceiver = {
  name: 'bare node:http',
  version: () => `node ${process.version}`,
  unavailable: () => (existsSync(bareServerJs) ? undefined : `${bareServerJs} missing: npx tsc -p .`),
  notFor: (protocol, load) =>
    protocol !== 'http' ? 'OTLP/HTTP only' : load !== 'own' ? 'counts no spans, so only under our generator (which counts acknowledged spans)' : undefined,
  async start() {
    const ports = { http: await freePort(), grpc: 0 };
    const proc = new ReceiverProcess(process.execPath, [bareServerJs, String(ports.http)]);
    await proc.waitForPorts([ports.http]);
    return {
      ports,
      process: proc,
      countsBeforeStop: () => Promise.resolve({}),
      async stop(before) {
        await proc.stop();
        return before;
      },
    };
  },
};

export const allReceivers: PeerReceiver[] = [spanLens, otelCollector, jaeger, bareNodeHttp];
