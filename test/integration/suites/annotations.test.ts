/**
 * Inside a real VS Code with the sample workspace open: real OTLP spans sent to the running extension's receiver put
 * the annotation on the line that made them, and the hover there lists them.
 */
import assert from 'node:assert/strict';
import * as path from 'path';
import * as vscode from 'vscode';
import type { SpanLensApi } from '../../../src/extension/extension';
import { SentSpan, sendSpans } from '../support/otlpSender';
import { hoverTexts, markdownPlainText, settledAnnotations, showLine, spanLensApi } from '../support/spanLens';
import { SpanStartCall, goFiles, goFuncLines, goSpanStarts, uniqueGoSpanStarts } from '../support/workspaceSource';

const SERVICE = 'it-order-service';

describe('Span Lens in a real VS Code', function () {
  this.timeout(60_000);
  let api: SpanLensApi;
  let root: string;
  let receiver: string;
  /** A `tracer.Start(ctx, "name")` call whose name is unique in the workspace. */
  let target: SpanStartCall;

  before(async function () {
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder, 'a workspace folder is open');
    root = folder.uri.fsPath;
    api = await spanLensApi();
    await api.whenIdle();
    api.store.clear();
    const candidates = uniqueGoSpanStarts(root);
    assert.ok(candidates.length > 0, `the workspace ${root} has Go files with tracer.Start(ctx, "name") calls`);
    // Prefer a call inside a function body in an order-service file: the sample's main path.
    target = candidates.find((call) => /order/.test(path.relative(root, call.file))) ?? candidates[0];
  });

  after(async function () {
    // Leave the first annotated line in view: the harness checks the page draws it and takes the screenshot.
    if (target) {
      const editor = await showLine(target.file, target.line);
      await settledAnnotations(api, editor.document.uri, (annotations) => annotations.length > 0);
    }
  });

  it('runs the receiver on the configured host and port', function () {
    const settings = vscode.workspace.getConfiguration('spanLens.receiver');
    const address = api.receiverAddress();
    assert.equal(address, `${settings.get<string>('host')}:${settings.get<number>('httpPort')}`);
    receiver = address;
  });

  describe('a span named like a tracer.Start call', function () {
    let uri: vscode.Uri;
    let sent: SentSpan[];

    before(async function () {
      assert.ok(receiver, 'the receiver is running');
      uri = (await showLine(target.file, target.line)).document.uri;
      // 20 spans of 2, 4, …, 40 ms: p50 is 20 ms and p95 38 ms by any usual quantile definition.
      sent = await sendSpans(
        receiver,
        SERVICE,
        Array.from({ length: 20 }, (_, i) => ({ name: target.spanName, durationMs: 2 * (i + 1), attributes: { 'http.route': '/orders/:id' } })),
      );
    });

    it('annotates that line, and only that line, with count, p50 and p95', async function () {
      const annotations = await settledAnnotations(api, uri, (shown) => shown.some((a) => a.line === target.line));
      assert.deepEqual(annotations, [{ line: target.line, text: '20× · p50 20 ms · p95 38 ms' }]);
    });

    it('lists the spans in the hover on that line: statistics, service and trace ids', async function () {
      const hover = markdownPlainText((await hoverTexts(uri, target.line)).join('\n'));
      assert.match(hover, /Span Lens/);
      assert.ok(hover.includes(target.spanName), `the hover names the span: ${hover}`);
      assert.ok(hover.includes('20× · p50 20 ms · p95 38 ms'), `the hover has the statistics: ${hover}`);
      assert.ok(hover.includes(SERVICE), `the hover names the service: ${hover}`);
      const newest = sent[sent.length - 1];
      assert.ok(hover.includes(`trace ${newest.traceId.slice(0, 8)}`), `the hover lists the newest span's trace: ${hover}`);
      assert.ok(hover.includes('http.route=/orders/:id'), `the hover shows the key attributes: ${hover}`);
    });

    it('has no hover on a line without spans', async function () {
      const line = target.line > 1 ? target.line - 1 : target.line + 1;
      const hover = (await hoverTexts(uri, line)).join('\n');
      assert.doesNotMatch(hover, /Span Lens/);
    });
  });

  describe('spans with code.* attributes', function () {
    let other: string;
    let otherUri: vscode.Uri;
    let newSemconvLine: number;
    let oldSemconvLine: number;

    before(async function () {
      // Another file than the span-name target, and lines that start no span: only the attributes can point there.
      const spanLines = goSpanStarts(root).map((call) => `${call.file}:${call.line}`);
      const candidates = goFiles(root)
        .filter((file) => file !== target.file)
        .map((file) => ({ file, funcs: goFuncLines(file).filter((line) => !spanLines.includes(`${file}:${line}`)) }))
        .filter((candidate) => candidate.funcs.length >= 2);
      const chosen = candidates.find((candidate) => /inventory/.test(path.relative(root, candidate.file))) ?? candidates[0];
      assert.ok(chosen, 'the workspace has a second Go file declaring at least two functions');
      other = chosen.file;
      [newSemconvLine, oldSemconvLine] = [chosen.funcs[0], chosen.funcs[chosen.funcs.length - 1]];
      otherUri = (await showLine(other, newSemconvLine)).document.uri;
    });

    it('annotates the line of code.file.path and code.line.number, counting errors', async function () {
      // A build path from another machine: it resolves by its longest suffix inside the workspace.
      const telemetryPath = path.posix.join('/ci/build/checkout', path.relative(root, other).split(path.sep).join('/'));
      const attributes = { 'code.file.path': telemetryPath, 'code.line.number': newSemconvLine };
      await sendSpans(receiver, SERVICE, [
        { name: 'it.located-by-attributes', durationMs: 5, attributes },
        { name: 'it.located-by-attributes', durationMs: 5, attributes, error: 'stock service unavailable' },
        { name: 'it.located-by-attributes', durationMs: 5, attributes },
      ]);
      const annotations = await settledAnnotations(api, otherUri, (shown) => shown.some((a) => a.line === newSemconvLine));
      assert.deepEqual(annotations, [{ line: newSemconvLine, text: '3× · p50 5 ms · p95 5 ms · 1 error' }]);
    });

    it('annotates the line of the older code.filepath and code.lineno', async function () {
      const attributes = { 'code.filepath': other, 'code.lineno': oldSemconvLine };
      await sendSpans(receiver, 'it-inventory-service', [
        { name: 'it.located-by-old-attributes', durationMs: 12, attributes },
        { name: 'it.located-by-old-attributes', durationMs: 12, attributes },
      ]);
      const annotations = await settledAnnotations(api, otherUri, (shown) => shown.some((a) => a.line === oldSemconvLine));
      assert.deepEqual(
        annotations.find((a) => a.line === oldSemconvLine),
        { line: oldSemconvLine, text: '2× · p50 12 ms · p95 12 ms' },
      );
      const hover = markdownPlainText((await hoverTexts(otherUri, oldSemconvLine)).join('\n'));
      assert.ok(hover.includes('it-inventory-service'), `the hover names the service: ${hover}`);
    });
  });
});
