/**
 * `spanlens receive`: the extension's receiver, store and mapping without VS Code. Runs until SIGINT/SIGTERM, then
 * stops accepting, lets in-flight requests finish, and writes the JSON report.
 */
import { existsSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import * as path from 'node:path';
import type { Span } from '../core/model/span';
import type { SpanPack } from '../core/model/spanPack';
import { SpanStore } from '../core/model/spanStore';
import { TapeArena } from '../core/model/tapeArena';
import { GoBlameRefiner, PropagationDetector, type PropagationCounters } from '../core/propagation';
import { SourceMapper, WorkspaceIndex } from '../core/source';
import { DEFAULT_GRPC_PORT, OtlpGrpcReceiver } from '../receiver/grpcReceiver';
import { GRPC_DEFAULT_WINDOWS_NOTE } from '../receiver/grpcFlowControl';
import { DEFAULT_MAX_BODY_BYTES, OtlpHttpReceiver, ReceiverCounters } from '../receiver/httpReceiver';
import { PortInUseError } from '../receiver/receiverErrors';
import { ForwardingDecodePool, PortHeldByOtherProgramError, PortShare, ShareCounters, ShareRole } from '../receiver/sharing';
import type { ReceiveOptions } from './args';
import { buildReport, SpanLensReport, writeReportAtomically } from './report';

/** The report plus what each receiver saw, so a client's refused requests are visible after the run. */
export type ReceiveReport = SpanLensReport & {
  receivers: { http: ReceiverCounters; grpc: ReceiverCounters | null };
  /** Port sharing with other Span Lens processes: the role at the end, and the spans that came over the owner's feed. */
  sharing: ShareCounters & { role: 'owner' | 'subscriber' | 'none'; ownerPid: number | null };
  /**
   * Spans the broken-link detector checked (some only within their trace), those that left its bounded window before
   * their grace elapsed, and those of traces it turned away under a load its window cannot hold.
   */
  brokenLinkChecks: PropagationCounters;
};

/** A batch from any of the receivers: its spans, packed too when they came over the transfer tape. */
interface ReceivedBatch {
  spans: Span[];
  pack?: SpanPack;
}

/** One per core, at most four (each worker has its own heap, up to 1 GiB for a pathological body). */
export function defaultDecodeWorkers(): number {
  return Math.min(4, Math.max(1, availableParallelism()));
}

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
  // One decode pool for both transports. Headless, nothing else needs the cores: a single worker decoding one body at
  // a time is what limits ingest, so there is one per core (the extension keeps one, to leave the editor its cores).
  // It also forwards accepted bodies to other Span Lens processes on the same port, when this one owns it.
  const pool = new ForwardingDecodePool({ workers: options.decodeWorkers ?? defaultDecodeWorkers() });
  // The workers also write the pages of the store's fresh memory while it fills (TapeArena's ChunkPreparer).
  const arena = new TapeArena(undefined, (memory) => pool.prepareChunk(memory));
  const store = new SpanStore({ maxSpans: options.maxSpans, locator: mapper, arena });
  // Broken links are found in the same spans the store gets, and blamed on lines the same way.
  // The refiner narrows a span's line to the Go statement at fault (the `go` statement, the uninstrumented call).
  const detector = new PropagationDetector({ locator: mapper, refiner: new GoBlameRefiner(index) });
  const accept = ({ spans, pack }: ReceivedBatch): void => {
    store.add(spans, pack);
    detector.add(spans);
  };
  const security = { corsAllowedOrigins: options.corsAllowedOrigins ?? [], apiKey: options.apiKey ?? '' };
  const receiver = new OtlpHttpReceiver({ host: options.host, port: options.httpPort, pool, ...security });
  const grpcPort = options.grpcPort ?? DEFAULT_GRPC_PORT;
  const grpcReceiver: OtlpGrpcReceiver | undefined = options.noGrpc ? undefined : new OtlpGrpcReceiver({ host: options.host, port: grpcPort, pool, apiKey: security.apiKey });
  // Spans that arrive before the index is ready wait for it (up to the span cap), so they map with the full index
  // and no statistics are lost to a later re-map; only past the cap are they stored early and re-mapped afterwards.
  let indexed = false;
  let waiting: ReceivedBatch[] = [];
  let waitingSpans = 0;
  let remapWhenIndexed = false;
  const receive = (batch: ReceivedBatch): void => {
    if (indexed) {
      accept(batch);
    } else if (waitingSpans + batch.spans.length <= options.maxSpans) {
      waiting.push(batch);
      waitingSpans += batch.spans.length;
    } else {
      remapWhenIndexed = true;
      accept(batch);
    }
  };
  receiver.onSpans(receive);
  grpcReceiver?.onSpans(receive);
  /** Set when a --grpc-port given by name cannot bind on the first start (exit 1); later takeovers carry on without it. */
  let grpcFailure: string | undefined;
  let firstBind = true;
  let grpcListened = false;
  const cannotListen = (error: unknown, port: number, flag: string): string =>
    error instanceof PortHeldByOtherProgramError
      ? `spanlens: cannot listen on ${error.host}:${error.port}: the port is in use by another program, not Span Lens (${error.reason}); try ${flag}`
      : error instanceof PortInUseError
        ? `spanlens: cannot listen on ${error.host}:${error.port}: the port is in use by another process (try ${flag})`
        : `spanlens: cannot listen on ${options.host}:${port}: ${String(error)}`;
  const bind = async (): Promise<{ grpcPort: number | null }> => {
    const first = firstBind;
    firstBind = false;
    await receiver.start();
    if (grpcReceiver) {
      try {
        await grpcReceiver.start();
        grpcListened = true;
        if (!grpcReceiver.widenedFlowControl) {
          io.log(`spanlens: ${GRPC_DEFAULT_WINDOWS_NOTE}`);
        }
      } catch (error) {
        if (options.grpcPort !== undefined && first) {
          // A port asked for by name must bind; only the default may be skipped.
          grpcFailure = cannotListen(error, grpcPort, '--grpc-port');
        } else {
          io.log(`${cannotListen(error, grpcPort, '--grpc-port or --no-grpc')}; receiving OTLP/HTTP only`);
        }
      }
    }
    return { grpcPort: grpcReceiver?.address?.port ?? null };
  };
  const share = new PortShare({ host: options.host, httpPort: options.httpPort, pool, maxBodyBytes: DEFAULT_MAX_BODY_BYTES, label: 'spanlens receive', bind });
  share.onSpans(receive);
  share.onProblem((message) => io.log(`spanlens: ${message}`));
  let lastRole: ShareRole = share.role;
  share.onDidChangeRole((role) => {
    const before = lastRole;
    lastRole = role;
    if (role.kind === 'owner' && before.kind === 'subscriber') {
      io.log(`spanlens: the owner (pid ${before.owner.pid}) went away: this process took the port over and now receives directly`);
      logListening();
    } else if (role.kind === 'subscriber' && before.kind === 'subscriber' && role.owner.pid !== before.owner.pid) {
      io.log(`spanlens: the owner (pid ${before.owner.pid}) went away: now sharing the port with pid ${role.owner.pid}`);
    } else if (role.kind === 'owner' && before.kind === 'owner' && role.subscribers.length !== before.subscribers.length) {
      io.log(`spanlens: sharing the port with ${role.subscribers.length} other Span Lens process(es)${role.subscribers.length ? `: ${role.subscribers.map((s) => `pid ${s.pid}`).join(', ')}` : ''}`);
    } else if (role.kind === 'lost') {
      io.log(`spanlens: the owner went away and the port could not be taken over: ${role.error.message}; no more spans will arrive`);
    }
  });
  const storeWaiting = (): void => {
    indexed = true;
    for (const batch of waiting) {
      accept(batch);
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

  const closeAll = async (): Promise<void> => {
    // No more takeovers (one under way may be binding right now); then the receivers, so the port is free for a
    // subscriber to take over while the feed still delivers in-flight bodies; then the feed.
    await share.halt();
    await receiver.stop();
    await grpcReceiver?.stop();
    await share.stop();
    await pool.close();
  };
  function logListening(): void {
    io.log(`Span Lens receiving OTLP/HTTP on ${receiver.endpoint} (POST /v1/traces; workspace ${workspace}); SIGINT or SIGTERM writes the report`);
    if (grpcReceiver?.listening) {
      io.log(`Span Lens receiving OTLP/gRPC on ${grpcReceiver.endpoint} (TraceService/Export; OTEL_EXPORTER_OTLP_PROTOCOL=grpc)`);
    }
  }
  let role: ShareRole;
  try {
    role = await share.start();
  } catch (error) {
    await closeAll();
    await indexing;
    io.log(cannotListen(error, options.httpPort, '--http-port'));
    return 1;
  }
  if (grpcFailure !== undefined) {
    await closeAll();
    await indexing;
    io.log(grpcFailure);
    return 1;
  }
  if (role.kind === 'subscriber') {
    const owner = role.owner;
    const host = owner.host.includes(':') ? `[${owner.host}]` : owner.host;
    io.log(
      `Span Lens receiving OTLP/HTTP on http://${host}:${owner.httpPort} shared from pid ${owner.pid} (${owner.label}), which owns the port and forwards every batch here (workspace ${workspace}); SIGINT or SIGTERM writes the report`,
    );
    if (owner.grpcPort !== null) {
      io.log(`Span Lens receiving OTLP/gRPC on http://${host}:${owner.grpcPort} shared from pid ${owner.pid}`);
    }
  } else {
    logListening();
  }

  const signal = await io.waitForStop();
  io.log(`spanlens: ${signal}: finishing in-flight requests`);
  // The role before stopping (stop() makes it idle).
  const lastSharedRole = share.role;
  await closeAll();
  const httpCounters = receiver.counters;
  // null when gRPC never listened here (off, its port taken, or every batch came over another owner's feed).
  const grpcCounters = grpcReceiver && grpcListened ? grpcReceiver.counters : null;
  const shareCounters = share.counters;
  share.dispose();
  await indexing;
  // No more spans can come: every grace window still open is decided now.
  detector.settleAll();
  const brokenLinkChecks = detector.counters();
  if (brokenLinkChecks.notAdmittedSpans > 0) {
    io.log(
      `spanlens: spans arrived faster than the broken-link detector's window holds them through their grace period: it took in whole traces while it had room (${brokenLinkChecks.checkedSpans} spans checked, ${brokenLinkChecks.checkedWithinTraceSpans} of them only within their own trace) and turned ${brokenLinkChecks.notAdmittedSpans} spans away; those were stored and mapped but not checked for broken links`,
    );
  }
  if (brokenLinkChecks.uncheckedSpans > 0) {
    io.log(
      `spanlens: ${brokenLinkChecks.uncheckedSpans} spans of traces larger than the broken-link detector's window were pushed out of it before their grace period ended; they were stored and mapped but not checked for broken links`,
    );
  }
  const report: ReceiveReport = {
    ...buildReport({
      store,
      findings: detector.findings(),
      workspaceRoot: workspace,
      rejectedSpans: httpCounters.rejectedSpans + (grpcCounters?.rejectedSpans ?? 0),
    }),
    receivers: { http: httpCounters, grpc: grpcCounters },
    sharing: {
      role: lastSharedRole.kind === 'subscriber' ? 'subscriber' : lastSharedRole.kind === 'owner' ? 'owner' : 'none',
      ownerPid: lastSharedRole.kind === 'subscriber' ? lastSharedRole.owner.pid : lastSharedRole.kind === 'owner' ? process.pid : null,
      ...shareCounters,
    },
    brokenLinkChecks,
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
