/**
 * Trace panel figures, in a real browser (Debian's chromium through playwright-core): the webview bundle
 * (dist/webview/panel.js) in the page the extension serves (panelHtml: CSP with a nonce, panel.css, codicons), with a
 * host shim in place of VS Code's `acquireVsCodeApi` and the extension's messages delivered by `window.postMessage`,
 * as VS Code delivers them. The messages are built as the extension builds them: core Spans → toPanelSpan.
 *
 * - first render of a 10,000-span trace: message posted → rows in the DOM and two animation frames later (painted),
 *   for a live `spans` batch and for the `reset` a newly opened panel gets;
 * - frame time (intervals between animation frames: p50, p95, max) while 1,000 spans/s arrive in 100-span batches
 *   for 10 s, against the same page idle;
 * - side by side, the JSON trace document Span Lens already has for one trace (traceTree → JSON.stringify), and the
 *   extension-host cost of converting the 10,000 spans for the panel.
 *
 * Standalone: `node out/bench/panelRender.js` (after `npm run build` and `npx tsc -p .`).
 */
import { createServer, Server } from 'node:http';
import { existsSync, readFileSync } from 'node:fs';
import { AddressInfo } from 'node:net';
import { extname, join, resolve } from 'node:path';
import { chromium, Browser, Page } from 'playwright-core';
import { BenchRow } from './benchTypes';
import { Resource, SourceLocation, Span } from '../src/core/model/span';
import { assembleTrace } from '../src/core/model/traceAssembly';
import { HostMessage, PanelSpan } from '../src/core/panel/protocol';
import { toPanelSpan } from '../src/core/panel/toPanelSpan';
import { makeNonce, panelHtml } from '../src/extension/panel/panelHtml';
import { traceTree } from '../src/extension/traceTree';

// The page-side functions below run in the browser (playwright serializes them). The project compiles without the DOM
// lib, so the few browser globals they use are declared here, for this module only.
declare const window: Record<string, unknown> & { postMessage(message: unknown, targetOrigin: string): void };
declare const document: {
  body: { dataset: Record<string, string | undefined> };
  documentElement: { style: { setProperty(name: string, value: string): void } };
  querySelector(selector: string): unknown;
  addEventListener(type: string, listener: () => void): void;
};
declare function requestAnimationFrame(callback: (now: number) => void): number;

const LARGE_TRACE = 10_000;
const RENDER_RUNS = 5;
const FEED_SECONDS = 10;
const FEED_BATCH = 100;
const FEED_BATCHES_PER_SECOND = 10;
const FEED_SPANS_PER_TRACE = 20;
const IDLE_SECONDS = 2;
const CHROMIUM = process.env.SPAN_LENS_CHROMIUM ?? '/usr/bin/chromium';
/** out/bench → the repository. */
const ROOT = resolve(__dirname, '../..');
const WEBVIEW_DIR = join(ROOT, 'dist/webview');
/** Peer trace viewers looked for on npm (the registry this machine reaches), and why none is measured. */
const PEERS_NOTE =
  'no peer viewer measured: Jaeger UI is not published to npm (jaeger-ui, @jaegertracing/jaeger-ui: 404), nor Zipkin Lens as a bundle; ' +
  'speedscope is a profile flame chart, not a span tree';

const WORKSPACE = '/workspace/shop';
const SERVICES = ['order-service', 'inventory-service', 'payment-service', 'mailer'];

function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 4294967296;
  };
}

function hex(random: () => number, digits: number): string {
  let out = '';
  while (out.length < digits) out += Math.floor(random() * 0x100000000).toString(16).padStart(8, '0');
  return out.slice(0, digits);
}

function resources(): Resource[] {
  return SERVICES.map((service) => ({ serviceName: service, attributes: { 'service.name': service, 'telemetry.sdk.language': 'go' } }));
}

/**
 * One trace of `count` spans: span i is the child of span ⌊(i-1)/4⌋ (a fan-out tree seven levels deep), each child
 * of another service than its parent is an HTTP call (CLIENT in the caller's service), about one in forty an error.
 */
