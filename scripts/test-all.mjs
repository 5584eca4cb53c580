#!/usr/bin/env node
// `npm test`: every suite of the project in one run — build checks, unit, receiver with real exporters, the Go services
// end to end, and the suites inside a real VS Code — then one line of totals that CI reads.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// A fresh clone has no node_modules yet: install exactly what the lockfile says.
if (!existsSync(join(root, 'node_modules/.package-lock.json'))) {
  const install = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
  if (install.status !== 0) process.exit(install.status ?? 1);
}
const only = process.argv.slice(2); // e.g. `npm test -- unit receiver`
const scratch = mkdtempSync(join(tmpdir(), 'span-lens-test-'));
const totals = { passed: 0, failed: 0, skipped: 0 };
const summary = [];

function run(command, args, env = {}) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  return result.status === 0;
}

/** A build step counts as one check. */
function check(name, command, args) {
  if (only.length && !only.includes(name)) return true;
  console.log(`\n=== ${name}: ${command} ${args.join(' ')}`);
  const ok = run(command, args);
  totals[ok ? 'passed' : 'failed'] += 1;
  summary.push(`${name}: ${ok ? 'ok' : 'FAILED'}`);
  return ok;
}

/** A suite reports its own counts through SPAN_LENS_TOTALS_FILE; a crash without counts is one failure. */
function suite(name, command, args) {
  if (only.length && !only.includes(name)) return;
  console.log(`\n=== ${name}: ${command} ${args.join(' ')}`);
  const totalsFile = join(scratch, `${name}.json`);
  const ok = run(command, args, { SPAN_LENS_TOTALS_FILE: totalsFile });
  if (!existsSync(totalsFile)) {
    totals.failed += 1;
    summary.push(`${name}: crashed before reporting (exit ${ok ? 0 : 'non-zero'})`);
    return;
  }
  const counts = JSON.parse(readFileSync(totalsFile, 'utf8'));
  const failed = counts.failed + (ok || counts.failed > 0 ? 0 : 1);
  totals.passed += counts.passed;
  totals.failed += failed;
  totals.skipped += counts.skipped ?? 0;
  summary.push(`${name}: ${counts.passed} passed, ${failed} failed${counts.skipped ? `, ${counts.skipped} skipped` : ''}`);
}

const mocha = (glob, timeout) => [
  'mocha', '--reporter', join(root, 'test/support/totals-reporter.js'), '--timeout', String(timeout), '--exit', glob,
];

const compiled = check('compile', 'npx', ['tsc', '-p', '.']);
check('lint', 'npx', ['eslint', 'src', 'test', 'bench']);
const built = check('build', 'npm', ['run', '--silent', 'package']);
if (compiled) {
  suite('unit', 'npx', mocha('out/test/unit/**/*.test.js', 20000));
  suite('receiver', 'npx', mocha('out/test/receiver/**/*.test.js', 60000));
  suite('e2e', 'npx', mocha('out/test/e2e/**/*.test.js', 600000));
}
if (compiled && built) {
  suite('vscode', 'node', ['test/harness/run-code-server.mjs']);
} else if (!only.length || only.includes('vscode')) {
  totals.failed += 1;
  summary.push('vscode: not run (compile or build failed)');
}

// Where VS Code can be downloaded, the same suites also run in a real Electron VS Code (opt in: it needs the network).
if (compiled && built && process.env.SPAN_LENS_TEST_ELECTRON === '1') {
  suite('vscode-electron', 'node', ['out/test/harness/run-electron.js']);
}

rmSync(scratch, { recursive: true, force: true });
console.log('\n=== summary');
for (const line of summary) console.log(`  ${line}`);
console.log(`${totals.passed} passed, ${totals.failed} failed${totals.skipped ? `, ${totals.skipped} skipped` : ''}`);
process.exit(totals.failed > 0 || totals.passed === 0 ? 1 : 0);
