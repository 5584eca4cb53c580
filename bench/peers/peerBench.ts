/**
 * Span Lens's headless receiver against the receivers a user would otherwise run locally, on the same load:
 * spans/s sustained, peak RSS, and memory per stored span, with ratios to Span Lens.
 *
 * Each receiver runs as its own process, fresh for each protocol (OTLP/HTTP protobuf, then OTLP/gRPC), for
 * SPANLENS_PEER_SECONDS (15) of load from telemetrygen when scripts/bench-peers-setup.sh installed it, otherwise from
 * our own generator (SPANLENS_PEER_LOAD=own|telemetrygen to choose). Spans/s counts only spans the receiver
 * acknowledged (own generator) or counted itself (telemetrygen: Span Lens's report, the collectors' metrics).
 * Each run starts with SPANLENS_PEER_WARMUP_SECONDS (2) of our load, not counted.
 * Memory per stored span is the growth of the receiver's resident set over the run divided by the spans it keeps
 * (both stores are capped at the same 1,024,000 spans), read right after the run (garbage included) and again after
 * SPANLENS_PEER_SETTLE_SECONDS (10) idle; the Collector keeps none. A bare node:http server that reads bodies and
 * answers 200 sets the ceiling over OTLP/HTTP: Span Lens's share of it is printed.
 *
 * SPANLENS_PEER_ROUNDS (3) rounds run every receiver in turn, so drift on a shared machine falls on all of them alike;
 * the table gives each figure's median over the rounds and the spread of spans/s, and the share of the bare server is
 * the median of the per-round shares (one run can be 15 % off the next here, and V8's GC heuristics make Span Lens's
 * runs bimodal).
 *
 * Peers come from the cache the setup script fills; a missing one is a row saying how to install it.
 * Runs `npm run build` first when dist/cli.js is older than src/ (SPANLENS_PEER_NO_BUILD=1 skips that).
 * Linux only (/proc). Standalone: `node out/bench/peers/peerBench.js`. Figures only; nothing is asserted on time.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import type { BenchRow } from '../benchTypes';
import { makeTemplate, sendGrpc, sendHttp, type LoadTemplate } from './otlpLoad';
import { notInstalledNote, peerBinary, peerVersion, SETUP_SCRIPT } from './peerCache';
import { allReceivers, bareNodeHttp, type PeerReceiver } from './receivers';
import { combineRounds, sharesByRound, type Measurement } from './rounds';
import { runTelemetrygens } from './telemetrygenLoad';

type Protocol = Measurement['protocol'];
type LoadKind = Measurement['load'];
const loadNames: Record<LoadKind, string> = { own: 'own', telemetrygen: 'tgen' };

const DURATION_MS = Number(process.env.SPANLENS_PEER_SECONDS ?? 15) * 1000;
const PROTOCOLS = (process.env.SPANLENS_PEER_PROTOCOLS ?? 'http,grpc').split(',').filter((p): p is Protocol => p === 'http' || p === 'grpc');
const CONNECTIONS = Number(process.env.SPANLENS_PEER_CONNECTIONS ?? 4);
const TELEMETRYGEN_PROCESSES = Number(process.env.SPANLENS_PEER_TELEMETRYGENS ?? 4);
/** Load before the measured run, uncounted: JIT warm-up, connection set-up, Span Lens's workspace index. */
const WARMUP_MS = Number(process.env.SPANLENS_PEER_WARMUP_SECONDS ?? 2) * 1000;
/** Time for a receiver to finish what it queued (Jaeger's batch processor flushes within 200 ms). */
const DRAIN_MS = 1500;
/**
 * Idle time after the drain before memory is read again: garbage the run left (evicted traces, request buffers) is
 * collected by then in both runtimes (V8's memory reducer, Go's GC), so what remains is what the stored spans hold.
 */
const SETTLE_MS = Number(process.env.SPANLENS_PEER_SETTLE_SECONDS ?? 10) * 1000;
const ROUNDS = Math.max(1, Math.floor(Number(process.env.SPANLENS_PEER_ROUNDS ?? 3)));
const MiB = 1024 * 1024;

const root = path.resolve(__dirname, '../../..');

/** TUI/desktop viewers: listed so the table says why they have no figures. */
const viewers: { name: string; tool: string; why: string }[] = [
  { name: 'otel-tui', tool: 'otel-tui', why: 'a terminal UI: it needs a TTY, so the bench does not run it headless' },
  { name: 'otel-desktop-viewer', tool: 'otel-desktop-viewer', why: 'installed, but its headless flags are not wired into this bench yet' },
];

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(file) : statSync(file).mtimeMs);
  }
  return newest;
}

