/**
 * PortShare in-process: several instances on one port (each with its own receiver, pool and span list), a real OTLP
 * exporter, an owner that stops (a subscriber takes over), and ports held by programs that are not Span Lens.
 */
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { OtlpHttpReceiver } from '../../src/receiver/httpReceiver';
import { encodeFrame, FrameType } from '../../src/receiver/sharing/feedProtocol';
import { FeedClient, FeedUnavailableError } from '../../src/receiver/sharing/feedClient';
import { ForwardingDecodePool, PortHeldByOtherProgramError, PortShare, ShareRole } from '../../src/receiver/sharing';
import { ExportingService, freePort, names, until } from './sharingSupport';

interface Instance {
  name: string;
  receiver: OtlpHttpReceiver;
  pool: ForwardingDecodePool;
  share: PortShare;
  /** Names of the spans this instance's store would get, from its receiver or from the feed. */
  seen: string[];
  roles: ShareRole['kind'][];
  /** Times the share began binding (start and takeovers). */
  binds: number;
}

let socketDir: string;

/** `bindDelayMs`: how long binding takes (a slow start), to stop an instance in the middle of a takeover. */
function instance(name: string, port: number, socketPath: string, attempts = 40, replayMs?: number, bindDelayMs = 0): Instance {
  const pool = new ForwardingDecodePool({ workers: 1 });
  const receiver = new OtlpHttpReceiver({ port, pool, stopGraceMs: 500 });
  const share = new PortShare({
    host: '127.0.0.1',
    httpPort: port,
    pool,
    maxBodyBytes: 32 * 1024 * 1024,
    label: name,
    socketPath,
    attempts,
    retryDelayMs: 25,
    replayMs,
    bind: async () => {
      made.binds++;
      await new Promise((resolve) => setTimeout(resolve, bindDelayMs));
      await receiver.start();
      return { grpcPort: null };
    },
  });
  const made: Instance = { name, receiver, pool, share, seen: [], roles: [], binds: 0 };
  receiver.onSpans((batch) => made.seen.push(...batch.spans.map((span) => span.name)));
  share.onSpans((batch) => made.seen.push(...batch.spans.map((span) => span.name)));
  share.onDidChangeRole((role) => made.roles.push(role.kind));
  return made;
}

/** As the extension and the CLI stop: no more takeovers, then the receiver, then the feed. */
async function stopInstance(made: Instance): Promise<void> {
  await made.share.halt();
  await made.receiver.stop();
  await made.share.stop();
  await made.pool.close();
}

function hasAll(made: Instance, expected: string[]): boolean {
  const seen = new Set(made.seen);
  return expected.every((name) => seen.has(name));
}

