/**
 * The same integration suites in a downloaded VS Code (Electron), where one can be downloaded: `@vscode/test-electron`
 * starts it with Span Lens as the extension under development on the sample workspace and calls
 * out/test/integration/index.js's `run()` in its extension host. Needs `npx tsc -p .` and a built dist/ (the manifest's
 * `main`). On a Linux CI without a display, run it under `xvfb-run -a`.
 *
 * Env: VSCODE_VERSION (default "stable"), SPAN_LENS_IT_WORKSPACE (default samples/go-shop), SPAN_LENS_IT_GREP,
 *      SPAN_LENS_TOTALS_FILE (JSON totals, written by the suites' entry point).
 */
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { runTests } from '@vscode/test-electron';

const root = path.resolve(__dirname, '../../..');

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address() as net.AddressInfo;
      server.close(() => resolve(address.port));
    });
  });
}

async function main(): Promise<number> {
  const workspace = path.resolve(process.env.SPAN_LENS_IT_WORKSPACE ?? path.join(root, 'samples/go-shop'));
  const extensionTestsPath = path.join(root, 'out/test/integration/index.js');
  for (const needed of [extensionTestsPath, path.join(root, 'dist/extension.js'), workspace]) {
    if (!fs.existsSync(needed)) {
      throw new Error(`missing ${needed}: run \`npx tsc -p .\` and \`npm run build\` first`);
    }
  }
  // A fresh profile: workspace trust off (the receiver only starts in trusted workspaces) and a free receiver port.
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'span-lens-electron-'));
  fs.mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
  fs.writeFileSync(
    path.join(userDataDir, 'User/settings.json'),
    JSON.stringify({
      'security.workspace.trust.enabled': false,
      'spanLens.receiver.httpPort': await freePort(),
      'spanLens.receiver.grpcPort': 0,
      'workbench.startupEditor': 'none',
      'telemetry.telemetryLevel': 'off',
      'update.mode': 'none',
    }),
  );
  try {
    return await runTests({
      version: process.env.VSCODE_VERSION ?? 'stable',
      extensionDevelopmentPath: root,
      extensionTestsPath,
      extensionTestsEnv: {
        SPAN_LENS_IT_GREP: process.env.SPAN_LENS_IT_GREP,
        SPAN_LENS_TOTALS_FILE: process.env.SPAN_LENS_TOTALS_FILE,
      },
      launchArgs: [
        workspace,
        '--disable-extensions',
        '--disable-workspace-trust',
        `--user-data-dir=${userDataDir}`,
        '--skip-welcome',
        '--skip-release-notes',
      ],
    });
  } finally {
    fs.rmSync(userDataDir, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error('[electron harness]', error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