/** The bench runs the bundled CLI, as users do: rebuild it when the sources are newer than the bundle. */
function ensureCliBuilt(): string | undefined {
  const cli = path.join(root, 'dist', 'cli.js');
  if (process.env.SPANLENS_PEER_NO_BUILD && existsSync(cli)) {
    return undefined;
  }
  const stale = !existsSync(cli) || !readFileSync(cli, 'utf8').includes('grpc-port') || statSync(cli).mtimeMs < newestMtime(path.join(root, 'src'));
  if (!stale) {
    return undefined;
  }
  console.log('peers: dist/cli.js is older than src/: npm run build');
  const build = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  return build.status === 0 ? undefined : `npm run build failed (exit ${build.status}); measured the existing dist/cli.js`;
}

async function measure(receiver: PeerReceiver, protocol: Protocol, load: LoadKind, template: LoadTemplate): Promise<Measurement> {
  const base = { receiver: receiver.name, protocol, load };
  let running;
  try {
    running = await receiver.start();
  } catch (error) {
    return { ...base, note: `could not start: ${String(error instanceof Error ? error.message : error)}` };
  }
  try {
    await sleep(1000);
    const idleRss = running.process.memory().rss;
    const port = running.ports[protocol];
    const send = protocol === 'http' ? sendHttp : sendGrpc;
    // Receivers count cumulatively: the warm-up's spans are taken off their count below.
    const warmup = await send(template, port, WARMUP_MS, CONNECTIONS);
    const cpuBefore = running.process.cpuSeconds();
    let clientAcked: number | undefined;
    let ms: number;
    let loadNote = '';
    if (load === 'own') {
      const result = await send(template, port, DURATION_MS, CONNECTIONS);
      clientAcked = result.ackedSpans;
      ms = result.ms;
      if (result.failedRequests > 0) {
        loadNote = `; ${result.failedRequests} requests refused (first: ${result.firstError})`;
      }
      loadNote += `; generator used ${(result.generatorCpuSeconds / (result.ms / 1000)).toFixed(2)} of a core`;
    } else {
      const run = await runTelemetrygens(peerBinary('telemetrygen') ?? 'telemetrygen', protocol, port, DURATION_MS, TELEMETRYGEN_PROCESSES);
      ms = run.ms;
      if (run.exitCode !== 0) {
        loadNote = `; telemetrygen exited ${run.exitCode}: ${run.tail}`;
      }
    }
    await sleep(DRAIN_MS);
    const memory = running.process.memory();
    const cpu = running.process.cpuSeconds() - cpuBefore;
    await sleep(SETTLE_MS);
    const settled = running.process.memory();
    const counts = await running.stop(await running.countsBeforeStop());
    const accepted = counts.accepted === undefined ? undefined : counts.accepted - warmup.ackedSpans;
    const spans = clientAcked ?? accepted;
    const counted =
      clientAcked === undefined
        ? `counted by the receiver`
        : `acknowledged ${clientAcked.toLocaleString('en-US')}, receiver counted ${accepted?.toLocaleString('en-US') ?? '?'}`;
    return {
      ...base,
      spansPerSecond: spans === undefined ? undefined : spans / (ms / 1000),
      peakRss: memory.peakRss,
      bytesPerStoredSpan: counts.stored ? Math.max(0, memory.rss - idleRss) / counts.stored : undefined,
      settledBytesPerStoredSpan: counts.stored ? Math.max(0, settled.rss - idleRss) / counts.stored : undefined,
      cpuMicrosPerSpan: spans ? (cpu * 1e6) / spans : undefined,
      note: `${receiver.version()}; ${counted}${counts.stored ? `, stores ${counts.stored.toLocaleString('en-US')}` : ''}${loadNote}`,
    };
  } catch (error) {
    await running.process.stop();
    return { ...base, note: `failed: ${String(error instanceof Error ? error.message : error)}` };
  }
}

function ratio(value: number | undefined, reference: number | undefined): string {
  return value === undefined || !reference ? '' : `×${(value / reference).toFixed(2)} Span Lens`;
}