describe('port sharing: PortShare with real receivers and a real exporter', function () {
  this.timeout(60_000);
  const running: Instance[] = [];

  before(async () => {
    socketDir = await fs.mkdtemp(path.join(os.tmpdir(), 'spanlens-share-'));
  });
  after(async () => {
    await fs.rm(socketDir, { recursive: true, force: true });
  });
  afterEach(async () => {
    await Promise.all(running.splice(0).map(stopInstance));
  });

  it('three instances on one port each see every span; the owner stops, a subscriber takes over, the next exports reach all that remain', async () => {
    const port = await freePort();
    const socketPath = path.join(socketDir, 'three.sock');
    // A stale socket file from an owner that crashed must not stop the next owner's feed.
    await fs.writeFile(socketPath, '');
    const [a, b, c] = ['a', 'b', 'c'].map((name) => instance(name, port, socketPath));
    running.push(a, b, c);
    assert.equal((await a.share.start()).kind, 'owner');
    const roleB = await b.share.start();
    const roleC = await c.share.start();
    assert.equal(roleB.kind, 'subscriber');
    assert.equal(roleB.kind === 'subscriber' && roleB.owner.pid, process.pid);
    assert.equal(roleC.kind, 'subscriber');
    await until(() => a.share.role.kind === 'owner' && a.share.role.subscribers.length === 2, () => 'owner sees two subscribers');

    const service = ExportingService.proto(port);
    const gzipped = ExportingService.proto(port, true);
    const first = [...names('before', 30), ...names('before-gzip', 10)];
    await service.send(names('before', 30));
    await gzipped.send(names('before-gzip', 10));
    for (const made of [a, b, c]) {
      await until(() => hasAll(made, first), () => `${made.name} has ${made.seen.length} of ${first.length}`);
    }
    // Exactly once each: the owner's own receiver and the feed never both deliver the same body.
    for (const made of [a, b, c]) {
      assert.equal(made.seen.length, first.length, made.name);
    }

    // The owner goes away; b or c binds, the other subscribes to it.
    running.splice(running.indexOf(a), 1);
    await stopInstance(a);
    await until(
      () => [b, c].some((made) => made.share.role.kind === 'owner') && [b, c].some((made) => made.share.role.kind === 'subscriber'),
      () => `roles ${b.share.role.kind}, ${c.share.role.kind}`,
    );
    const owner = [b, c].find((made) => made.share.role.kind === 'owner') as Instance;
    assert.equal(owner.share.counters.takeovers, 1);
    await until(() => owner.share.role.kind === 'owner' && owner.share.role.subscribers.length === 1, () => 'new owner sees its subscriber');

    const after = names('after', 25);
    await service.send(after);
    assert.deepEqual(service.failures, []);
    for (const made of [b, c]) {
      await until(() => hasAll(made, after), () => `${made.name} has ${made.seen.length}`);
      assert.equal(made.seen.length, first.length + after.length, made.name);
    }
    await service.shutdown();
    await gzipped.shutdown();
  });

  it('a process that subscribes soon after the owner started gets what the owner accepted before (takeover race); later, only new spans', async () => {
    for (const replayMs of [undefined, 0]) {
      const port = await freePort();
      const socketPath = path.join(socketDir, `late-${String(replayMs)}.sock`);
      const owner = instance('owner', port, socketPath, 40, replayMs);
      const late = instance('late', port, socketPath, 40, replayMs);
      running.push(owner, late);
      await owner.share.start();
      const service = ExportingService.proto(port);
      await service.send(names('early', 12));
      assert.equal(owner.seen.length, 12);
      assert.equal((await late.share.start()).kind, 'subscriber');
      await service.send(names('live', 5));
      await until(() => hasAll(late, names('live', 5)), () => `late has ${late.seen.join(',')}`);
      await service.shutdown();
      if (replayMs === undefined) {
        // Default window: the early bodies were kept and replayed to it, in the owner's order, before the live ones.
        assert.deepEqual(late.seen, owner.seen);
      } else {
        assert.deepEqual(late.seen, owner.seen.slice(12));
        assert.deepEqual([...late.seen].sort(), names('live', 5).sort());
      }
      await Promise.all(running.splice(0).map(stopInstance));
    }
  });

  it('stopped in the middle of a takeover, a subscriber leaves nothing behind: no receiver bound, no feed answering', async () => {
    const port = await freePort();
    const socketPath = path.join(socketDir, 'halt.sock');
    const owner = instance('owner', port, socketPath);
    const slow = instance('slow', port, socketPath, 40, undefined, 400);
    running.push(owner);
    assert.equal((await owner.share.start()).kind, 'owner');
    assert.equal((await slow.share.start()).kind, 'subscriber');
    await stopInstance(owner);
    // The owner's feed closed: the subscriber takes over, and its bind takes 400 ms. Stop it in the middle.
    await until(() => slow.binds === 2, () => `takeover began (binds ${slow.binds})`);
    await stopInstance(slow);
    assert.equal(slow.share.role.kind, 'idle');
    assert.equal(slow.receiver.listening, false, 'the receiver the takeover bound was stopped');
    await assert.rejects(FeedClient.connect(socketPath, 1024), FeedUnavailableError, 'no feed left answering');
    // And the port is free for the next one.
    const next = instance('next', port, socketPath);
    running.push(next);
    assert.equal((await next.share.start()).kind, 'owner');
  });

  it('a port held by a plain TCP server is reported as held by another program', async () => {
    const port = await freePort();
    const holder = net.createServer((socket) => socket.end('HTTP/1.1 400 Bad Request\r\n\r\n'));
    await new Promise<void>((resolve) => holder.listen(port, '127.0.0.1', resolve));
    const made = instance('x', port, path.join(socketDir, 'plain.sock'), 3);
    running.push(made);
    try {
      await assert.rejects(made.share.start(), (error: unknown) => {
        assert.ok(error instanceof PortHeldByOtherProgramError);
        assert.match(error.message, new RegExp(`127\\.0\\.0\\.1:${port} is held by another program`));
        assert.match(error.reason, /no Span Lens feed answers/);
        return true;
      });
      assert.equal(made.share.role.kind, 'idle');
      assert.equal(made.receiver.listening, false);
    } finally {
      await new Promise<void>((resolve) => holder.close(() => resolve()));
    }
  });

  it('a feed folder that other users can enter is not trusted', async () => {
    const port = await freePort();
    const holder = net.createServer();
    await new Promise<void>((resolve) => holder.listen(port, '127.0.0.1', resolve));
    const open = path.join(socketDir, 'open');
    await fs.mkdir(open);
    await fs.chmod(open, 0o755);
    const made = instance('z', port, path.join(open, 'feed.sock'), 3);
    running.push(made);
    try {
      await assert.rejects(made.share.start(), (error: unknown) => error instanceof PortHeldByOtherProgramError && /not a private folder/.test(error.reason));
    } finally {
      await new Promise<void>((resolve) => holder.close(() => resolve()));
    }
  });

  it('something answering on the feed socket that is not Span Lens is not subscribed to', async () => {
    const port = await freePort();
    const holder = net.createServer();
    await new Promise<void>((resolve) => holder.listen(port, '127.0.0.1', resolve));
    const socketPath = path.join(socketDir, 'impostor.sock');
    const impostor = net.createServer((socket) => socket.end(encodeFrame(FrameType.hello, Buffer.from(JSON.stringify({ product: 'otelcol', protocol: 1 })))));
    await new Promise<void>((resolve) => impostor.listen(socketPath, resolve));
    const made = instance('y', port, socketPath, 3);
    running.push(made);
    try {
      await assert.rejects(made.share.start(), (error: unknown) => error instanceof PortHeldByOtherProgramError && /not a Span Lens feed/.test(error.reason));
    } finally {
      await new Promise<void>((resolve) => holder.close(() => resolve()));
      await new Promise<void>((resolve) => impostor.close(() => resolve()));
    }
  });
});