function buildTrace(count: number, random: () => number, startUnixMs: number, traceId = hex(random, 32)): Span[] {
  const services = resources();
  const spans: Span[] = [];
  for (let i = 0; i < count; i++) {
    const parent = i === 0 ? undefined : spans[Math.floor((i - 1) / 4)];
    const resource = services[i === 0 ? 0 : Math.floor(random() * services.length)];
    const crossing = parent !== undefined && parent.resource !== resource;
    spans.push({
      traceId,
      spanId: hex(random, 16),
      parentSpanId: parent?.spanId ?? '',
      traceState: '',
      name: i === 0 ? 'POST /orders' : crossing ? `GET /stock/${i % 97}` : `step ${i % 50}`,
      kind: i === 0 ? 2 : crossing ? 3 : 1,
      startTimeUnixMs: startUnixMs + (parent ? parent.startTimeUnixMs - startUnixMs + 1 + (i % 4) : 0),
      durationMs: i === 0 ? count : 1 + random() * 20,
      attributes: {
        'http.request.method': crossing || i === 0 ? 'GET' : null,
        'url.full': crossing ? `http://inventory:8081/stock/${i % 97}` : null,
        'code.function.name': `shop.step${i % 50}`,
        'app.item': `sku-${i}`,
        'app.quantity': i % 9,
        'app.note': 'reserved for the cart of a returning customer',
      },
      events: i % 10 === 0 ? [{ name: 'retry', timeUnixMs: startUnixMs + 1, attributes: { attempt: 1 } }] : [],
      links: [],
      status: random() < 0.025 ? { code: 2, message: 'stock service unavailable' } : { code: 0, message: '' },
      resource,
      scope: { name: 'shop', version: '1.0.0' },
    });
  }
  return spans;
}

const locate = (span: Span): SourceLocation => ({ file: `${WORKSPACE}/${span.resource.serviceName}/handler.go`, line: 10 + (span.name.length % 80), via: 'code-attributes' });
const relative = (file: string): string => file.slice(WORKSPACE.length + 1);
const toPanel = (spans: Span[]): PanelSpan[] => spans.map((span) => toPanelSpan(span, locate, relative));

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
}

const CONTENT_TYPES: Record<string, string> = { '.js': 'text/javascript', '.css': 'text/css', '.ttf': 'font/ttf', '.map': 'application/json' };

