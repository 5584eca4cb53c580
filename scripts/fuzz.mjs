#!/usr/bin/env node
/**
 * The long fuzz run: `node scripts/fuzz.mjs --count 1000000 [--seed S] [--http-every K] [--concurrency C]`.
 * Runs the compiled generator and runner from out/ (build first: `npx tsc -p .`). Every input goes into its decoder
 * directly; every K-th (default 1 = all) also through a real OtlpHttpReceiver, its status checked. Prints counts per
 * outcome and the elapsed time; exits 1 on any crash, wrong status or missing answer.
 */
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as path from 'node:path';

const require = createRequire(import.meta.url);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const runnerPath = path.join(root, 'out', 'test', 'receiver', 'fuzzRunner.js');
if (!existsSync(runnerPath)) {
  console.error(`${runnerPath} not found: run \`npx tsc -p .\` first`);
  process.exit(2);
}
const { runFuzz } = require(runnerPath);

function option(name, fallback) {
  const index = process.argv.indexOf(`--${name}`);
  if (index < 0) {
    return fallback;
  }
  const value = Number(process.argv[index + 1]);
  if (!Number.isSafeInteger(value) || value < 0) {
    console.error(`--${name} needs a non-negative integer`);
    process.exit(2);
  }
  return value;
}

const count = option('count', 100_000);
const seed = option('seed', 1);
const httpEvery = option('http-every', 1);
const concurrency = Math.max(1, option('concurrency', 8));

console.log(`fuzz: ${count} inputs, seed ${seed}, ${httpEvery === 0 ? 'no HTTP' : `every ${httpEvery === 1 ? '' : `${httpEvery}th `}input over HTTP`}, ${concurrency} in flight`);
const started = process.hrtime.bigint();
const seconds = () => Number(process.hrtime.bigint() - started) / 1e9;
const report = await runFuzz({
  seed,
  count,
  httpEvery,
  concurrency,
  maxFailures: 50,
  onProgress: (done) => {
    if (done % 100_000 === 0) {
      console.log(`  ${done} inputs, ${seconds().toFixed(1)} s`);
    }
  },
});
const elapsed = seconds();

console.log('\ndirect decode outcomes:');
for (const [outcome, n] of Object.entries(report.direct)) {
  console.log(`  ${outcome.padEnd(10)} ${n}`);
}
if (report.httpRequests > 0) {
  console.log(`HTTP answers (${report.httpRequests} requests):`);
  for (const [status, n] of Object.entries(report.http).sort()) {
    console.log(`  ${status.padEnd(10)} ${n}`);
  }
  console.log('HTTP transports:');
  for (const [transport, n] of Object.entries(report.byTransport).sort()) {
    console.log(`  ${transport.padEnd(18)} ${n}`);
  }
  console.log(`spans: ${report.spansStored} stored of ${report.spansExpected} expected`);
}
console.log(`elapsed: ${elapsed.toFixed(1)} s (${Math.round(report.inputs / elapsed)} inputs/s)`);

const spansLost = report.httpRequests > 0 && report.spansStored !== report.spansExpected;
if (report.failures.length > 0 || spansLost) {
  console.log(`\nFAILED: ${report.failures.length} failure(s)${spansLost ? ', spans missing' : ''}`);
  for (const failure of report.failures) {
    console.log(JSON.stringify({ ...failure, body: failure.body.slice(0, 600) }));
  }
  process.exit(1);
}
console.log('no crash, every input answered with the right status');
