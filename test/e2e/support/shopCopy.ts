/**
 * A private copy of samples/go-shop in a scratch directory, for tests that edit the source: the repo's sample is never
 * touched. Builds go into a directory beside the copy (not inside it), so the workspace the CLI maps spans to holds
 * only source. The Go build cache is the user's own, so a copy recompiles only the shop's packages.
 */
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync } from 'node:fs';
import * as path from 'node:path';
import type { GoShopBinaries } from './goBuild';
import { GO_SHOP } from './repo';

/** Copies the sample to `<scratch>/go-shop`, leaving out built binaries (bin/) and hidden directories. */
export function copyGoShop(scratch: string): string {
  const target = path.join(scratch, 'go-shop');
  cpSync(GO_SHOP, target, {
    recursive: true,
    filter: (source) => {
      const relative = path.relative(GO_SHOP, source);
      const top = relative.split(path.sep)[0];
      return top !== 'bin' && !top.startsWith('.');
    },
  });
  return target;
}

export interface GoRun {
  command: string;
  /** null when the process could not start or was killed. */
  code: number | null;
  output: string;
}

/** Runs a Go tool in dir with the caller's environment (GOCACHE, GOFLAGS, proxy settings); never throws. */
export function runGo(dir: string, tool: string, args: string[], timeoutMs = 600_000): Promise<GoRun> {
  const command = `${tool} ${args.join(' ')}`;
  return new Promise((resolve) => {
    execFile(tool, args, { cwd: dir, timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 16 << 20 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
      resolve({ command, code, output: `${stdout}${stderr}${error && code === null ? `\n${String(error)}` : ''}` });
    });
  });
}

/** Builds every go-shop program of the copy into binDir (again after an edit: unchanged programs are not relinked). */
export async function buildShopCopy(copyDir: string, binDir: string): Promise<GoShopBinaries> {
  mkdirSync(binDir, { recursive: true });
  const build = await runGo(copyDir, 'go', ['build', '-o', binDir + path.sep, './cmd/order', './cmd/inventory', './cmd/notifier', './cmd/traffic']);
  if (build.code !== 0) {
    throw new Error(`${build.command} in ${copyDir} failed (exit ${build.code}):\n${build.output}`);
  }
  const bin = (name: string): string => path.join(binDir, name);
  return { order: bin('order'), inventory: bin('inventory'), notifier: bin('notifier'), traffic: bin('traffic') };
}
