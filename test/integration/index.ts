/**
 * Entry point of the integration suites inside a real VS Code extension host. Two callers:
 * - `@vscode/test-electron` loads this file as `extensionTestsPath` and calls `run()`, which rejects on failures;
 * - the code-server harness's runner extension calls `runSuites()` and writes the counts to a file.
 * Mocha resolves from the repository's node_modules because this file lives in the repository's out/.
 */
import * as fs from 'fs';
import * as path from 'path';
import Mocha from 'mocha';

export interface SuiteFailure {
  title: string;
  error: string;
}

export interface TestOutcome {
  title: string;
  state: 'passed' | 'failed' | 'skipped';
  durationMs?: number;
}

export interface SuiteResults {
  passed: number;
  failed: number;
  skipped: number;
  failures: SuiteFailure[];
  /** Every test in run order: the harness prints them, since the extension host's console is not in its output. */
  tests: TestOutcome[];
}

export interface RunOptions {
  /** Directory of compiled `*.test.js` suites; defaults to `suites/` beside this file. */
  suitesDir?: string;
  /** Only tests whose full title matches (env `SPAN_LENS_IT_GREP` otherwise). */
  grep?: string;
  timeoutMs?: number;
}

/**
 * The suite whose editor stays open when the run ends: the harness then checks that the page really draws the
 * annotation it reports, and screenshots it. Other suites clear data or revert files, so it runs last.
 */
const LAST_SUITE = 'annotations.test.js';

/** Every `*.test.js` in the suites directory, in a stable order, the annotations suite last. */
export function suiteFiles(suitesDir: string): string[] {
  return fs
    .readdirSync(suitesDir)
    .filter((name) => name.endsWith('.test.js'))
    .sort((a, b) => Number(a === LAST_SUITE) - Number(b === LAST_SUITE) || a.localeCompare(b))
    .map((name) => path.join(suitesDir, name));
}

export function runSuites(options: RunOptions = {}): Promise<SuiteResults> {
  const suitesDir = options.suitesDir ?? path.join(__dirname, 'suites');
  const grep = options.grep ?? process.env.SPAN_LENS_IT_GREP;
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: options.timeoutMs ?? 60_000, reporter: 'spec' });
  if (grep) {
    mocha.grep(grep);
  }
  const files = suiteFiles(suitesDir);
  for (const file of files) {
    // A re-run in the same extension host must load the suites afresh.
    delete require.cache[require.resolve(file)];
    mocha.addFile(file);
  }
  const results: SuiteResults = { passed: 0, failed: 0, skipped: 0, failures: [], tests: [] };
  if (files.length === 0) {
    results.failed = 1;
    results.failures.push({ title: 'integration suites', error: `no *.test.js in ${suitesDir}` });
    return Promise.resolve(results);
  }
  return new Promise((resolve) => {
    const runner = mocha.run(() => resolve(results));
    runner.on('pass', (test) => {
      results.passed++;
      results.tests.push({ title: test.fullTitle(), state: 'passed', durationMs: test.duration });
    });
    runner.on('pending', (test) => {
      results.skipped++;
      results.tests.push({ title: test.fullTitle(), state: 'skipped' });
    });
    runner.on('fail', (test, error: unknown) => {
      results.failed++;
      results.failures.push({ title: test.fullTitle(), error: describeError(error) });
      results.tests.push({ title: test.fullTitle(), state: 'failed', durationMs: test.duration });
    });
  });
}

/** `@vscode/test-electron`'s contract: resolve when everything passed, reject otherwise. */
export async function run(): Promise<void> {
  const results = await runSuites();
  console.log(`[span-lens] integration: ${results.passed} passed, ${results.failed} failed, ${results.skipped} skipped`);
  // The same totals file the other runners write, for scripts/test-all.mjs.
  const totalsFile = process.env.SPAN_LENS_TOTALS_FILE;
  if (totalsFile) {
    const { passed, failed, skipped } = results;
    fs.writeFileSync(totalsFile, JSON.stringify({ passed, failed, skipped }));
  }
  if (results.failed > 0 || results.passed === 0) {
    throw new Error(`${results.failed} integration test(s) failed:\n${results.failures.map((f) => `- ${f.title}: ${f.error}`).join('\n')}`);
  }
}

function describeError(error: unknown): string {
  if (error instanceof Error) {
    return error.stack ?? error.message;
  }
  return String(error);
}
