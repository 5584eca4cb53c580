/**
 * Inside a real VS Code with the sample workspace open: real OTLP spans that form a broken link put a warning after
 * the line to blame, a "Span Lens" problem on it, and a hover there that explains the evidence. Whole traces put
 * nothing there, and clearing the data takes the findings away.
 */
import assert from 'node:assert/strict';
import * as path from 'path';
import * as vscode from 'vscode';
import { SpanKind } from '@opentelemetry/api';
import type { SpanLensApi } from '../../../src/extension/extension';
import { sendSpans } from '../support/otlpSender';
import { hoverTexts, markdownPlainText, settled, settledAnnotations, showLine, spanLensApi, spanLensDiagnostics } from '../support/spanLens';
import { SpanStartCall, uniqueGoSpanStarts } from '../support/workspaceSource';

const ORDER = 'it-order-service';
const INVENTORY = 'it-inventory-service';
/** Short, so the suite waits about a second for each finding instead of the default five. */
const GRACE_SECONDS = 1;
const DOCS = 'https://github.com/span-lens/span-lens/blob/main/docs/broken-links.md';

/** The unique `tracer.Start` call with this span name, else the first unique one in a file whose path matches. */
function pick(calls: SpanStartCall[], root: string, name: string, fileHint: RegExp): SpanStartCall {
  const call = calls.find((c) => c.spanName === name) ?? calls.find((c) => fileHint.test(path.relative(root, c.file)));
  assert.ok(call, `the workspace has a unique tracer.Start call named ${name} or in a file like ${fileHint}`);
  return call;
}

/**
 * order-service's `order.Create` calls inventory with a CLIENT span; inventory's SERVER span for that very request
 * (same port, a route that matches the path, inside the client span's time) starts a trace of its own.
 */
async function sendDisconnectedCall(receiver: string, create: SpanStartCall, base: number): Promise<{ callerTrace: string; calleeTrace: string }> {
  const caller = await sendSpans(
    receiver,
    ORDER,
    [
      { name: create.spanName, durationMs: 40, startMs: 0 },
      {
        name: 'GET',
        kind: SpanKind.CLIENT,
        durationMs: 20,
        startMs: 10,
        childOf: 0,
        attributes: { 'http.request.method': 'GET', 'url.full': 'http://localhost:8081/stock/sku-42', 'server.address': 'localhost', 'server.port': 8081 },
      },
    ],
    base,
  );
  const callee = await sendSpans(
    receiver,
    INVENTORY,
    [
      {
        name: 'GET /stock/:sku',
        kind: SpanKind.SERVER,
        durationMs: 14,
        startMs: 13,
        attributes: { 'http.request.method': 'GET', 'http.route': '/stock/:sku', 'url.path': '/stock/sku-42', 'server.port': 8081 },
      },
    ],
    base,
  );
  return { callerTrace: caller[0].traceId, calleeTrace: callee[0].traceId };
}

