/**
 * Meeting points with the code-server harness's page-side checks (test/harness/panelPage.mjs): the suite writes what
 * the page should show and waits while the harness checks the real browser page. Without the harness (the
 * `@vscode/test-electron` runner has no browser) there is nobody to answer, and `pageCheckpoint` says so.
 */
import * as fs from 'fs';
import * as path from 'path';

/** Set by run-code-server.mjs; the same name as PANEL_CHECKPOINTS_ENV in panelPage.mjs. */
const CHECKPOINTS_ENV = 'SPAN_LENS_IT_PANEL_CHECKPOINTS';

export interface PageCheckpointResponse {
  name: string;
  /** Titles of the page checks that passed. */
  passed: string[];
  failed: { title: string; error: string }[];
  /** The `panel` checkpoint clicked the span with a source line. */
  clicked?: boolean;
}

/** Whether a browser page is there to check (the code-server harness runs the suites). */
export function pageChecksAvailable(): boolean {
  return Boolean(process.env[CHECKPOINTS_ENV]);
}

/**
 * Asks the harness to run the page checks named `name` with `request` and waits for its answer (the harness counts
 * each page check itself). Rejects after `timeoutMs`.
 */
export async function pageCheckpoint(name: string, request: object, timeoutMs: number): Promise<PageCheckpointResponse> {
  const dir = process.env[CHECKPOINTS_ENV];
  if (!dir) {
    throw new Error(`${CHECKPOINTS_ENV} is not set: no page to check`);
  }
  const requestFile = path.join(dir, `${name}.request.json`);
  const responseFile = path.join(dir, `${name}.response.json`);
  fs.rmSync(responseFile, { force: true });
  // Written whole and renamed, so the harness never reads half a request.
  fs.writeFileSync(`${requestFile}.partial`, JSON.stringify({ ...request, name }, null, 2));
  fs.renameSync(`${requestFile}.partial`, requestFile);
  const deadline = Date.now() + timeoutMs;
  while (!fs.existsSync(responseFile)) {
    if (Date.now() > deadline) {
      throw new Error(`the harness did not answer checkpoint ${name} within ${timeoutMs} ms`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return JSON.parse(fs.readFileSync(responseFile, 'utf8')) as PageCheckpointResponse;
}
