// Test-only extension: inside a real VS Code (code-server), run Span Lens's integration suites once the window is up
// and write the totals where the harness waits for them. Inert unless SPAN_LENS_IT_RESULTS is set.
// Only the window on $SPAN_LENS_IT_WORKSPACE runs the suites; any other window (the two-windows suite's second one)
// is an observer: it reports its Span Lens's state to the harness on request (see test/harness/secondWindow.mjs).
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
  if (!isSuiteWindow()) {
    observe(process.env.SPAN_LENS_IT_OBSERVER_DIR);
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

/** Without SPAN_LENS_IT_WORKSPACE (an older harness), every window runs the suites as before. */
function isSuiteWindow() {
  const workspace = process.env.SPAN_LENS_IT_WORKSPACE;
  const folder = vscode.workspace.workspaceFolders && vscode.workspace.workspaceFolders[0];
  return !workspace || (folder !== undefined && path.resolve(folder.uri.fsPath) === path.resolve(workspace));
}

let observerTimer;

/**
 * Answers `observe.request.json` ({ seq, traceIds }) in `dir` with `observe.response.json`: this extension host's pid,
 * its folder, Span Lens's receiver address and which of the trace ids its store holds. One request at a time; the
 * harness waits for the answer with its seq.
 */
function observe(dir) {
  if (!dir) {
    return;
  }
  const requestFile = path.join(dir, 'observe.request.json');
  const responseFile = path.join(dir, 'observe.response.json');
  let answered = 0;
  let busy = false;
  let apiPromise;
  observerTimer = setInterval(() => {
    if (busy || !fs.existsSync(requestFile)) {
      return;
    }
    busy = true;
    void (async () => {
      let response;
      let seq = 0;
      try {
        const request = JSON.parse(fs.readFileSync(requestFile, 'utf8'));
        seq = request.seq;
        if (seq === answered) {
          return;
        }
        apiPromise ??= activateSpanLens();
        const api = await apiPromise;
        // Spans forwarded from the owner's feed are decoded in the background; settle before answering.
        await api.whenIdle();
        const folder = vscode.workspace.workspaceFolders && vscode.workspace.workspaceFolders[0];
        response = {
          seq,
          pid: process.pid,
          folder: folder && folder.uri.fsPath,
          receiverAddress: api.receiverAddress(),
          held: (request.traceIds || []).filter((traceId) => api.store.getTrace(traceId) !== undefined),
        };
      } catch (error) {
        response = { seq, pid: process.pid, error: String((error && error.stack) || error) };
      } finally {
        if (response) {
          fs.writeFileSync(`${responseFile}.partial`, JSON.stringify(response, null, 2));
          fs.renameSync(`${responseFile}.partial`, responseFile);
          answered = response.seq;
        }
        busy = false;
      }
    })();
  }, 100);
}

async function activateSpanLens() {
  const extension = vscode.extensions.getExtension(SPAN_LENS_ID);
  if (!extension) {
    throw new Error(`${SPAN_LENS_ID} is not installed in this VS Code`);
  }
  return extension.activate();
}

function deactivate() {
  if (observerTimer) {
    clearInterval(observerTimer);
  }
}

module.exports = { activate, deactivate };