describe('Span Lens broken links in a real VS Code', function () {
  this.timeout(90_000);
  let api: SpanLensApi;
  let root: string;
  let receiver: string;
  let create: SpanStartCall;
  let check: SpanStartCall;
  let previousGrace: number | undefined;

  before(async function () {
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder, 'a workspace folder is open');
    root = folder.uri.fsPath;
    api = await spanLensApi();
    const config = vscode.workspace.getConfiguration('spanLens');
    previousGrace = config.inspect<number>('findings.graceSeconds')?.globalValue;
    await config.update('findings.graceSeconds', GRACE_SECONDS, vscode.ConfigurationTarget.Global);
    // The extension host sees the new value when its change event has run: the detector is rebuilt by then.
    await settled(api, () => vscode.workspace.getConfiguration('spanLens').get<number>('findings.graceSeconds'), (value) => value === GRACE_SECONDS);
    await api.whenIdle();
    api.store.clear();
    const address = api.receiverAddress();
    assert.ok(address, 'the receiver is running');
    receiver = address;
    const calls = uniqueGoSpanStarts(root);
    create = pick(calls, root, 'order.Create', /order/);
    check = pick(
      calls.filter((c) => c !== create),
      root,
      'inventory.Check',
      /inventory/,
    );
  });

  after(async function () {
    await vscode.workspace.getConfiguration('spanLens').update('findings.graceSeconds', previousGrace, vscode.ConfigurationTarget.Global);
    // Leave a blamed line in view, with its span summary and its warning: the harness checks the page draws the
    // summary and takes the screenshot with both.
    if (create && receiver) {
      const editor = await showLine(create.file, create.line);
      await sendDisconnectedCall(receiver, create, Math.floor(Date.now()) - 30_000);
      await settled(api, () => api.findingWarningsFor(editor.document.uri), (shown) => shown.some((w) => w.line === create.line));
      await settledAnnotations(api, editor.document.uri, (annotations) => annotations.some((a) => a.line === create.line));
    }
  });

  describe('an orphan span (its parent was never exported)', function () {
    let uri: vscode.Uri;
    const lostParent = { traceId: '5b8efff798038103d269b633813fc60c', spanId: 'eee19b7ec3c1b174' };

    before(async function () {
      uri = (await showLine(check.file, check.line)).document.uri;
      await sendSpans(receiver, INVENTORY, [{ name: check.spanName, durationMs: 7, remoteParent: lostParent }]);
    });

    it('becomes a finding on the orphan’s line once the grace window has passed', async function () {
      const findings = await settled(api, () => api.findings(), (found) => found.some((f) => f.kind === 'orphan-span'));
      assert.deepEqual(
        findings.map((f) => ({ kind: f.kind, file: f.location?.file, line: f.location?.line, traceIds: f.traceIds })),
        [{ kind: 'orphan-span', file: check.file, line: check.line, traceIds: [lostParent.traceId] }],
      );
    });

    it('puts a Span Lens warning in the Problems panel on that line, coded and linked to its docs', async function () {
      const diagnostics = await settled(api, () => spanLensDiagnostics(uri), (shown) => shown.length > 0);
      assert.equal(diagnostics.length, 1, JSON.stringify(diagnostics));
      const [diagnostic] = diagnostics;
      const document = await vscode.workspace.openTextDocument(uri);
      const text = document.lineAt(check.line - 1);
      assert.equal(diagnostic.severity, vscode.DiagnosticSeverity.Warning);
      assert.equal(diagnostic.range.start.line, check.line - 1);
      assert.equal(diagnostic.range.start.character, text.firstNonWhitespaceCharacterIndex);
      assert.equal(diagnostic.range.end.character, text.text.trimEnd().length);
      assert.equal(diagnostic.message, api.findings()[0].message);
      const code = diagnostic.code as { value: string; target: vscode.Uri };
      assert.equal(code.value, 'SL101');
      assert.equal(code.target.toString(true), `${DOCS}#sl101-orphan-span`);
    });

    it('shows the warning after the line', async function () {
      const warnings = await settled(api, () => api.findingWarningsFor(uri), (shown) => shown.length > 0);
      assert.deepEqual(warnings, [{ line: check.line, text: '⚠ trace breaks here · parent span never arrived' }]);
    });

    it('explains it in the hover: the span, its trace, its service, why it matters, a link to the trace', async function () {
      const markdown = (await hoverTexts(uri, check.line)).join('\n');
      const hover = markdownPlainText(markdown);
      assert.match(hover, /SL101 · parent span never arrived/);
      assert.ok(hover.includes(`orphan **${check.spanName}** · ${INVENTORY} · trace ${lostParent.traceId.slice(0, 8)}`), hover);
      assert.match(hover, /Why this matters:/);
      assert.ok(markdown.includes(`command:spanLens.openTrace?${encodeURIComponent(JSON.stringify([lostParent.traceId]))}`), markdown);
    });

    it('goes away with the data', async function () {
      await vscode.commands.executeCommand('spanLens.clearData');
      const diagnostics = await settled(api, () => spanLensDiagnostics(uri), (shown) => shown.length === 0);
      assert.deepEqual(diagnostics, []);
      assert.deepEqual(api.findings(), []);
      assert.deepEqual(await settled(api, () => api.findingWarningsFor(uri), (shown) => shown.length === 0), []);
    });
  });

  describe('a server that starts a new trace while another trace calls it', function () {
    let uri: vscode.Uri;
    let traces: { callerTrace: string; calleeTrace: string };

    before(async function () {
      api.store.clear();
      uri = (await showLine(create.file, create.line)).document.uri;
      traces = await sendDisconnectedCall(receiver, create, Math.floor(Date.now()) - 60_000);
    });

    it('blames the caller’s line: a warning there, a Problems entry, and the hover with both traces', async function () {
      const warnings = await settled(api, () => api.findingWarningsFor(uri), (shown) => shown.length > 0);
      assert.deepEqual(warnings, [{ line: create.line, text: '⚠ trace breaks here · downstream started a new trace' }]);

      // The live findings' problems (SL1xx): the static checks (SL2xx) report the sample's own faults in this file too.
      const diagnostics = spanLensDiagnostics(uri).filter((d) => /^SL1/.test((d.code as { value: string }).value));
      assert.deepEqual(
        diagnostics.map((d) => ({ line: d.range.start.line + 1, code: (d.code as { value: string }).value, severity: d.severity })),
        [{ line: create.line, code: 'SL102', severity: vscode.DiagnosticSeverity.Warning }],
      );
      assert.match(diagnostics[0].message, /new trace/);

      const markdown = (await hoverTexts(uri, create.line)).join('\n');
      const hover = markdownPlainText(markdown);
      assert.match(hover, /SL102 · downstream started a new trace/);
      assert.ok(hover.includes(ORDER) && hover.includes(INVENTORY), `both services: ${hover}`);
      assert.ok(hover.includes(`trace ${traces.callerTrace.slice(0, 8)}`) && hover.includes(`trace ${traces.calleeTrace.slice(0, 8)}`), `both traces: ${hover}`);
      assert.match(hover, /started \+\d+(\.\d)? ms after the/);
      for (const traceId of [traces.callerTrace, traces.calleeTrace]) {
        assert.ok(markdown.includes(`command:spanLens.openTrace?${encodeURIComponent(JSON.stringify([traceId]))}`), `opens ${traceId}`);
      }
      // The line's span summary is still there beside the warning.
      assert.ok(hover.includes('p50'), `the statistics hover too: ${hover}`);
    });

    it('puts nothing on a line whose trace is whole', async function () {
      const whole = await sendSpans(receiver, ORDER, [
        { name: check.spanName, durationMs: 30 },
        { name: 'db.lookup', durationMs: 5, startMs: 5, childOf: 0 },
      ]);
      const checkUri = (await showLine(check.file, check.line)).document.uri;
      await settledAnnotations(api, checkUri, (annotations) => annotations.some((a) => a.line === check.line));
      // Past the grace window with room to spare: a finding would be there by now.
      await new Promise((resolve) => setTimeout(resolve, (GRACE_SECONDS + 2) * 1000));
      await api.whenIdle();
      assert.deepEqual(spanLensDiagnostics(checkUri), []);
      assert.deepEqual(api.findingWarningsFor(checkUri), []);
      assert.ok(!api.findings().some((f) => f.traceIds.includes(whole[0].traceId)), JSON.stringify(api.findings()));
    });
  });
});
