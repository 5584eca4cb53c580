/**
 * `spanlens receive`: the extension's receiver, store and mapping without VS Code. Runs until SIGINT/SIGTERM, then
 * stops accepting, lets in-flight requests finish, and writes the JSON report.
 */
import { existsSync, statSync } from 'node:fs';
import * as path from 'node:path';
import type { Span } from '../core/model/span';
import { SpanStore } from '../core/model/spanStore';
import { GoBlameRefiner, PropagationDetector } from '../core/propagation';
import { SourceMapper, WorkspaceIndex } from '../core/source';
import { DecodePool } from '../receiver/decodePool';
import { DEFAULT_GRPC_PORT, OtlpGrpcReceiver } from '../receiver/grpcReceiver';
import { OtlpHttpReceiver, ReceiverCounters } from '../receiver/httpReceiver';
import { PortInUseError } from '../receiver/receiverErrors';
import type { ReceiveOptions } from './args';
import { buildReport, SpanLensReport, writeReportAtomically } from './report';

/** The report plus what each receiver saw, so a client's refused requests are visible after the run. */
export type ReceiveReport = SpanLensReport & { receivers: { http: ReceiverCounters; grpc: ReceiverCounters | null } };

export interface ReceiveIo {
  /** One diagnostic line (no newline). */
  log(line: string): void;
  /** Writes the report when no --report file was given; resolves once it is flushed. */
  writeStdout(text: string): Promise<void>;
  /** Resolves with the signal that asked us to stop. */
  waitForStop(): Promise<string>;
}

