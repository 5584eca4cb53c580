/**
 * `spanlens receive` processes sharing one port: real child processes, a real OTLP/HTTP (proto) and OTLP/gRPC
 * exporter, the owner killed with SIGKILL (no goodbye: its feed socket file stays behind), a survivor taking over,
 * and a port held by a program that is not Span Lens.
 */
import assert from 'node:assert/strict';
import { promises as fs, readFileSync } from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ReceiveReport } from '../../src/cli/receive';
import { CliRun, FIXTURE_WORKSPACE, runCli } from '../unit/cli/cliProcess';
import { ExportingService, freePort, names, until } from '../receiver/sharingSupport';

interface Instance {
  name: string;
  run: CliRun;
  report: string;
}

describe('spanlens receive: many processes, one port', function () {
  this.timeout(120_000);
  let dir: string;
  const started: Instance[] = [];

  before(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'spanlens-share-e2e-'));
  });
  after(async () => {
    for (const instance of started) {
      instance.run.child.kill('SIGKILL');
    }
    await fs.rm(dir, { recursive: true, force: true });
  });

  function start(name: string, httpPort: number, grpcPort: number): Instance {
    const report = path.join(dir, `${name}.json`);
    const run = runCli(['receive', '--http-port', String(httpPort), '--grpc-port', String(grpcPort), '--workspace', FIXTURE_WORKSPACE, '--report', report]);
    const instance = { name, run, report };
    started.push(instance);
    return instance;
  }

  async function logged(instance: Instance, pattern: RegExp): Promise<void> {
    let exited = false;
    void instance.run.exited.then(() => (exited = true));
    await until(() => pattern.test(instance.run.stderr()) || exited, () => `${instance.name} to log ${String(pattern)}:\n${instance.run.stderr()}`);
    assert.match(instance.run.stderr(), pattern, `${instance.name} ended before logging ${String(pattern)}`);
  }

  async function stop(instance: Instance): Promise<ReceiveReport> {
    instance.run.child.kill('SIGTERM');
    const code = await instance.run.exited;
    assert.equal(code, 0, instance.run.stderr());
    return JSON.parse(readFileSync(instance.report, 'utf8')) as ReceiveReport;
  }

  it('three processes see every span; SIGKILL the owner, a survivor takes over and the next exports reach both survivors', async () => {
    const [httpPort, grpcPort] = [await freePort(), await freePort()];
    const a = start('a', httpPort, grpcPort);
    await logged(a, new RegExp(`receiving OTLP/HTTP on http://127\\.0\\.0\\.1:${httpPort} \\(`));
    const b = start('b', httpPort, grpcPort);
    const c = start('c', httpPort, grpcPort);
    for (const subscriber of [b, c]) {
      await logged(subscriber, new RegExp(`receiving OTLP/HTTP on http://127\\.0\\.0\\.1:${httpPort} shared from pid ${a.run.child.pid}`));
    }
    await logged(a, /sharing the port with 2 other Span Lens process/);

    const http = ExportingService.proto(httpPort);
    const grpc = ExportingService.grpc(grpcPort);
    await http.send(names('http-before', 40));
    await grpc.send(names('grpc-before', 15));
    assert.deepEqual([...http.failures, ...grpc.failures], []);

    // The owner dies without a word; its spans so far are gone with it, the others must carry on.
    a.run.child.kill('SIGKILL');
    await a.run.exited;
    // Sent at once: the first attempts meet a closed port, the exporter retries until the new owner listens.
    const killedAt = performance.now();
    await http.send(names('http-after', 30));
    assert.deepEqual(http.failures, []);
    // Reported, not asserted: how long the service's exports waited for the takeover (its retry backoff included).
    console.log(`      takeover gap: the exports sent right after SIGKILL completed ${Math.round(performance.now() - killedAt)} ms later`);
    await until(
      () => [b, c].some((instance) => /took the port over/.test(instance.run.stderr())),
      () => `a takeover:\n${b.run.stderr()}\n${c.run.stderr()}`,
    );
    const owner = /took the port over/.test(b.run.stderr()) ? b : c;
    const other = owner === b ? c : b;
    await logged(other, new RegExp(`now sharing the port with pid ${owner.run.child.pid}`));
    // gRPC moved with the port.
    await grpc.send(names('grpc-after', 10));
    assert.deepEqual(grpc.failures, []);
    await http.shutdown();
    await grpc.shutdown();

    // The survivor that subscribed is stopped first so the owner's feed is drained into it before its report.
    const otherReport = await stop(other);
    const ownerReport = await stop(owner);
    const expected = 40 + 15 + 30 + 10;
    for (const [who, report] of [['owner', ownerReport], ['subscriber', otherReport]] as const) {
      assert.equal(report.spans, expected, `${who}: ${JSON.stringify(report.sharing)}`);
      assert.deepEqual(report.services, ['shared-port-test']);
    }
    assert.equal(ownerReport.sharing.role, 'owner');
    assert.equal(ownerReport.sharing.takeovers, 1);
    assert.equal(ownerReport.sharing.spansFromFeed, 55, 'before the takeover, its spans came over the feed');
    assert.equal(otherReport.sharing.role, 'subscriber');
    assert.equal(otherReport.sharing.ownerPid, owner.run.child.pid);
    assert.equal(otherReport.sharing.spansFromFeed, expected);
  });

  it('a port held by another program is reported as such, and the CLI exits 1', async () => {
    const port = await freePort();
    const holder = net.createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => holder.listen(port, '127.0.0.1', resolve));
    try {
      const instance = start('blocked', port, await freePort());
      const code = await instance.run.exited;
      assert.equal(code, 1);
      assert.match(instance.run.stderr(), new RegExp(`cannot listen on 127\\.0\\.0\\.1:${port}: the port is in use by another program, not Span Lens \\(no Span Lens feed answers.*\\); try --http-port`));
    } finally {
      await new Promise<void>((resolve) => holder.close(() => resolve()));
    }
  });
});
