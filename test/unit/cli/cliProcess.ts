/** Runs the compiled CLI (out/src/cli/main.js) as a child process, the way a user or CI would. */
import { ChildProcess, spawn } from 'node:child_process';
import * as path from 'node:path';

/** The tsc build by default; SPANLENS_CLI=dist/cli.js runs the same tests against the webpack bundle. */
export const CLI = path.resolve(process.env.SPANLENS_CLI ?? path.join(__dirname, '../../../src/cli/main.js'));
export const FIXTURE_WORKSPACE = path.resolve(__dirname, '../../../../test/fixtures/cli-workspace');

export interface CliRun {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code once the process has ended. */
  exited: Promise<number | null>;
}

export function runCli(args: string[], cwd = process.cwd(), env: Record<string, string> = {}): CliRun {
  const child = spawn(process.execPath, [CLI, ...args], { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return { child, stdout: () => out, stderr: () => err, exited };
}

/** Waits for the "listening" line and returns the port it names; fails if the CLI exits first. */
export async function listeningPort(run: CliRun): Promise<number> {
  const pattern = /receiving OTLP\/HTTP on http:\/\/127\.0\.0\.1:(\d+)/;
  for (;;) {
    const match = pattern.exec(run.stderr());
    if (match) {
      return Number(match[1]);
    }
    const ended = await Promise.race([run.exited.then(() => true), new Promise<false>((resolve) => setTimeout(() => resolve(false), 20))]);
    if (ended) {
      throw new Error(`the CLI exited before listening:\n${run.stderr()}`);
    }
  }
}

/** Resolves once the CLI says its workspace index is built: spans sent after it map without a later re-map. */
export async function indexed(run: CliRun): Promise<void> {
  const pattern = /spanlens: index(ed \d+ files|ing .* failed)/;
  while (!pattern.test(run.stderr())) {
    const ended = await Promise.race([run.exited.then(() => true), new Promise<false>((resolve) => setTimeout(() => resolve(false), 20))]);
    if (ended) {
      throw new Error(`the CLI exited before indexing:\n${run.stderr()}`);
    }
  }
}
