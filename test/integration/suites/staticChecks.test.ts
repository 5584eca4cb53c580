/**
 * Inside a real VS Code with the sample workspace open: the static Go checks put a "Span Lens" problem on the exact
 * fault (the sample's `http.DefaultClient.Do(` with no otelhttp transport), the light bulb offers the preferred quick
 * fix, applying it edits the document as expected and the problem goes away. The document is reverted afterwards, so
 * the workspace stays as it was. "Check Workspace" finds faults in files no editor has open.
 */
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { SpanLensApi } from '../../../src/extension/extension';
import { settled, showLine, spanLensApi, spanLensDiagnostics } from '../support/spanLens';

const DOCS = 'https://github.com/span-lens/span-lens/blob/main/docs/static-checks.md';
const FAULT = 'http.DefaultClient.Do(';
const OTELHTTP_IMPORT = '"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"';

function codeOf(diagnostic: vscode.Diagnostic): string | undefined {
  const code = diagnostic.code;
  return typeof code === 'object' ? String(code.value) : code === undefined ? undefined : String(code);
}

function occurrences(text: string, needle: string): number {
  return text.split(needle).length - 1;
}

describe('Static checks in the editor', function () {
  this.timeout(90_000);
  let api: SpanLensApi;
  let root: string;
  let file: string;
  let uri: vscode.Uri;
  /** 0-based line and character of the fault in the sample. */
  let faultLine: number;
  let faultCharacter: number;
  let original: string;
  let autoSave: unknown;
  /** The editor the earlier suites left in front (the harness then checks its annotations are drawn). */
  let previousDocument: vscode.TextDocument | undefined;

  before(async () => {
    previousDocument = vscode.window.activeTextEditor?.document;
    api = await spanLensApi();
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder, 'the sample workspace is open');
    root = folder.uri.fsPath;
    file = path.join(root, 'internal/order/inventory_client.go');
    uri = vscode.Uri.file(file);
    original = fs.readFileSync(file, 'utf8');
    const lines = original.split('\n');
    faultLine = lines.findIndex((line) => line.includes(FAULT));
    assert.ok(faultLine >= 0, `the sample still has ${FAULT}`);
    faultCharacter = lines[faultLine].indexOf('http.DefaultClient');
    // VS Code in a browser auto-saves by default: the fix must stay in the buffer, never reach the sample on disk.
    autoSave = vscode.workspace.getConfiguration('files').inspect('autoSave')?.globalValue;
    await vscode.workspace.getConfiguration('files').update('autoSave', 'off', vscode.ConfigurationTarget.Global);
  });

  after(async () => {
    // Whatever happened, leave the sample as it was on disk.
    const document = vscode.workspace.textDocuments.find((d) => d.uri.fsPath === file);
    if (document?.isDirty) {
      await vscode.window.showTextDocument(document);
      await vscode.commands.executeCommand('workbench.action.files.revert');
    }
    await vscode.workspace.getConfiguration('files').update('autoSave', autoSave, vscode.ConfigurationTarget.Global);
    const onDisk = fs.readFileSync(file, 'utf8');
    if (onDisk !== original) fs.writeFileSync(file, original);
    if (previousDocument && !previousDocument.isClosed) await vscode.window.showTextDocument(previousDocument, { preview: false });
    assert.equal(onDisk, original, 'the sample file on disk is unchanged');
  });

  const faultDiagnostics = (): vscode.Diagnostic[] => spanLensDiagnostics(uri).filter((d) => codeOf(d) === 'SL204' && d.range.start.line === faultLine);

  it('shows a Span Lens warning with the rule code and a docs link on the exact fault of an opened Go file', async () => {
    await showLine(file, faultLine + 1);
    const found = await settled(api, faultDiagnostics, (list) => list.length === 1);
    assert.equal(found.length, 1, `one SL204 problem on line ${faultLine + 1}: ${JSON.stringify(spanLensDiagnostics(uri).map((d) => [codeOf(d), d.range.start.line, d.message]))}`);
    const [diagnostic] = found;
    assert.equal(diagnostic.source, 'Span Lens');
    assert.equal(diagnostic.severity, vscode.DiagnosticSeverity.Warning);
    assert.ok(typeof diagnostic.code === 'object' && diagnostic.code.target.toString().startsWith(`${DOCS}#sl204-`), String(JSON.stringify(diagnostic.code)));
    assert.deepEqual(
      [diagnostic.range.start.line, diagnostic.range.start.character, diagnostic.range.end.line, diagnostic.range.end.character],
      [faultLine, faultCharacter, faultLine, faultCharacter + 'http.DefaultClient'.length],
    );
    assert.match(diagnostic.message, /otelhttp/);
  });

  it('offers the preferred quick fix in the light bulb; applying it instruments the client and the problem goes away', async () => {
    const [diagnostic] = await settled(api, faultDiagnostics, (list) => list.length === 1);
    assert.ok(diagnostic, 'the problem is shown');
    const actions =
      (await vscode.commands.executeCommand<(vscode.CodeAction | vscode.Command)[]>('vscode.executeCodeActionProvider', uri, diagnostic.range)) ?? [];
    // The command hands back each action's title, kind, edit and isPreferred (not the diagnostics it fixes).
    const ours = actions.filter(
      (action): action is vscode.CodeAction => 'kind' in action && action.edit !== undefined && action.kind !== undefined && vscode.CodeActionKind.QuickFix.contains(action.kind),
    );
    assert.ok(ours.length > 0, `a Span Lens quick fix is offered: ${JSON.stringify(actions.map((a) => a.title))}`);
    const preferred = ours.filter((action) => action.isPreferred);
    assert.equal(preferred.length, 1, `one preferred fix among ${JSON.stringify(ours.map((a) => a.title))}`);
    const [fix] = preferred;
    assert.ok(fix.kind && vscode.CodeActionKind.QuickFix.contains(fix.kind), `a quick fix: ${fix.kind?.value}`);
    assert.ok(fix.edit, 'the fix carries its edit');

    assert.ok(await vscode.workspace.applyEdit(fix.edit));
    const document = await vscode.workspace.openTextDocument(uri);
    const text = document.getText();
    const line = document.lineAt(faultLine).text;
    assert.ok(document.isDirty, 'the document is edited, not saved');
    assert.doesNotMatch(line, /http\.DefaultClient\.Do\(/);
    assert.match(line, /otelhttp\.NewTransport\(http\.DefaultTransport\)/);
    assert.match(line, /\.Do\(req\)/);
    assert.equal(occurrences(text, OTELHTTP_IMPORT), 1, 'otelhttp is imported, once');
    // Everything outside the fixed line is as it was.
    const before = original.split('\n');
    const after = text.split('\n');
    assert.equal(after.length, before.length);
    assert.deepEqual(
      after.filter((_, i) => i !== faultLine),
      before.filter((_, i) => i !== faultLine),
    );

    const remaining = await settled(api, faultDiagnostics, (list) => list.length === 0);
    assert.deepEqual(remaining.map((d) => d.message), [], 'the problem is gone once the fix is in');
  });

  it('reverting the document brings the fault and its problem back', async () => {
    const document = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(document);
    await vscode.commands.executeCommand('workbench.action.files.revert');
    assert.equal(document.isDirty, false);
    assert.equal(document.getText(), original);
    const found = await settled(api, faultDiagnostics, (list) => list.length === 1);
    assert.equal(found.length, 1);
  });

  it('offers the same fix on a live broken-link problem whose blamed line shows the pattern', async () => {
    // A Span Lens problem as the live findings report an uninstrumented client (SL103) on the blamed line; the
    // provider reads only the problems VS Code hands it, so a collection of the test's own stands in for the detector.
    const live = vscode.languages.createDiagnosticCollection('staticChecks.test.live');
    try {
      const document = await vscode.workspace.openTextDocument(uri);
      const line = document.lineAt(faultLine);
      const range = new vscode.Range(faultLine, line.firstNonWhitespaceCharacterIndex, faultLine, line.text.length);
      const diagnostic = new vscode.Diagnostic(range, 'order-service called inventory-service without a client span.', vscode.DiagnosticSeverity.Warning);
      diagnostic.source = 'Span Lens';
      diagnostic.code = 'SL103';
      live.set(uri, [diagnostic]);
      // Only the live problem covers the line's first character (the static one starts at `http.DefaultClient`).
      const first = line.firstNonWhitespaceCharacterIndex;
      const lineStart = new vscode.Range(faultLine, first, faultLine, first + 1);
      assert.ok(spanLensDiagnostics(uri).every((d) => d.range.intersection(lineStart) === undefined || d.code === 'SL103'));
      const actions = (await vscode.commands.executeCommand<(vscode.CodeAction | vscode.Command)[]>('vscode.executeCodeActionProvider', uri, lineStart)) ?? [];
      const titles = actions.map((action) => action.title);
      const fixes = actions.filter((action): action is vscode.CodeAction => 'kind' in action && action.edit !== undefined);
      assert.ok(fixes.some((action) => action.isPreferred && /otelhttp/.test(action.title)), `an otelhttp fix for the live problem: ${JSON.stringify(titles)}`);
      assert.equal(document.isDirty, false, 'offering a fix edits nothing');
    } finally {
      live.dispose();
    }
  });

  it('"Check Workspace" reports faults across the workspace, in files no check has looked at yet', async () => {
    const service = vscode.Uri.file(path.join(root, 'internal/order/service.go'));
    const count = await vscode.commands.executeCommand<number | undefined>('spanLens.checkWorkspace');
    assert.ok(typeof count === 'number' && count >= 2, `findings counted: ${String(count)}`);
    const problems = await settled(api, () => spanLensDiagnostics(service), (list) => list.some((d) => codeOf(d) === 'SL201'));
    const goroutine = problems.find((d) => codeOf(d) === 'SL201');
    assert.ok(goroutine, `an SL201 problem in service.go: ${JSON.stringify(problems.map((d) => codeOf(d)))}`);
    const serviceLines = fs.readFileSync(service.fsPath, 'utf8').split('\n');
    assert.match(serviceLines[goroutine.range.start.line], /context\.Background\(\)|\bgo\b/);
  });
});
