/**
 * Inside a real VS Code: a `node` debug session of an instrumented program (test/fixtures/debug-node) gets the OTLP
 * environment injected, and its spans reach the receiver tagged with the session, while it runs and stops at a
 * breakpoint; the trace panel (a webview view in Run and Debug) holds live webviews, reveals traces, and — checked in
 * the browser page by the code-server harness at two checkpoints — draws the session's spans live, a 10,000-span
 * trace with a bounded DOM, hostile attribute values as text, and opens a span's source line on click.
 */
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import type { Span } from '../../../src/core/model/span';
import { SESSION_RESOURCE_ATTRIBUTE } from '../../../src/core/panel/protocol';
import type { SpanLensApi } from '../../../src/extension/extension';
import { sendSpans } from '../support/otlpSender';
import { pageCheckpoint, pageChecksAvailable } from '../support/panelCheckpoint';
import { HOSTILE, sendHostileTrace, sendLargeTrace, storedSpans } from '../support/panelData';
import { settled, spanLensApi } from '../support/spanLens';
import { goFiles, goFuncLines } from '../support/workspaceSource';

/** out/test/integration/suites → the repository's test/fixtures/debug-node (the fixture is plain JS, not compiled). */
const FIXTURE_DIR = path.resolve(__dirname, '../../../../test/fixtures/debug-node');
const PROGRAM = path.join(FIXTURE_DIR, 'main.js');
const FIXTURE_SPANS = ['debug-node.handle-order', 'debug-node.load-cart', 'debug-node.price-cart', 'debug-node.render-receipt', 'debug-node.notify'];
const LARGE_TRACE_SPANS = 10_000;
const SERVICE = 'it-panel-service';
/** The page checks run while the suite waits; a whole checkpoint takes well under this. */
const CHECKPOINT_TIMEOUT_MS = 180_000;

function breakpointLine(): number {
  const index = fs.readFileSync(PROGRAM, 'utf8').split('\n').findIndex((line) => line.includes('// BREAKPOINT'));
  assert.ok(index >= 0, `${PROGRAM} marks a line with // BREAKPOINT`);
  return index + 1;
}

function sessionTag(span: Span): unknown {
  return span.resource.attributes[SESSION_RESOURCE_ATTRIBUTE];
}