function toRows(measurements: Measurement[]): BenchRow[] {
  const rows: BenchRow[] = [];
  for (const m of measurements) {
    const sl = measurements.find((x) => x.receiver === 'Span Lens' && x.protocol === m.protocol && x.load === m.load);
    const isSpanLens = m.receiver === 'Span Lens';
    const prefix = `${m.receiver} ${m.protocol} ${loadNames[m.load]}`;
    rows.push({ name: `${prefix} spans/s`, value: m.spansPerSecond ?? NaN, unit: 'spans/s', note: [isSpanLens ? '' : ratio(m.spansPerSecond, sl?.spansPerSecond), m.note].filter(Boolean).join('; ') });
    if (m.cpuMicrosPerSpan !== undefined) {
      rows.push({ name: `${prefix} CPU/span`, value: m.cpuMicrosPerSpan, unit: 'µs', note: isSpanLens ? 'receiver process CPU time / spans' : ratio(m.cpuMicrosPerSpan, sl?.cpuMicrosPerSpan) });
    }
    if (m.peakRss !== undefined) {
      rows.push({ name: `${prefix} peak RSS`, value: m.peakRss / MiB, unit: 'MiB', note: isSpanLens ? undefined : ratio(m.peakRss, sl?.peakRss) });
    }
    if (m.bytesPerStoredSpan !== undefined) {
      rows.push({
        name: `${prefix} memory/stored span`,
        value: m.bytesPerStoredSpan,
        unit: 'bytes',
        note: isSpanLens ? 'RSS growth over the run / spans kept' : ratio(m.bytesPerStoredSpan, sl?.bytesPerStoredSpan),
      });
    }
    if (m.settledBytesPerStoredSpan !== undefined) {
      rows.push({
        name: `${prefix} memory/stored span, settled`,
        value: m.settledBytesPerStoredSpan,
        unit: 'bytes',
        note: isSpanLens ? `the same after ${SETTLE_MS / 1000} s idle` : ratio(m.settledBytesPerStoredSpan, sl?.settledBytesPerStoredSpan),
      });
    }
  }
  return rows;
}

