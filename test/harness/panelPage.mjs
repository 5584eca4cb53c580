// The trace panel's page-side checks, run by run-code-server.mjs in the real browser page while the trace panel suite
// (test/integration/suites/tracePanel.test.ts) holds its data in the extension host. The suite and this file meet at
// checkpoints: the suite writes `<dir>/<name>.request.json` (what it sent, what to look for) and waits; the harness
// polls the directory (handlePanelCheckpoints), runs the checks named by the request against the webview frame, counts
// each as a pass or a failure, and answers with `<name>.response.json`. A checkpoint is needed (rather than checking
// after the suites, like the annotations) because later suites clear the store, and with it the panel.
import { join } from 'node:path';
import { unansweredRequests } from './checkpoints.mjs';

/** Environment variable that tells the suite where to write its checkpoint requests. */
export const PANEL_CHECKPOINTS_ENV = 'SPAN_LENS_IT_PANEL_CHECKPOINTS';

/** More rows than this in the DOM means the list is not virtualized (a viewport shows a few dozen). */
const MAX_RENDERED_ROWS = 400;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor(what, predicate, ms, intervalMs = 200) {
  const deadline = Date.now() + ms;
  let last;
  for (;;) {
    try {
      last = await predicate();
    } catch (error) {
      // A frame can detach while VS Code re-creates the webview; try again until the deadline.
      last = undefined;
      if (Date.now() > deadline) {
        throw new Error(`timed out after ${ms} ms waiting for ${what}: ${error?.message ?? error}`);
      }
    }
    if (last) {
      return last;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    }
    await sleep(intervalMs);
  }
}

/**
 * The frames that hold the panel's document: code-server nests each webview in two iframes, and the inner one runs
 * panel.js (it has `#app` and, after its first render, `body[data-spans]`). Frames of other webviews are skipped.
 */
async function panelFrames(page) {
  const found = [];
  for (const frame of page.frames()) {
    if (frame === page.mainFrame() || frame.isDetached()) {
      continue;
    }
    const isPanel = await frame
      .evaluate(() => Boolean(document.querySelector('#app')) && document.body?.dataset?.spans !== undefined)
      .catch(() => false);
    if (isPanel) {
      found.push(frame);
    }
  }
  return found;
}

/** The panel frame drawn furthest left: the Traces view in the side bar (an editor-tab panel is to its right). */
async function viewFrame(page) {
  const frames = await panelFrames(page);
  let best;
  for (const frame of frames) {
    const box = await (await frame.frameElement().catch(() => undefined))?.boundingBox().catch(() => undefined);
    const visible = box && box.width > 0 && box.height > 0;
    if (visible && (!best || box.x < best.box.x)) {
      best = { frame, box };
    }
  }
  return best?.frame;
}

/**
 * Collapses the other views of the side bar the Traces view shares (Variables, Watch, Call Stack, Breakpoints), so
 * the panel has the height to show its tree and detail pane in the screenshots. Best effort: the checks do not rely
 * on it.
 */
async function giveTracesRoom(page) {
  const headers = page.locator('.part.sidebar .pane-header[aria-expanded="true"]');
  for (let i = (await headers.count()) - 1; i >= 0; i--) {
    const header = headers.nth(i);
    const title = await header.innerText().catch(() => '');
    if (!/traces/i.test(title)) {
      await header.click({ position: { x: 30, y: 10 } }).catch(() => {});
    }
  }
  // And a wider side bar: drag the sash on its right edge.
  const sidebar = await page.locator('.part.sidebar').boundingBox().catch(() => undefined);
  if (sidebar && sidebar.width < 500) {
    const [x, y] = [sidebar.x + sidebar.width, sidebar.y + sidebar.height / 2];
    await page.mouse.move(x, y);
    await page.mouse.down();
    await page.mouse.move(x + 300, y, { steps: 5 });
    await page.mouse.up();
  }
  await sleep(500);
}

function dataset(frame) {
  return frame.evaluate(() => ({
    spans: Number(document.body.dataset.spans),
    rows: Number(document.body.dataset.rows),
    renderedRows: Number(document.body.dataset.renderedRows),
    domRows: document.querySelectorAll('.row').length,
  }));
}

/** The element that scrolls the rows: the nearest ancestor of a row whose content is taller than its box. */
function scrollRows(frame, to) {
  return frame.evaluate((target) => {
    const row = document.querySelector('.row');
    let element = row?.parentElement;
    while (element && !(element.scrollHeight > element.clientHeight + 1 && /(auto|scroll)/.test(getComputedStyle(element).overflowY))) {
      element = element.parentElement;
    }
    if (!element) {
      return undefined;
    }
    const top = target === 'end' ? element.scrollHeight : Math.round((element.scrollHeight - element.clientHeight) * target);
    element.scrollTop = top;
    element.dispatchEvent(new Event('scroll'));
    return { scrollTop: element.scrollTop, scrollHeight: element.scrollHeight, clientHeight: element.clientHeight };
  }, to);
}