describe('Span Lens trace panel in a real VS Code', function () {
  this.timeout(120_000);
  let api: SpanLensApi;
  let root: string;
  let receiver: string;

  before(async function () {
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder, 'a workspace folder is open');
    root = folder.uri.fsPath;
    api = await spanLensApi();
    await api.whenIdle();
    const address = api.receiverAddress();
    assert.ok(address, 'the receiver is running');
    receiver = address;
    // Earlier suites' traces would sit between ours in the panel's list.
    api.store.clear();
    await api.tracePanel.whenIdle();
  });

  it('shows the Traces view in Run and Debug with a live webview', async function () {
    await vscode.commands.executeCommand('spanLens.showTracePanel');
    const live = await settled(api, () => api.tracePanel.liveWebviews, (n) => n >= 1, 30_000);
    assert.ok(live >= 1, `the panel has ${live} live webviews after spanLens.showTracePanel`);
  });

  describe('a node debug session of an instrumented program', function () {
    const envFile = path.join(os.tmpdir(), `span-lens-debug-node-env-${process.pid}-${Date.now()}.json`);
    let breakpoint: vscode.SourceBreakpoint;
    let seen: { pid: number; env: Record<string, string> };
    let tag: string;
    let terminated: Promise<void>;

    before(async function () {
      breakpoint = new vscode.SourceBreakpoint(new vscode.Location(vscode.Uri.file(PROGRAM), new vscode.Position(breakpointLine() - 1, 0)));
      vscode.debug.addBreakpoints([breakpoint]);
      terminated = new Promise((resolve) => {
        const listener = vscode.debug.onDidTerminateDebugSession((session) => {
          if (session.configuration.program === PROGRAM) {
            listener.dispose();
            resolve();
          }
        });
      });
      const started = await vscode.debug.startDebugging(vscode.workspace.workspaceFolders?.[0], {
        type: 'node',
        request: 'launch',
        name: 'Span Lens debug-node fixture',
        program: PROGRAM,
        cwd: FIXTURE_DIR,
        console: 'internalConsole',
        env: { SPAN_LENS_ENV_OUT: envFile },
      });
      assert.ok(started, 'vscode.debug.startDebugging started the node session');
    });

    after(async function () {
      vscode.debug.removeBreakpoints([breakpoint]);
      if (vscode.debug.activeDebugSession) {
        await vscode.debug.stopDebugging();
      }
      fs.rmSync(envFile, { force: true });
    });

    it('gives the program the receiver, protocol, service name and session tag in its OTEL_* environment', async function () {
      const deadline = Date.now() + 30_000;
      while (!fs.existsSync(envFile)) {
        assert.ok(Date.now() < deadline, `the program wrote ${envFile}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      seen = JSON.parse(fs.readFileSync(envFile, 'utf8')) as typeof seen;
      const env = seen.env;
      assert.equal(env.OTEL_EXPORTER_OTLP_ENDPOINT, `http://${receiver}`);
      assert.equal(env.OTEL_EXPORTER_OTLP_PROTOCOL, 'http/protobuf');
      assert.equal(env.OTEL_TRACES_EXPORTER, 'otlp');
      assert.match(env.OTEL_BSP_SCHEDULE_DELAY ?? '', /^\d+$/);
      assert.ok(env.OTEL_SERVICE_NAME, 'OTEL_SERVICE_NAME is set');
      const match = /(?:^|,)spanlens\.debug\.session=([^,]+)/.exec(env.OTEL_RESOURCE_ATTRIBUTES ?? '');
      assert.ok(match, `OTEL_RESOURCE_ATTRIBUTES carries the session tag: ${env.OTEL_RESOURCE_ATTRIBUTES}`);
      tag = match[1];
      // What the extension says it injected is what the program saw.
      const injected = api.injectedEnvironment();
      assert.ok(injected, 'the extension reports the last injection');
      for (const [key, value] of Object.entries(injected)) {
        assert.equal(env[key], value, `${key} as injected`);
      }
      assert.ok(
        api.debugSessions().some((session) => session.id === tag),
        `the session ${tag} is listed: ${JSON.stringify(api.debugSessions().map((s) => s.id))}`,
      );
    });

    it('stops at the breakpoint, and the session is marked stopped', async function () {
      assert.ok(tag, 'the session tag is known');
      const session = await settled(api, () => api.debugSessions().find((s) => s.id === tag), (s) => s?.state === 'stopped', 30_000);
      assert.equal(session?.state, 'stopped', `session: ${JSON.stringify(session)}`);
      assert.ok(session.marks.some((mark) => mark.kind === 'stopped'), `a stopped mark: ${JSON.stringify(session.marks)}`);
    });

    it('has received the first request’s spans, tagged with the session, by the time it stops', async function () {
      const spans = await settled(
        api,
        () => storedSpans(api.store).filter((span) => sessionTag(span) === tag),
        (found) => found.length >= FIXTURE_SPANS.length,
        20_000,
      );
      assert.deepEqual(spans.map((span) => span.name).sort(), [...FIXTURE_SPANS].sort());
      assert.equal(new Set(spans.map((span) => span.traceId)).size, 1, 'one trace: the first request');
      assert.ok(spans.every((span) => span.resource.serviceName === seen.env.OTEL_SERVICE_NAME), 'the service name the program was given');
      assert.equal(api.debugSessions().find((s) => s.id === tag)?.state, 'stopped', 'the program is still stopped');
      await api.tracePanel.whenIdle();
      if (pageChecksAvailable()) {
        // The page checks that these rows and the stop mark are drawn now, while the debuggee waits.
        await pageCheckpoint('live-session', { sessionId: tag, spanIds: spans.map((span) => span.spanId) }, CHECKPOINT_TIMEOUT_MS);
      }
    });

    it('continues to the end: the session is marked continued and ended, and the second request arrives', async function () {
      await vscode.commands.executeCommand('workbench.action.debug.continue');
      await terminated;
      const session = await settled(api, () => api.debugSessions().find((s) => s.id === tag), (s) => s?.state === 'ended', 20_000);
      const kinds = session?.marks.map((mark) => mark.kind) ?? [];
      assert.equal(session?.state, 'ended', `session: ${JSON.stringify(session)}`);
      assert.ok(kinds.includes('stopped') && kinds.lastIndexOf('continued') > kinds.indexOf('stopped'), `marks in order: ${JSON.stringify(kinds)}`);
      const spans = await settled(
        api,
        () => storedSpans(api.store).filter((span) => sessionTag(span) === tag),
        (found) => found.length >= 2 * FIXTURE_SPANS.length,
        20_000,
      );
      assert.equal(spans.length, 2 * FIXTURE_SPANS.length, `spans: ${spans.map((span) => span.name).join(', ')}`);
      assert.equal(new Set(spans.map((span) => span.traceId)).size, 2, 'two traces: one per request');
    });
  });

  describe('the panel with a 10,000-span trace, hostile text and a span with a source line', function () {
    let sessionSpans: Span[];
    let largeTraceId: string;
    let hostile: { traceId: string; spanId: string };
    let target: { file: string; line: number; traceId: string; spanId: string };

    before(async function () {
      sessionSpans = storedSpans(api.store).filter((span) => sessionTag(span) !== undefined);
      // Oldest first in arrival: the page finds the session's trace at the end of the list, these at the top.
      const large = await sendLargeTrace(receiver, SERVICE, LARGE_TRACE_SPANS);
      largeTraceId = large[0].traceId;
      const [hostileRoot] = await sendHostileTrace(receiver, SERVICE);
      hostile = hostileRoot;
      const file = goFiles(root).find((f) => goFuncLines(f).length >= 2) ?? goFiles(root)[0];
      const line = goFuncLines(file)[1];
      const [located] = await sendSpans(receiver, SERVICE, [
        { name: 'it.panel.located', durationMs: 7, attributes: { 'code.file.path': file, 'code.line.number': line } },
      ]);
      target = { file, line, traceId: located.traceId, spanId: located.spanId };
      await settled(api, () => api.store.getTrace(largeTraceId)?.spanCount ?? 0, (n) => n >= LARGE_TRACE_SPANS, 30_000);
      await api.tracePanel.whenIdle();
    });

    it('holds the whole 10,000-span trace in the store', function () {
      assert.equal(api.store.getTrace(largeTraceId)?.spanCount, LARGE_TRACE_SPANS);
    });

    it('reveals a held trace with spanLens.revealTraceInPanel, and refuses one it does not hold', async function () {
      const revealed = await vscode.commands.executeCommand<boolean>('spanLens.revealTraceInPanel', hostile.traceId, hostile.spanId);
      assert.equal(revealed, true);
      assert.equal(await api.tracePanel.revealTrace('0123456789abcdef0123456789abcdef'), false);
      assert.ok(api.tracePanel.liveWebviews >= 1, 'the view is live after the reveal');
    });

    it('opens as an editor tab too, a second live webview', async function () {
      const before = api.tracePanel.liveWebviews;
      await vscode.commands.executeCommand('spanLens.openTracePanelInEditor');
      const live = await settled(api, () => api.tracePanel.liveWebviews, (n) => n > before, 20_000);
      assert.ok(live > before, `live webviews ${before} → ${live}`);
      const tabs = vscode.window.tabGroups.all.flatMap((group) => group.tabs);
      const panelTab = tabs.find((tab) => tab.input instanceof vscode.TabInputWebview && tab.input.viewType.endsWith('spanLens.tracePanel'));
      assert.ok(panelTab, `a tab of view type spanLens.tracePanel: ${tabs.map((t) => t.label).join(', ')}`);
      await vscode.window.tabGroups.close(panelTab);
      const after = await settled(api, () => api.tracePanel.liveWebviews, (n) => n === before, 20_000);
      assert.equal(after, before, 'closing the tab disposes its webview');
    });

    it('is drawn in the page: rows, scrolling, text not markup, and a click opens the source line', async function () {
      if (!pageChecksAvailable()) {
        this.skip();
      }
      this.timeout(CHECKPOINT_TIMEOUT_MS + 10_000);
      // Nothing open in the editor: the file the page's click opens can only come from the click.
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      await vscode.commands.executeCommand('spanLens.showTracePanel');
      await api.tracePanel.whenIdle();
      const sessionTraceId = sessionSpans[0]?.traceId;
      // The panel lists traces newest first by start time: the one that started first ends the list.
      const oldestTraceId = api.store
        .traceIds()
        .map((traceId) => ({ traceId, start: api.store.getTrace(traceId)?.startUnixMs ?? Infinity }))
        .sort((a, b) => a.start - b.start)[0]?.traceId;
      const response = await pageCheckpoint(
        'panel',
        {
          minSpans: LARGE_TRACE_SPANS + sessionSpans.length + 3,
          largeTraceSpans: LARGE_TRACE_SPANS,
          largeTraceId,
          sessionTraceId,
          sessionSpanIds: sessionSpans.map((span) => span.spanId),
          oldestTraceId,
          xss: { spanId: hostile.spanId, nameText: '<img src=x onerror=', attributeTexts: [HOSTILE.attributeValue] },
          source: { spanId: target.spanId, line: target.line, label: `${path.relative(root, target.file)}:${target.line}` },
        },
        CHECKPOINT_TIMEOUT_MS,
      );
      // The page counted its own checks; here, what the click did in the extension host.
      assert.ok(response.clicked, `the page clicked the located span's row: ${JSON.stringify(response.failed)}`);
      const editor = vscode.window.activeTextEditor;
      assert.equal(editor?.document.uri.fsPath, target.file);
      assert.equal(editor.selection.active.line + 1, target.line);
    });
  });
});
