/**
 * Sustained load with the host's responsiveness: several exporters (worker threads posting SDK-serialized 512-span
 * protobuf batches, ~10 attributes per span) at the rated throughput for a while, against the receiver + store +
 * mapping + broken-link detector running in this process as in the extension host. Reports event-loop delay p50/p99/max, spans/s, heap
 * per stored span, and the span accounting (made = accepted = stored + evicted; refusals were retried).
 *
 * Env: SPANLENS_LOAD_SECONDS (default 60), SPANLENS_LOAD_RATE (spans/s over all clients, default 20000),
 * SPANLENS_LOAD_CLIENTS (default 4). Standalone: `node --expose-gc out/bench/loadBench.js`. Figures only.
 */
import type { BenchRow } from './benchTypes';
import { runLoad } from './loadRun';

export async function runLoadBench(): Promise<BenchRow[]> {
  const seconds = Number(process.env.SPANLENS_LOAD_SECONDS ?? 60);
  const rate = Number(process.env.SPANLENS_LOAD_RATE ?? 20_000);
  const clients = Number(process.env.SPANLENS_LOAD_CLIENTS ?? 4);
  // The store keeps a bounded window (as the extension's default cap does): eviction is part of the load.
  const maxSpans = 200_000;
  const r = await runLoad({ clients, spansPerSecond: rate, durationMs: seconds * 1000, maxSpans });
  const accounted = r.storeStored + r.storeEvicted;
  const balanced = r.spansMade === r.spansAccepted && r.spansAccepted === r.storeReceived && r.storeReceived === accounted;
  const setup = `${clients} clients (worker threads), ${rate.toLocaleString('en-US')} spans/s rated, ${seconds} s, 512-span protobuf batches, 10 attrs/span, store cap ${maxSpans.toLocaleString('en-US')}`;
  return [
    { name: 'load: spans/s sustained', value: r.spansAccepted / (r.elapsedMs / 1000), unit: 'spans/s', note: setup },
    { name: 'load: event-loop delay p50', value: r.eventLoopDelayMs.p50, unit: 'ms', note: 'host thread: receiver + store + mapping + broken-link detector' },
    { name: 'load: event-loop delay p99', value: r.eventLoopDelayMs.p99, unit: 'ms', note: 'target < 20 ms' },
    { name: 'load: event-loop delay max', value: r.eventLoopDelayMs.max, unit: 'ms' },
    { name: 'load: memory per stored span', value: r.bytesPerStoredSpan, unit: 'B', note: `heap + ArrayBuffers (the store's arena), after GC; ${r.storeStored.toLocaleString('en-US')} stored` },
    {
      name: 'load: spans checked for broken links',
      value: r.brokenLinkChecks.checkedSpans,
      unit: 'spans',
      note: `${r.brokenLinkChecks.checkedWithinTraceSpans} only within their trace; ${r.brokenLinkChecks.notAdmittedSpans} of traces turned away, ${r.brokenLinkChecks.uncheckedSpans} pushed out unchecked`,
    },
    {
      name: 'load: spans accounted for',
      value: (100 * accounted) / Math.max(1, r.spansMade),
      unit: '%',
      note:
        `${balanced ? 'balanced' : 'MISMATCH'}: made ${r.spansMade}, accepted ${r.spansAccepted}, stored ${r.storeStored} + evicted ${r.storeEvicted}, ` +
        `duplicates ${r.storeDuplicates}; ${r.refusals} refusals (429/503) retried, ${r.failures} other failures retried, ${r.lateBatches} late batches`,
    },
  ];
}

if (require.main === module) {
  runLoadBench().then(
    (rows) => {
      for (const row of rows) {
        const value = Math.abs(row.value) >= 100 ? Math.round(row.value).toLocaleString('en-US') : row.value.toFixed(2);
        console.log(`${row.name.padEnd(30)} ${value.padStart(12)} ${row.unit.padEnd(8)} ${row.note ?? ''}`);
      }
    },
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
