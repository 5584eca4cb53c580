// A second real VS Code window for the two-windows suite: in code-server, each page opened on another folder gets its
// own extension host with its own Span Lens. The suite (in the first window) writes `<name>.request.json` into
// `$SPAN_LENS_IT_WINDOW_CHECKPOINTS` and waits; the harness, while it polls for the results, acts on it here and
// answers `<name>.response.json`. Kinds: `open` (a page on a fresh folder, answered once its Span Lens reports),
// `state` (what both windows show: the second window's observer report and both status bars), `close` (closes the
// page, answered at once) and `gone` (waits until the closed window's extension host process has exited).
//
// The second window's runner extension is an observer, not a suite runner: the harness writes
// `$SPAN_LENS_IT_OBSERVER_DIR/observe.request.json` ({ seq, traceIds }) and it answers `observe.response.json` with its
// pid, receiver address and which of the trace ids its store holds (see test/runner-extension/extension.js).
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { unansweredRequests, writeWhole } from './checkpoints.mjs';

export const WINDOW_CHECKPOINTS_ENV = 'SPAN_LENS_IT_WINDOW_CHECKPOINTS';
export const OBSERVER_DIR_ENV = 'SPAN_LENS_IT_OBSERVER_DIR';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
}

const statusBarText = (page) => page.locator('#workbench\\.parts\\.statusbar').innerText({ timeout: 10_000 });

export class SecondWindow {
  /**
   * @param {{ browser: import('playwright-core').Browser, base: string, firstPage: import('playwright-core').Page,
   *   checkpoints: string, observerDir: string, folder: string, artifacts: string, log: (...args: unknown[]) => void }} options
   */
  constructor(options) {
    this.options = options;
    this.page = undefined;
    this.seq = 0;
  }

  /** Answers every request in the checkpoint folder not answered yet; called from the harness's polling loop. */
  async handle() {
    const { checkpoints, log } = this.options;
    for (const { base, request, answer } of unansweredRequests(checkpoints)) {
      log(`second window: ${request.kind} (${base})`);
      let response;
      try {
        response = { ok: true, ...(await this.act(request)) };
      } catch (error) {
        response = { ok: false, error: String(error?.stack ?? error) };
        log(`second window: ${request.kind} failed: ${error?.message ?? error}`);
      }
      answer(response);
    }
  }

  async act(request) {
    switch (request.kind) {
      case 'open':
        return this.open();
      case 'state':
        return this.state(request.traceIds ?? []);
      case 'close':
        return this.close();
      case 'gone':
        return this.gone(request.pid, request.timeoutMs ?? 60_000);
      default:
        throw new Error(`unknown second-window request ${request.kind}`);
    }
  }

  async open() {
    if (this.page) {
      throw new Error('the second window is already open');
    }
    const { browser, base, folder, artifacts } = this.options;
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, 'README.md'), 'The second Span Lens window of the two-windows integration test.\n');
    this.page = await browser.newPage({ viewport: { width: 1200, height: 700 } });
    await this.page.goto(`${base}/?folder=${encodeURIComponent(folder)}`, { waitUntil: 'domcontentloaded' });
    await this.page.waitForSelector('#workbench\\.parts\\.statusbar', { timeout: 60_000 });
    // Its observer answers once Span Lens has activated in that window's own extension host.
    const observed = await this.observe([], 90_000);
    await this.page.screenshot({ path: join(artifacts, 'second-window.png') }).catch(() => {});
    return { pid: observed.pid, folder };
  }

  async state(traceIds) {
    const first = { statusBar: await statusBarText(this.options.firstPage) };
    if (!this.page) {
      return { first };
    }
    const observed = await this.observe(traceIds, 30_000);
    return { first, second: { ...observed, statusBar: await statusBarText(this.page) } };
  }

  /** Answered as soon as the page is closed: the suite sends spans while the window's extension host may linger. */
  async close() {
    const page = this.page;
    this.page = undefined;
    if (!page) {
      return { closed: false };
    }
    await page.screenshot({ path: join(this.options.artifacts, 'second-window-closing.png') }).catch(() => {});
    await page.close();
    rmSync(join(this.options.observerDir, 'observe.request.json'), { force: true });
    return { closed: true };
  }

  /** Whether the extension host with `pid` exited (code-server keeps it for --reconnection-grace-time after a close). */
  async gone(pid, timeoutMs) {
    const started = Date.now();
    while (alive(pid)) {
      if (Date.now() - started > timeoutMs) {
        return { exited: false, waitedMs: Date.now() - started };
      }
      await sleep(100);
    }
    const waitedMs = Date.now() - started;
    this.options.log(`second window: its extension host (pid ${pid}) exited ${waitedMs} ms after the check began`);
    return { exited: true, waitedMs };
  }

  async observe(traceIds, timeoutMs) {
    const { observerDir } = this.options;
    const seq = ++this.seq;
    const responseFile = join(observerDir, 'observe.response.json');
    writeWhole(join(observerDir, 'observe.request.json'), { seq, traceIds });
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (existsSync(responseFile)) {
        const response = JSON.parse(readFileSync(responseFile, 'utf8'));
        if (response.seq === seq) {
          if (response.error) {
            throw new Error(`the second window's observer failed: ${response.error}`);
          }
          return response;
        }
      }
      if (Date.now() > deadline) {
        throw new Error(`the second window's observer did not answer within ${timeoutMs} ms`);
      }
      await sleep(100);
    }
  }

  /** Whatever the suite did, the page does not outlive the run. */
  async dispose() {
    await this.page?.close().catch(() => {});
    this.page = undefined;
  }
}
