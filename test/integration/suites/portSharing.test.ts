/**
 * Inside a real VS Code: the window shares its port with other Span Lens processes. A second receiver (the headless
 * `spanlens receive`, the same code another window runs) on the window's port subscribes to its feed and sees the
 * spans sent to the window; when the window's receiver is restarted while that process holds the port, the window
 * subscribes instead, and takes the port over when the process is killed.
 */
import assert from 'node:assert/strict';
import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { SpanLensApi } from '../../../src/extension/extension';
import { sendSpans } from '../support/otlpSender';
import { settled, spanLensApi } from '../support/spanLens';

const REPO = path.resolve(__dirname, '../../../..');
const CLI = path.join(REPO, 'dist/cli.js');
const SERVICE = 'it-sharing-service';

interface CliProcess {
  child: ChildProcess;
  stderr(): string;
  stdout(): string;
  exited: Promise<number | null>;
}

function startCli(port: number): CliProcess {
  const child = spawn(process.execPath, [CLI, 'receive', '--http-port', String(port), '--no-grpc', '--workspace', REPO], {
    stdio: ['ignore', 'pipe', 'pipe'],
    // The extension host's Node runs the CLI as plain Node.
    env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
  });
  let out = '';
  let err = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return { child, stdout: () => out, stderr: () => err, exited };
}

async function waitForLine(cli: CliProcess, pattern: RegExp, what: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!pattern.test(cli.stderr())) {
    if (cli.child.exitCode !== null || Date.now() > deadline) {
      throw new Error(`spanlens receive never said it was ${what}:\n${cli.stderr()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function stopCli(cli: CliProcess): Promise<{ spans: number; sharing?: { role: string; spansFromFeed: number } }> {
  cli.child.kill('SIGINT');
  await cli.exited;
  return JSON.parse(cli.stdout()) as { spans: number; sharing?: { role: string; spansFromFeed: number } };
}

function spansOf(api: SpanLensApi, traceIds: string[]): number {
  return traceIds.filter((traceId) => api.store.getTrace(traceId) !== undefined).length;
}

describe('Port sharing between Span Lens processes (in a real VS Code)', function () {
  this.timeout(120_000);
  let api: SpanLensApi;
  let port: number;
  const started: CliProcess[] = [];

  before(async function () {
    if (!existsSync(CLI)) {
      // The packaged bundle is built before the suites run (npm run build); without it there is nothing to share with.
      this.skip();
    }
    api = await spanLensApi();
    await api.whenIdle();
    const address = api.receiverAddress();
    assert.ok(address, 'the receiver is running');
    port = Number(address.split(':').pop());
  });

  after(async () => {
    for (const cli of started) {
      if (cli.child.exitCode === null) {
        cli.child.kill('SIGKILL');
        await cli.exited;
      }
    }
    // Leave the window owning its port for the suites that follow.
    await vscode.commands.executeCommand('spanLens.stopReceiver');
    await vscode.commands.executeCommand('spanLens.startReceiver');
    await api.whenIdle();
  });

  it('a second receiver on the window\'s port subscribes and sees the spans sent to the window', async () => {
    const cli = startCli(port);
    started.push(cli);
    await waitForLine(cli, /shared from pid/, 'subscribed');
    const sent = await sendSpans(api.receiverAddress() as string, SERVICE, [{ name: 'sharing.owner', durationMs: 5 }, { name: 'sharing.owner', durationMs: 6 }]);
    await settled(api, () => spansOf(api, sent.map((s) => s.traceId)), (n) => n === 2);
    // The subscriber decodes the forwarded bodies with its own pool; give it the moment that takes, then ask.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const report = await stopCli(cli);
    assert.equal(report.spans, 2, cli.stderr());
    assert.equal(report.sharing?.role, 'subscriber');
  });

  it('a restarted window finds the port held by Span Lens, subscribes, and takes it over when the holder is killed', async () => {
    await vscode.commands.executeCommand('spanLens.stopReceiver');
    const owner = startCli(port);
    started.push(owner);
    await waitForLine(owner, /receiving OTLP\/HTTP on http:\/\/127\.0\.0\.1:\d+ \(POST/, "listening as the owner");
    await vscode.commands.executeCommand('spanLens.startReceiver');
    await api.whenIdle();
    assert.equal(api.receiverAddress(), `127.0.0.1:${port}`, 'the window reports the shared address');

    const viaOwner = await sendSpans(`127.0.0.1:${port}`, SERVICE, [{ name: 'sharing.subscribed', durationMs: 7 }]);
    await settled(api, () => spansOf(api, viaOwner.map((s) => s.traceId)), (n) => n === 1);

    owner.child.kill('SIGKILL');
    await owner.exited;
    // The window races for the port; the exporter retries a refused connection, as a service's would.
    const afterTakeover = await sendSpans(`127.0.0.1:${port}`, SERVICE, [{ name: 'sharing.taken-over', durationMs: 8 }]);
    await settled(api, () => spansOf(api, afterTakeover.map((s) => s.traceId)), (n) => n === 1);
    assert.equal(api.receiverAddress(), `127.0.0.1:${port}`);
  });
});