/** Two animation frames in the panel: a render scheduled by the last change has run. */
function afterRender(frame) {
  return frame.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve(true)))));
}

function renderedKeys(frame) {
  return frame.evaluate(() => [...document.querySelectorAll('.row[data-key]')].map((row) => row.dataset.key));
}

function rowText(frame, spanId) {
  return frame.evaluate((id) => document.querySelector(`.row[data-span-id="${id}"]`)?.textContent ?? undefined, spanId);
}

async function statusBarText(page) {
  return page.locator('#workbench\\.parts\\.statusbar').innerText();
}

async function activeTabTitle(page) {
  return page
    .locator('.editor-group-container.active .tabs-container .tab.active')
    .first()
    .innerText()
    .catch(() => '');
}

/**
 * Each check runs, is counted, and never stops the others. `title` names it in the harness's output; the result
 * (what the suite may use, e.g. that the click was made) is collected into the response.
 */
function checker(pass, fail, response, log) {
  return async (title, check) => {
    try {
      const value = await check();
      pass();
      response.passed.push(title);
      log(`✓ ${title}`);
      return value;
    } catch (error) {
      fail(title, error);
      response.failed.push({ title, error: String(error?.message ?? error) });
      log(`✗ ${title}: ${error?.message ?? error}`);
      return undefined;
    }
  };
}

/** While the debuggee is stopped at the breakpoint: the spans it exported so far are in the panel, scoped to it. */
async function liveSessionChecks(page, artifacts, request, check) {
  await giveTracesRoom(page);
  const frame = await check('page: the Traces view in Run and Debug shows a live webview of the panel', () =>
    waitFor('a frame with the panel (#app, body[data-spans])', () => viewFrame(page), 30_000),
  );
  if (!frame) {
    await page.screenshot({ path: join(artifacts, 'panel-live-session.png') });
    return;
  }
  await check(`page: the debug session's spans appear while it is stopped (${request.spanIds.length} exported so far)`, () =>
    waitFor(`rows for spans ${request.spanIds.join(', ')}`, async () => {
      const keys = await renderedKeys(frame);
      return request.spanIds.every((id) => keys.some((key) => key.endsWith(`/${id}`)));
    }, 20_000).catch(async (error) => {
      throw new Error(`${error.message}; rendered keys: ${JSON.stringify((await renderedKeys(frame)).slice(0, 40))}`);
    }),
  );
  await check('page: the panel marks where the debuggee stopped', () =>
    waitFor('a "stopped" session mark in the panel', () => frame.evaluate(() => /stopped/i.test(document.querySelector('#app')?.innerText ?? '')), 10_000),
  );
  await page.screenshot({ path: join(artifacts, 'panel-live-session.png') });
}

