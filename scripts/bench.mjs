#!/usr/bin/env node
// `npm run bench`: compiles, then runs every benchmark in one process tree and prints one table.
// Figures only: nothing here passes or fails on a time.
import { spawnSync } from 'node:child_process';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import os from 'node:os';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
if (!process.argv.includes('--no-compile')) {
  const tsc = spawnSync('npx', ['tsc', '-p', '.'], { cwd: root, stdio: 'inherit' });
  if (tsc.status !== 0) console.warn('tsc reported errors; running the benchmarks that compiled');
}
if (typeof globalThis.gc !== 'function') {
  // The memory figures need a forced GC: re-run ourselves with --expose-gc.
  const again = spawnSync(process.execPath, ['--expose-gc', fileURLToPath(import.meta.url), '--no-compile', ...process.argv.slice(2)], { stdio: 'inherit' });
  process.exit(again.status ?? 1);
}

const require = createRequire(import.meta.url);
const benches = [
  ['decode', 'out/bench/decodeBench.js', 'runDecodeBench'],
  ['store', 'out/bench/storeBench.js', 'runStoreBench'],
  ['ingest', 'out/bench/ingestBench.js', 'runIngestBench'],
  ['load', 'out/bench/loadBench.js', 'runLoadBench'],
  ['analysis', 'out/bench/analysisBench.js', 'runAnalysisBench'],
  // Needs the peers from scripts/bench-peers-setup.sh (Go module proxy; ~20 min of builds once); rebuilds dist/ when
  // dist/cli.js is older than src/ (SPANLENS_PEER_NO_BUILD=1 skips that). About 4½ minutes at the defaults.
  ['peers', 'out/bench/peers/peerBench.js', 'runPeerBench'],
  // Needs dist/webview (npm run build) and Debian's chromium (test/harness/install-code-server.sh installs it).
  ['panel', 'out/bench/panelRender.js', 'runPanelBench'],
];
const only = process.argv.slice(2).filter((a) => !a.startsWith('--'));
console.log(`Span Lens benchmarks — ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, node ${process.version}\n`);
const rows = [];
for (const [name, file, fn] of benches) {
  if (only.length && !only.includes(name)) continue;
  try {
    const mod = require(join(root, file));
    const result = await mod[fn]();
    for (const row of result) rows.push({ bench: name, ...row });
  } catch (error) {
    rows.push({ bench: name, name: 'FAILED', value: NaN, unit: '', note: String(error?.message ?? error) });
  }
}
const fmt = (v) => (Number.isFinite(v) ? (Math.abs(v) >= 100 ? Math.round(v).toLocaleString('en-US') : v.toFixed(2)) : '—');
const widths = [8, Math.max(...rows.map((r) => r.name.length), 10), 14, 10];
console.log(['bench'.padEnd(widths[0]), 'figure'.padEnd(widths[1]), 'value'.padStart(widths[2]), 'unit'.padEnd(widths[3]), 'note'].join('  '));
for (const r of rows) {
  console.log([r.bench.padEnd(widths[0]), r.name.padEnd(widths[1]), fmt(r.value).padStart(widths[2]), r.unit.padEnd(widths[3]), r.note ?? ''].join('  '));
}