/** Serves the page skeleton the extension generates and the bundle's files, from one origin (its cspSource). */
function serve(): Promise<{ server: Server; origin: string }> {
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (url.pathname === '/') {
      const origin = `http://${request.headers.host ?? 'localhost'}`;
      const html = panelHtml({
        cspSource: origin,
        scriptUri: `${origin}/panel.js`,
        panelCssUri: `${origin}/panel.css`,
        codiconCssUri: `${origin}/codicon.css`,
        nonce: makeNonce(),
      });
      response.writeHead(200, { 'content-type': 'text/html' }).end(html);
      return;
    }
    const file = join(WEBVIEW_DIR, url.pathname.replace(/^\/+/, ''));
    if (!file.startsWith(WEBVIEW_DIR) || !existsSync(file)) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
  });
  return new Promise((resolveServer) =>
    server.listen(0, '127.0.0.1', () => resolveServer({ server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` })),
  );
}

/** VS Code's side of the webview: acquireVsCodeApi (once), what the page posts, and a few theme variables. */
function hostShim(): void {
  const posted: unknown[] = [];
  let state: unknown;
  let acquired = false;
  Object.assign(window, {
    __posted: posted,
    acquireVsCodeApi: () => {
      if (acquired) throw new Error('acquireVsCodeApi called twice');
      acquired = true;
      return { postMessage: (message: unknown) => posted.push(message), getState: () => state, setState: (s: unknown) => (state = s) };
    },
  });
  document.addEventListener('DOMContentLoaded', () => {
    const style = document.documentElement.style;
    style.setProperty('--vscode-font-family', 'sans-serif');
    style.setProperty('--vscode-font-size', '13px');
    style.setProperty('--vscode-editor-font-family', 'monospace');
    style.setProperty('--vscode-foreground', '#cccccc');
    style.setProperty('--vscode-sideBar-background', '#181818');
  });
}

/** A fresh page with the panel loaded, `ready` received and an empty `reset` answered. */
async function openPanel(browser: Browser, origin: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
  await page.addInitScript(hostShim);
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(`${origin}/`);
  await page.waitForFunction(() => (window.__posted as { type: string }[]).some((m) => m.type === 'ready'), undefined, { timeout: 15_000 }).catch(() => {
    throw new Error(`the panel never posted ready${errors.length ? `: ${errors.join('; ')}` : ''}`);
  });
  await post(page, { type: 'reset', config: { maxSpans: 100_000 }, spans: [], brokenLinks: [], sessions: [] });
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  return page;
}

function post(page: Page, message: HostMessage): Promise<void> {
  return page.evaluate((m) => window.postMessage(m, '*'), message);
}

/**
 * Posts `message` (already in the page as `window.__message`, so the transfer from Node is not timed) and resolves
 * with the ms until the panel reports `spans` spans and rows in the DOM, two animation frames later.
 */
async function timeFirstRender(page: Page, message: HostMessage, spans: number): Promise<number> {
  await page.evaluate((m) => Object.assign(window, { __message: m }), message);
  return page.evaluate(
    (expected) =>
      new Promise<number>((resolveTime, reject) => {
        const started = performance.now();
        window.postMessage(window.__message, '*');
        const deadline = started + 60_000;
        const check = (): void => {
          if (Number(document.body.dataset.spans) >= expected && document.querySelector('.row')) {
            requestAnimationFrame(() => requestAnimationFrame(() => resolveTime(performance.now() - started)));
          } else if (performance.now() > deadline) {
            reject(new Error(`rendered ${document.body.dataset.spans ?? 0} of ${expected} spans`));
          } else {
            requestAnimationFrame(check);
          }
        };
        check();
      }),
    spans,
  );
}

interface FrameFigures {
  intervals: number[];
  spansShown: number;
  renderedRows: number;
  /** After the last batch was posted, until the panel showed every span (0 when it already did). */
  catchUpMs: number;
}

/**
 * Animation-frame intervals for `seconds`, while the page posts itself the batches stored in `window.__batches` on
 * a wall-clock schedule (one every `everyMs`; batches that fell due during a long frame are posted together, as the
 * extension host would have kept sending them).
 */
function frameTimes(page: Page, seconds: number, everyMs: number): Promise<FrameFigures> {
  return page.evaluate(
    ({ seconds: s, everyMs: every }) =>
      new Promise<FrameFigures>((resolveFrames) => {
        const queued = (window.__batches ?? []) as unknown[][];
        const total = queued.reduce((n, batch) => n + batch.length, 0);
        const intervals: number[] = [];
        const start = performance.now();
        let last = start;
        const end = start + s * 1000;
        let next = 0;
        const feed = (): void => {
          const due = Math.min(queued.length, Math.floor((performance.now() - start) / every) + 1);
          while (next < due) window.postMessage({ type: 'spans', spans: queued[next++] }, '*');
        };
        const timer = queued.length ? setInterval(feed, every) : undefined;
        const finish = (): void => {
          const data = document.body.dataset;
          const shown = Number(data.spans);
          if (shown < total && performance.now() < end + 30_000) {
            requestAnimationFrame(finish);
            return;
          }
          resolveFrames({ intervals, spansShown: shown, renderedRows: Number(data.renderedRows), catchUpMs: Math.max(0, performance.now() - end) });
        };
        const frame = (now: number): void => {
          intervals.push(now - last);
          last = now;
          if (now < end) {
            requestAnimationFrame(frame);
            return;
          }
          clearInterval(timer);
          feed();
          finish();
        };
        requestAnimationFrame(frame);
      }),
    { seconds, everyMs },
  );
}

/** Puts `batches` in the page (outside any timing), then lets it settle for a second. */
async function preload(page: Page, batches: PanelSpan[][]): Promise<void> {
  await page.evaluate((b) => Object.assign(window, { __batches: b }), batches);
  await page.waitForTimeout(1000);
}

function feedBatches(random: () => number): PanelSpan[][] {
  const total = FEED_SECONDS * FEED_BATCHES_PER_SECOND * FEED_BATCH;
  const spans: Span[] = [];
  for (let t = 0; spans.length < total; t++) {
    spans.push(...buildTrace(FEED_SPANS_PER_TRACE, random, 1_700_000_100_000 + t * 50));
  }
  // Spans of a trace arrive in more than one batch, children often before their parents (as exporters send them).
  const panel = toPanel(spans);
  for (let i = 0; i + 1 < panel.length; i += 2) {
    [panel[i], panel[i + 1]] = [panel[i + 1], panel[i]];
  }
  const batches: PanelSpan[][] = [];
  for (let i = 0; i < panel.length; i += FEED_BATCH) batches.push(panel.slice(i, i + FEED_BATCH));
  return batches;
}

/** The JSON trace document (Span Lens: Open Trace) for the same trace: assembled, converted, stringified. */
function jsonDocumentFigures(spans: Span[]): { ms: number; bytes: number; lines: number } {
  const times: number[] = [];
  let text = '';
  for (let run = 0; run < RENDER_RUNS; run++) {
    const started = performance.now();
    text = JSON.stringify(traceTree(assembleTrace(spans[0].traceId, spans), locate, relative), null, 2);
    times.push(performance.now() - started);
  }
  return { ms: median(times), bytes: Buffer.byteLength(text), lines: text.split('\n').length };
}

export async function runPanelBench(): Promise<BenchRow[]> {
  for (const [what, path, hint] of [
    ['the webview bundle', join(WEBVIEW_DIR, 'panel.js'), 'npm run build'],
    ['chromium', CHROMIUM, 'test/harness/install-code-server.sh installs Debian chromium; or set SPAN_LENS_CHROMIUM'],
  ]) {
    if (!existsSync(path)) throw new Error(`${what} not found at ${path} (${hint})`);
  }
  const random = seeded(5);
  const spans = buildTrace(LARGE_TRACE, random, 1_700_000_000_000);
  const convertTimes: number[] = [];
  let panelSpans: PanelSpan[] = [];
  for (let run = 0; run < RENDER_RUNS; run++) {
    const started = performance.now();
    panelSpans = toPanel(spans);
    convertTimes.push(performance.now() - started);
  }
  const messageBytes = Buffer.byteLength(JSON.stringify({ type: 'spans', spans: panelSpans }));
  const json = jsonDocumentFigures(spans);
  const batches = feedBatches(random);

  const { server, origin } = await serve();
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run', '--disable-background-timer-throttling'],
  });
  try {
    const liveTimes: number[] = [];
    const resetTimes: number[] = [];
    let rendered = { rows: 0, renderedRows: 0 };
    for (let run = 0; run < RENDER_RUNS; run++) {
      const page = await openPanel(browser, origin);
      liveTimes.push(await timeFirstRender(page, { type: 'spans', spans: panelSpans }, LARGE_TRACE));
      rendered = await page.evaluate(() => ({ rows: Number(document.body.dataset.rows), renderedRows: Number(document.body.dataset.renderedRows) }));
      await page.close();
      const fresh = await openPanel(browser, origin);
      resetTimes.push(await timeFirstRender(fresh, { type: 'reset', config: { maxSpans: 100_000 }, spans: panelSpans, brokenLinks: [], sessions: [] }, LARGE_TRACE));
      await fresh.close();
    }

    const page = await openPanel(browser, origin);
    await preload(page, []);
    const idle = await frameTimes(page, IDLE_SECONDS, 1000);
    await preload(page, batches);
    const fed = await frameTimes(page, FEED_SECONDS, 1000 / FEED_BATCHES_PER_SECOND);
    await page.close();
    const fedSpans = batches.reduce((n, b) => n + b.length, 0);
    const feedNote = `${FEED_BATCH}-span batches every ${1000 / FEED_BATCHES_PER_SECOND} ms for ${FEED_SECONDS} s; all ${fed.spansShown}/${fedSpans} spans shown ${Math.round(fed.catchUpMs)} ms after the last batch; ${fed.renderedRows} rows in DOM`;

    return [
      { name: 'panel first render 10k-span trace (spans msg)', value: median(liveTimes), unit: 'ms', note: `median of ${RENDER_RUNS}: post → rows drawn + 2 frames; ${rendered.rows} rows, ${rendered.renderedRows} in the DOM` },
      { name: 'panel first render 10k-span trace (reset msg)', value: median(resetTimes), unit: 'ms', note: 'the panel opened on a held 10k-span trace' },
      { name: 'panel host: toPanelSpan × 10k', value: median(convertTimes), unit: 'ms', note: `extension host; message ${(messageBytes / 1e6).toFixed(1)} MB as JSON` },
      { name: 'baseline: JSON trace document 10k spans', value: json.ms, unit: 'ms', note: `traceTree + JSON.stringify: ${(json.bytes / 1e6).toFixed(1)} MB, ${json.lines.toLocaleString('en-US')} lines, before the editor opens it` },
      { name: 'panel frame interval idle p50', value: quantile(idle.intervals, 0.5), unit: 'ms', note: `${idle.intervals.length} frames in ${IDLE_SECONDS} s (the browser's frame floor)` },
      { name: 'panel frame interval 1k spans/s p50', value: quantile(fed.intervals, 0.5), unit: 'ms', note: feedNote },
      { name: 'panel frame interval 1k spans/s p95', value: quantile(fed.intervals, 0.95), unit: 'ms' },
      { name: 'panel frame interval 1k spans/s max', value: Math.max(...fed.intervals), unit: 'ms', note: `${fed.intervals.filter((ms) => ms > 50).length} of ${fed.intervals.length} frames > 50 ms` },
      { name: 'peer viewer', value: NaN, unit: '', note: PEERS_NOTE },
    ];
  } finally {
    await browser.close();
    server.close();
  }
}

if (require.main === module) {
  runPanelBench().then(
    (rows) => {
      for (const row of rows) console.log(`${row.name.padEnd(48)} ${Number.isFinite(row.value) ? row.value.toFixed(1).padStart(10) : '—'.padStart(10)} ${row.unit.padEnd(3)} ${row.note ?? ''}`);
    },
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
