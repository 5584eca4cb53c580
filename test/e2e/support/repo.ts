/** Where things are, from the compiled test's point of view (out/test/e2e/support/). */
import * as path from 'node:path';

export const REPO_ROOT = path.resolve(__dirname, '../../../..');
export const GO_SHOP = path.join(REPO_ROOT, 'samples', 'go-shop');
export const GO_EXPORTCHECK = path.join(REPO_ROOT, 'test', 'go-exportcheck');
/** The headless CLI as tsc emits it. */
export const CLI_MAIN = path.join(REPO_ROOT, 'out', 'src', 'cli', 'main.js');