/** Exit codes: 0 report written, 1 could not run (port taken, report not writable), 2 bad usage. */
export async function runReceive(options: ReceiveOptions, io: ReceiveIo): Promise<number> {
  const workspace = path.resolve(options.workspace);
  if (!existsSync(workspace) || !statSync(workspace).isDirectory()) {
    io.log(`spanlens: workspace ${workspace} is not a directory`);
    return 2;
  }
  const index = new WorkspaceIndex({ roots: [workspace], grammarDir: bundledGrammarDir() });
  const mapper = new SourceMapper(index);
  const store = new SpanStore({ maxSpans: options.maxSpans, locator: mapper });
  // Broken links are found in the same spans the store gets, and blamed on lines the same way.
  // The refiner narrows a span's line to the Go statement at fault (the `go` statement, the uninstrumented call).
  const detector = new PropagationDetector({ locator: mapper, refiner: new GoBlameRefiner(index) });
  const accept = (spans: Span[]): void => {
    store.add(spans);
    detector.add(spans);
  };
  // One decode pool for both transports: one worker's worth of CPU, whichever way spans come.
  const pool = new DecodePool({ workers: 1 });
  const receiver = new OtlpHttpReceiver({ host: options.host, port: options.httpPort, pool });
  const grpcPort = options.grpcPort ?? DEFAULT_GRPC_PORT;
  let grpcReceiver: OtlpGrpcReceiver | undefined = options.noGrpc ? undefined : new OtlpGrpcReceiver({ host: options.host, port: grpcPort, pool });
  // Spans that arrive before the index is ready wait for it (up to the span cap), so they map with the full index
  // and no statistics are lost to a later re-map; only past the cap are they stored early and re-mapped afterwards.
  let indexed = false;
  let waiting: Span[][] = [];
  let waitingSpans = 0;
  let remapWhenIndexed = false;
  const receive = (spans: Span[]): void => {
    if (indexed) {
      accept(spans);
    } else if (waitingSpans + spans.length <= options.maxSpans) {
      waiting.push(spans);
      waitingSpans += spans.length;
    } else {
      remapWhenIndexed = true;
      accept(spans);
    }
  };
  receiver.onSpans((batch) => receive(batch.spans));
  grpcReceiver?.onSpans((batch) => receive(batch.spans));
  const storeWaiting = (): void => {
    indexed = true;
    for (const spans of waiting) {
      accept(spans);
    }
    waiting = [];
    if (remapWhenIndexed) {
      store.relocate();
      detector.setLocator(mapper);
    }
  };
  receiver.onRequestFailed((failure) => io.log(`spanlens: ${failure.method} ${failure.path} answered ${failure.status}: ${failure.message}`));
  receiver.onListenerError((error) => io.log(`spanlens: could not store spans: ${String(error)}`));
  grpcReceiver?.onRequestFailed((failure) => io.log(`spanlens: gRPC ${failure.path} answered ${failure.codeName}: ${failure.message}`));
  grpcReceiver?.onListenerError((error) => io.log(`spanlens: could not store spans: ${String(error)}`));

  // Receive while indexing.
  const indexing = index.indexAll().then(
    () => {
      storeWaiting();
      io.log(`spanlens: indexed ${index.files.size} files in ${workspace}`);
    },
    (error: unknown) => {
      storeWaiting();
      io.log(`spanlens: indexing ${workspace} failed, spans map by what was indexed: ${String(error)}`);
    },
  );

  const cannotListen = (error: unknown, port: number, flag: string): string =>
    error instanceof PortInUseError
      ? `spanlens: cannot listen on ${error.host}:${error.port}: the port is in use by another process (try ${flag})`
      : `spanlens: cannot listen on ${options.host}:${port}: ${String(error)}`;
  const closeAll = async (): Promise<void> => {
    await receiver.stop();
    await grpcReceiver?.stop();
    await pool.close();
  };
  try {
    await receiver.start();
  } catch (error) {
    await closeAll();
    await indexing;
    io.log(cannotListen(error, options.httpPort, '--http-port'));
    return 1;
  }
  if (grpcReceiver) {
    try {
      await grpcReceiver.start();
    } catch (error) {
      if (options.grpcPort !== undefined) {
        // A port asked for by name must bind; only the default may be skipped.
        await closeAll();
        await indexing;
        io.log(cannotListen(error, grpcPort, '--grpc-port'));
        return 1;
      }
      io.log(`${cannotListen(error, grpcPort, '--grpc-port or --no-grpc')}; receiving OTLP/HTTP only`);
      grpcReceiver.dispose();
      grpcReceiver = undefined;
    }
  }
  io.log(`Span Lens receiving OTLP/HTTP on ${receiver.endpoint} (POST /v1/traces; workspace ${workspace}); SIGINT or SIGTERM writes the report`);
  if (grpcReceiver) {
    io.log(`Span Lens receiving OTLP/gRPC on ${grpcReceiver.endpoint} (TraceService/Export; OTEL_EXPORTER_OTLP_PROTOCOL=grpc)`);
  }

  const signal = await io.waitForStop();
  io.log(`spanlens: ${signal}: finishing in-flight requests`);
  await closeAll();
  const httpCounters = receiver.counters;
  const grpcCounters = grpcReceiver?.counters ?? null;
  await indexing;
  // No more spans can come: every grace window still open is decided now.
  detector.settleAll();
  const report: ReceiveReport = {
    ...buildReport({
      store,
      findings: detector.findings(),
      workspaceRoot: workspace,
      rejectedSpans: httpCounters.rejectedSpans + (grpcCounters?.rejectedSpans ?? 0),
    }),
    receivers: { http: httpCounters, grpc: grpcCounters },
  };
  detector.dispose();
  mapper.dispose();
  index.dispose();
  if (options.report) {
    try {
      await writeReportAtomically(options.report, report);
    } catch (error) {
      io.log(`spanlens: cannot write the report to ${options.report}: ${String(error)}`);
      return 1;
    }
    io.log(
      `spanlens: report written to ${path.resolve(options.report)} (${report.spans} spans, ${report.locations.length} locations, ${report.findings.length} broken links)`,
    );
  } else {
    await io.writeStdout(`${JSON.stringify(report, null, 2)}\n`);
  }
  return 0;
}

/** Bundled, the grammars sit in dist/grammars beside dist/cli.js; from tsc output the index finds them in node_modules. */
function bundledGrammarDir(): string | undefined {
  return existsSync(path.join(__dirname, 'grammars', 'tree-sitter.wasm')) ? __dirname : undefined;
}