function printTable(measurements: Measurement[], load: string): void {
  const fmt = (v: number | undefined, digits = 0): string => (v === undefined || !Number.isFinite(v) ? '—' : v.toLocaleString('en-US', { maximumFractionDigits: digits }));
  const x = (v: number | undefined, r: number | undefined): string => (v === undefined || !r ? '' : `×${(v / r).toFixed(2)}`);
  console.log(`\nPeers — ${DURATION_MS / 1000} s per receiver, protocol and load, ${ROUNDS === 1 ? 'one round' : `median of ${ROUNDS} rounds`}; ${load}`);
  const header = ['receiver', 'proto', 'load', 'spans/s', '×SL', 'CPU µs/span', '×SL', 'peak RSS MiB', '×SL', 'B/stored span', '×SL', 'settled', '×SL'];
  const lines = measurements.map((m) => {
    const sl = measurements.find((s) => s.receiver === 'Span Lens' && s.protocol === m.protocol && s.load === m.load);
    return [
      m.receiver,
      m.protocol,
      loadNames[m.load],
      fmt(m.spansPerSecond),
      x(m.spansPerSecond, sl?.spansPerSecond),
      fmt(m.cpuMicrosPerSpan, 2),
      x(m.cpuMicrosPerSpan, sl?.cpuMicrosPerSpan),
      fmt(m.peakRss === undefined ? undefined : m.peakRss / MiB, 1),
      x(m.peakRss, sl?.peakRss),
      fmt(m.bytesPerStoredSpan),
      x(m.bytesPerStoredSpan, sl?.bytesPerStoredSpan),
      fmt(m.settledBytesPerStoredSpan),
      x(m.settledBytesPerStoredSpan, sl?.settledBytesPerStoredSpan),
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const line = (cells: string[]): string => cells.map((c, i) => (i < 3 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  console.log(line(header));
  lines.forEach((l, i) => console.log(`${line(l)}  ${measurements[i].note}`));
}

/** SPANLENS_PEER_LOAD=own|telemetrygen|both; by default both when telemetrygen is installed, else ours. */
function chooseLoads(): LoadKind[] {
  const requested = process.env.SPANLENS_PEER_LOAD;
  const haveTelemetrygen = peerBinary('telemetrygen') !== undefined;
  if (requested === 'own' || (requested === 'telemetrygen' && !haveTelemetrygen)) {
    return ['own'];
  }
  if (requested === 'telemetrygen') {
    return ['telemetrygen'];
  }
  return haveTelemetrygen ? ['own', 'telemetrygen'] : ['own'];
}

/** Same load and protocol together, so the eye compares receivers down a block. */
function sortForTable(measurements: Measurement[]): Measurement[] {
  const key = (m: Measurement): string => `${m.load}/${m.protocol}`;
  const order = [...new Set(measurements.map(key))];
  return [...measurements].sort((a, b) => order.indexOf(key(a)) - order.indexOf(key(b)));
}

export async function runPeerBench(): Promise<BenchRow[]> {
  if (process.platform !== 'linux') {
    return [{ name: 'peers', value: NaN, unit: '', note: 'Linux only: peak RSS comes from /proc/<pid>/status' }];
  }
  const buildNote = ensureCliBuilt();
  const loads = chooseLoads();
  const template = await makeTemplate();
  const loadLabel = loads
    .map((load) =>
      load === 'telemetrygen'
        ? `tgen = telemetrygen ${peerVersion('telemetrygen')} (${TELEMETRYGEN_PROCESSES} processes, traces of 512 spans, 512-span batches)`
        : `own = our generator (${CONNECTIONS} concurrent requests of 512 spans)`,
    )
    .concat(peerBinary('telemetrygen') ? [] : [`telemetrygen ${notInstalledNote('telemetrygen')}`])
    .join('; ');

  const rows: BenchRow[] = [];
  const runnable = allReceivers.filter((receiver) => !receiver.unavailable());
  for (const receiver of allReceivers) {
    if (receiver.unavailable()) {
      const note = receiver.tool ? notInstalledNote(receiver.tool) : (receiver.unavailable() ?? '');
      rows.push({ name: `${receiver.name} spans/s`, value: NaN, unit: 'spans/s', note });
    }
  }
  // Round by round, every receiver in turn: drift on a shared machine then falls on all of them alike.
  const rounds: Measurement[][] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const measured: Measurement[] = [];
    for (const receiver of runnable) {
      for (const load of loads) {
        for (const protocol of PROTOCOLS) {
          if (receiver.notFor?.(protocol, load) === undefined) {
            measured.push(await measure(receiver, protocol, load, template));
          }
        }
      }
    }
    rounds.push(measured);
  }
  const measurements = combineRounds(rounds);
  for (const viewer of viewers) {
    rows.push({ name: `${viewer.name} spans/s`, value: NaN, unit: 'spans/s', note: peerBinary(viewer.tool) ? viewer.why : notInstalledNote(viewer.tool) });
  }
  printTable(sortForTable(measurements), loadLabel);
  const isBare = (m: Measurement): boolean => m.receiver === bareNodeHttp.name;
  const overOwnHttp = (name: string) => (m: Measurement): boolean => m.receiver === name && m.protocol === 'http' && m.load === 'own';
  const perRound = (shares: number[]): string => (shares.length > 1 ? ` (rounds: ${shares.map((v) => `${v.toFixed(1)} %`).join(', ')})` : '');
  const ours = sharesByRound(rounds, overOwnHttp('Span Lens'), isBare);
  if (ours.median !== undefined) {
    console.log(`Span Lens / bare node:http over OTLP/HTTP protobuf, same load: ${ours.median.toFixed(1)} %${perRound(ours.perRound)} (target ≥ 25 %)`);
    rows.push({
      name: 'Span Lens http own / bare node:http',
      value: ours.median,
      unit: '%',
      note: `headless receiver + store + mapping + broken-link detection vs bodies read and discarded; median of the per-round shares${perRound(ours.perRound)}; target ≥ 25 %`,
    });
    // The peers' shares of the same ceiling, for scale: what decoding (and storing) costs any receiver here.
    for (const peer of runnable) {
      if (peer.name === 'Span Lens' || peer.name === bareNodeHttp.name) continue;
      const share = sharesByRound(rounds, overOwnHttp(peer.name), isBare);
      if (share.median === undefined) continue;
      console.log(`${peer.name} / bare node:http, same load: ${share.median.toFixed(1)} %${perRound(share.perRound)}`);
      rows.push({ name: `${peer.name} http own / bare node:http`, value: share.median, unit: '%', note: `the same ratio for this peer${perRound(share.perRound)}` });
    }
  }
  const all = [...toRows(measurements), ...rows];
  all.unshift({ name: 'load', value: DURATION_MS / 1000, unit: 's/run', note: `${ROUNDS} round(s), medians; ${loadLabel}${buildNote ? `; ${buildNote}` : ''}; install peers: ${SETUP_SCRIPT}` });
  return all;
}

if (require.main === module) {
  runPeerBench().then(
    (rows) => {
      for (const r of rows) {
        console.log(`${r.name.padEnd(40)} ${Number.isFinite(r.value) ? r.value.toFixed(1).padStart(12) : '—'.padStart(12)} ${r.unit.padEnd(8)} ${r.note ?? ''}`);
      }
    },
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
