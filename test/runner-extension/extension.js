// Test-only extension: inside a real VS Code (code-server), run Span Lens's integration suites once the window is up
// and write the totals where the harness waits for them. Inert unless SPAN_LENS_IT_RESULTS is set.
'use strict';
const fs = require('fs');
const path = require('path');
const vscode = require('vscode');

const SPAN_LENS_ID = 'span-lens.span-lens';

function activate() {
  const resultsFile = process.env.SPAN_LENS_IT_RESULTS;
  if (!resultsFile) {
    return;
  }
  // Not awaited: activation must return so the workbench (and Span Lens) keep starting while the suites run.
  void runAndReport(resultsFile, process.env.SPAN_LENS_IT_ENTRY);
}

async function runAndReport(resultsFile, entry) {
  let results;
  try {
    if (!entry || !path.isAbsolute(entry)) {
      throw new Error(`SPAN_LENS_IT_ENTRY must be the absolute path of out/test/integration/index.js (got ${entry})`);
    }
    const extension = vscode.extensions.getExtension(SPAN_LENS_ID);
    if (!extension) {
      throw new Error(`${SPAN_LENS_ID} is not installed in this VS Code`);
    }
    const api = await extension.activate();
    // The suites and mocha come from the repository (entry's own node_modules resolution), not from this folder.
    const { runSuites } = require(entry);
    results = await runSuites();
    results.shown = shownAnnotations(api);
    results.receiverAddress = api.receiverAddress();
  } catch (error) {
    results = {
      passed: 0,
      failed: 1,
      skipped: 0,
      failures: [{ title: 'integration runner', error: String((error && error.stack) || error) }],
    };
  }
  // Written whole and renamed, so the harness never reads half a file.
  const partial = `${resultsFile}.partial`;
  fs.writeFileSync(partial, JSON.stringify(results, null, 2));
  fs.renameSync(partial, resultsFile);
}

/** What the editor the suites left open shows, so the harness can find the same text in the rendered page. */
function shownAnnotations(api) {
  const editor = vscode.window.activeTextEditor;
  if (!editor || !api || typeof api.annotationsFor !== 'function') {
    return undefined;
  }
  return {
    file: vscode.workspace.asRelativePath(editor.document.uri),
    annotations: api.annotationsFor(editor.document.uri),
  };
}

function deactivate() {}

module.exports = { activate, deactivate };
