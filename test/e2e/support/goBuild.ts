/**
 * `go build` of the sample programs into a scratch directory (never into the repo). Builds are slow on small
 * machines, so each module is built once per test run and shared by every suite that needs it.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { GO_EXPORTCHECK, GO_SHOP } from './repo';

let binDir: string | undefined;
const builds = new Map<string, Promise<void>>();

/** One scratch directory for all binaries of this run; the OS cleans its temp dir. */
export function goBinDir(): string {
  binDir ??= mkdtempSync(path.join(tmpdir(), 'span-lens-go-bin-'));
  return binDir;
}

function goBuild(moduleDir: string, packages: string[]): Promise<void> {
  const key = `${moduleDir} ${packages.join(' ')}`;
  let build = builds.get(key);
  if (!build) {
    build = new Promise<void>((resolve, reject) => {
      execFile('go', ['build', '-o', goBinDir() + path.sep, ...packages], { cwd: moduleDir, maxBuffer: 16 << 20 }, (error, _stdout, stderr) =>
        error ? reject(new Error(`go build ${packages.join(' ')} in ${moduleDir} failed: ${stderr || String(error)}`)) : resolve(),
      );
    });
    builds.set(key, build);
  }
  return build;
}

export interface GoShopBinaries {
  order: string;
  inventory: string;
  /** Also the shop's message broker (embedded NATS server). */
  notifier: string;
  traffic: string;
}

/** Every go-shop program in one `go build`, shared by all suites of the run. */
export async function buildGoShop(): Promise<GoShopBinaries> {
  await goBuild(GO_SHOP, ['./cmd/order', './cmd/inventory', './cmd/notifier', './cmd/traffic']);
  const dir = goBinDir();
  const bin = (name: string): string => path.join(dir, name);
  return { order: bin('order'), inventory: bin('inventory'), notifier: bin('notifier'), traffic: bin('traffic') };
}

/** test/go-exportcheck: sends N spans through go-shop's telemetry setup and prints their ids. */
export async function buildExportCheck(): Promise<string> {
  await goBuild(GO_EXPORTCHECK, ['.']);
  return path.join(goBinDir(), 'exportcheck');
}