/** After the session: the 10,000-span trace, the hostile attribute values and a span with a source line. */
async function panelChecks(page, artifacts, request, check, response) {
  const dialogs = [];
  const onDialog = (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss().catch(() => {});
  };
  page.on('dialog', onDialog);
  try {
    await giveTracesRoom(page);
    const frame = await check('page: the Traces view shows the panel after the session ended', () =>
      waitFor('a frame with the panel', () => viewFrame(page), 30_000),
    );
    if (!frame) {
      await page.screenshot({ path: join(artifacts, 'panel-tree.png') });
      return;
    }

    await check(`page: the panel holds every span the suite sent (≥ ${request.minSpans}) and lists them as rows`, () =>
      waitFor(`body[data-spans] ≥ ${request.minSpans} and data-rows ≥ ${request.largeTraceSpans}`, async () => {
        const seen = await dataset(frame);
        return seen.spans >= request.minSpans && seen.rows >= request.largeTraceSpans ? seen : undefined;
      }, 30_000).catch(async (error) => {
        throw new Error(`${error.message}; dataset: ${JSON.stringify(await dataset(frame))}`);
      }),
    );
    await scrollRows(frame, 0);
    await afterRender(frame);
    await page.screenshot({ path: join(artifacts, 'panel-tree.png') });

    await check('page: the panel marks where the ended session stopped and continued', () =>
      waitFor('"stopped" and "continued" session marks in the panel', () =>
        frame.evaluate(() => {
          const text = document.querySelector('#app')?.innerText ?? '';
          return /stopped/i.test(text) && /continued/i.test(text);
        }), 10_000).catch(async (error) => {
        throw new Error(`${error.message}; the panel's first lines: ${JSON.stringify((await frame.evaluate(() => document.querySelector('#app')?.innerText ?? '')).split('\n').slice(0, 40))}`);
      }),
    );

    await check('page: attribute values with HTML and script are shown as text and run nothing', async () => {
      const text = await waitFor(`the row of span ${request.xss.spanId}`, () => rowText(frame, request.xss.spanId), 10_000);
      if (!text.includes(request.xss.nameText)) {
        throw new Error(`the row shows ${JSON.stringify(text)}, not the literal ${JSON.stringify(request.xss.nameText)}`);
      }
      await frame.locator(`.row[data-span-id="${request.xss.spanId}"]`).first().click();
      await afterRender(frame);
      const shown = await waitFor('the detail pane to show the hostile attribute values as text', async () => {
        const all = await frame.evaluate(() => document.querySelector('#app')?.innerText ?? '');
        return request.xss.attributeTexts.every((t) => all.includes(t)) ? all : undefined;
      }, 10_000);
      const injected = await frame.evaluate(() => ({
        images: document.querySelectorAll('#app img').length,
        scripts: [...document.querySelectorAll('script')].filter((s) => s.textContent.includes('__spanLensXss')).length,
        handlers: [...document.querySelectorAll('#app *')].filter((e) => [...e.attributes].some((a) => /^on/i.test(a.name))).length,
      }));
      const ran = [];
      for (const f of page.frames()) {
        if (await f.evaluate(() => globalThis.__spanLensXss !== undefined).catch(() => false)) {
          ran.push(f.url());
        }
      }
      if (injected.images || injected.scripts || injected.handlers || ran.length || dialogs.length) {
        throw new Error(`markup from attribute values took effect: ${JSON.stringify({ ...injected, ran, dialogs })}`);
      }
      return shown.length;
    });
    await page.screenshot({ path: join(artifacts, 'panel-xss.png') });

    response.clicked = await check(`page: clicking a span row opens ${request.source.label} at line ${request.source.line}`, async () => {
      await frame.locator(`.row[data-span-id="${request.source.spanId}"]`).first().click();
      const file = request.source.label.split(':')[0].split('/').pop();
      await waitFor(`the editor tab ${file} and the status bar at Ln ${request.source.line}`, async () => {
        const [tab, status] = [await activeTabTitle(page), await statusBarText(page)];
        // The tab draws the name and the extension in separate elements: compare without the line breaks between.
        return tab.replace(/\s+/g, '').includes(file) && status.includes(`Ln ${request.source.line},`);
      }, 15_000).catch(async (error) => {
        throw new Error(`${error.message}; tab ${JSON.stringify(await activeTabTitle(page))}, status bar ${JSON.stringify(await statusBarText(page))}`);
      });
      return true;
    });
    await page.screenshot({ path: join(artifacts, 'panel-click.png') });

    await check(`page: the ${request.largeTraceSpans}-span trace scrolls with a bounded number of rows in the DOM`, async () => {
      const before = await dataset(frame);
      const keysBefore = new Set(await renderedKeys(frame));
      const counts = [before.domRows];
      const large = request.largeTraceId;
      let deepRowsSeen = 0;
      for (const at of [0.25, 0.5, 0.75, 'end']) {
        const scrolled = await scrollRows(frame, at);
        if (!scrolled) {
          throw new Error('found no scrolling element around the rows');
        }
        await afterRender(frame);
        await afterRender(frame);
        const keys = await renderedKeys(frame);
        counts.push(keys.length);
        deepRowsSeen += keys.filter((key) => key.startsWith(`${large}/`) && !keysBefore.has(key)).length;
        if (at === 0.5) {
          await page.screenshot({ path: join(artifacts, 'panel-scrolled.png') });
        }
      }
      const after = await dataset(frame);
      if (Math.max(...counts) > MAX_RENDERED_ROWS || after.renderedRows > MAX_RENDERED_ROWS) {
        throw new Error(`rows in the DOM while scrolling: ${counts.join(', ')} (data-rendered-rows ${after.renderedRows}); the list is not virtualized`);
      }
      if (deepRowsSeen === 0) {
        throw new Error(`scrolling drew no new rows of trace ${large}; rendered counts ${counts.join(', ')}`);
      }
      // At the bottom: the trace that started first (traces are listed newest first by start time).
      const bottom = await renderedKeys(frame);
      const oldest = request.oldestTraceId;
      if (!bottom.some((key) => key === oldest || key.startsWith(`${oldest}/`))) {
        throw new Error(`the end of the list does not show the trace that started first, ${oldest}: ${JSON.stringify(bottom.slice(-10))}`);
      }
      return { counts, deepRowsSeen };
    });
    await page.screenshot({ path: join(artifacts, 'panel-bottom.png') });
  } finally {
    page.off('dialog', onDialog);
  }
}

const CHECKPOINTS = { 'live-session': liveSessionChecks, panel: panelChecks };

/**
 * Answers every checkpoint request in `dir` not answered yet. Called by the harness each time it polls for the
 * results; the suite waits for the answer, so the page and the extension host stay in step.
 */
export async function handlePanelCheckpoints(page, dir, artifacts, pass, fail, log = console.log) {
  for (const { request, answer } of unansweredRequests(dir)) {
    const response = { name: request.name, passed: [], failed: [] };
    const run = CHECKPOINTS[request.name];
    if (run) {
      log(`panel checkpoint ${request.name}`);
      await run(page, artifacts, request, checker(pass, fail, response, log), response);
    } else {
      fail(`page: checkpoint ${request.name}`, new Error(`unknown checkpoint ${request.name}`));
      response.failed.push({ title: request.name, error: 'unknown checkpoint' });
    }
    answer(response);
  }
}
