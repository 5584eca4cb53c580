/**
 * A sustained-load run against the receiver as the extension host runs it: in this process, the OTLP/HTTP receiver
 * (decoding in its worker), the span store with source mapping, the broken-link detector (settled every second, as
 * the extension does); the exporters are worker threads (loadClient.ts),
 * so they load the CPU as services on the machine would but never block this thread's event loop.
 *
 * Measures this thread's event-loop delay (perf_hooks.monitorEventLoopDelay), spans/s, memory per stored span (heap
 * plus ArrayBuffers), and accounts for every span: made by the clients = accepted (after any 429/503 + retry) =
 * received by the store = stored + evicted.
 */
import * as path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { SpanStore } from '../src/core/model';
import { GoBlameRefiner, PropagationDetector, type PropagationCounters } from '../src/core/propagation';
import { SourceMapper, WorkspaceIndex } from '../src/core/source';
import { DecodePool, OtlpHttpReceiver } from '../src/receiver';
import type { LoadClientOptions, LoadClientResult } from './loadClient';

export interface LoadRunOptions {
  clients: number;
  /** Total spans per second over all clients (the rated throughput). */
  spansPerSecond: number;
  durationMs: number;
  batchSize?: number;
  /** Store cap; below the total sent, so eviction is exercised and counted. */
  maxSpans: number;
  maxInFlightPerClient?: number;
  /** Decode pool queue bound: small values force 503s (and retries) to exercise the accounting. */
  maxQueuedJobs?: number;
  retryDelayMs?: number;
  workspace?: string;
}

export interface LoadRunResult {
  clients: LoadClientResult[];
  spansMade: number;
  spansAccepted: number;
  refusals: number;
  failures: number;
  lateBatches: number;
  /** From the receiver and the store. */
  receiverSpans: number;
  storeReceived: number;
  storeStored: number;
  storeEvicted: number;
  storeDuplicates: number;
  elapsedMs: number;
  eventLoopDelayMs: { p50: number; p99: number; max: number };
  /**
   * Growth of the heap plus ArrayBuffer memory (the store's arena of packed batches lives there), after GC when
   * --expose-gc, divided by spans stored.
   */
  bytesPerStoredSpan: number;
  brokenLinkChecks: PropagationCounters;
}

/** As the extension's findings controller settles its detector. */
const SETTLE_INTERVAL_MS = 1000;

const DEFAULT_WORKSPACE = path.resolve(__dirname, '../../test/fixtures/cli-workspace');

/** The monitor's timer period: what it records is the whole interval between ticks, period included. */
const RESOLUTION_MS = 2;

/** ns interval → ms the loop was late by. */
function lateness(intervalNs: number): number {
  return Math.max(0, intervalNs / 1e6 - RESOLUTION_MS);
}

function collectGarbage(): boolean {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  return gc !== undefined;
}

function runClient(options: LoadClientOptions): Promise<LoadClientResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(path.join(__dirname, 'loadClient.js'), { workerData: { loadClient: options } });
    worker.once('message', (message: { result?: LoadClientResult; error?: string }) => {
      void worker.terminate();
      if (message.result) {
        resolve(message.result);
      } else {
        reject(new Error(`load client ${options.clientId}: ${message.error}`));
      }
    });
    worker.once('error', reject);
  });
}

/** The JavaScript heap plus ArrayBuffer memory. */
function heldBytes(): number {
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.arrayBuffers;
}

export async function runLoad(options: LoadRunOptions): Promise<LoadRunResult> {
  const batchSize = options.batchSize ?? 512;
  const index = new WorkspaceIndex({ roots: [options.workspace ?? DEFAULT_WORKSPACE] });
  await index.indexAll();
  const mapper = new SourceMapper(index);
  const store = new SpanStore({ maxSpans: options.maxSpans, locator: mapper });
  const pool = new DecodePool({ maxQueuedJobs: options.maxQueuedJobs });
  const receiver = new OtlpHttpReceiver({ port: 0, pool });
  const detector = new PropagationDetector({ locator: mapper, refiner: new GoBlameRefiner(index) });
  receiver.onSpans((batch) => {
    // As the extension stores a batch: packed when it came over the transfer tape.
    store.add(batch.spans, batch.pack);
    detector.add(batch.spans);
  });
  const settling = setInterval(() => detector.settle(), SETTLE_INTERVAL_MS);
  await receiver.start();
  const heapBefore = (collectGarbage(), heldBytes());
  const delay = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  try {
    delay.enable();
    const started = performance.now();
    const batchesPerSecond = options.spansPerSecond / batchSize / options.clients;
    const results = await Promise.all(
      Array.from({ length: options.clients }, (_, clientId) =>
        runClient({
          clientId,
          port: receiver.address?.port ?? 0,
          batchesPerSecond,
          durationMs: options.durationMs,
          batchSize,
          maxInFlight: options.maxInFlightPerClient ?? 2,
          retryDelayMs: options.retryDelayMs,
        }),
      ),
    );
    const elapsedMs = performance.now() - started;
    delay.disable();
    const hadGc = collectGarbage();
    const heapAfter = heldBytes();
    const totals = store.totals();
    const sum = (pick: (r: LoadClientResult) => number): number => results.reduce((acc, r) => acc + pick(r), 0);
    return {
      clients: results,
      spansMade: sum((r) => r.spansMade),
      spansAccepted: sum((r) => r.spansAccepted),
      refusals: sum((r) => r.refusals),
      failures: sum((r) => r.failures),
      lateBatches: sum((r) => r.lateBatches),
      receiverSpans: receiver.counters.spans,
      storeReceived: totals.spansReceived,
      storeStored: totals.spansStored,
      storeEvicted: totals.evictedSpans,
      storeDuplicates: totals.duplicateSpans,
      elapsedMs,
      eventLoopDelayMs: { p50: lateness(delay.percentile(50)), p99: lateness(delay.percentile(99)), max: lateness(delay.max) },
      bytesPerStoredSpan: hadGc && totals.spansStored > 0 ? (heapAfter - heapBefore) / totals.spansStored : NaN,
      brokenLinkChecks: detector.counters(),
    };
  } finally {
    delay.disable();
    clearInterval(settling);
    detector.dispose();
    await receiver.stop();
    await pool.close();
    mapper.dispose();
    index.dispose();
    store.dispose();
  }
}
