/**
 * The owner's feed with a subscriber that stops reading: past 64 MiB of backlog its batches are skipped (the owner's
 * memory stays bounded), the owner says so once, not once per batch, and says how many were missed when it catches up.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { FeedServer, type LagEvent } from '../../src/receiver/sharing/feedServer';
import { encodeSubscribe, FrameReader, FrameType } from '../../src/receiver/sharing/feedProtocol';

const MiB = 1024 * 1024;

describe('port sharing: a subscriber that falls behind', function () {
  this.timeout(60_000);
  let dir: string;
  let server: FeedServer;
  let socket: net.Socket | undefined;

  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'spanlens-lag-'));
    server = new FeedServer(path.join(dir, 'feed.sock'));
  });

  afterEach(async () => {
    socket?.destroy();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('skips batches for it past 64 MiB, reports the start once and the count when it catches up', async () => {
    await server.listen({ pid: process.pid, label: 'test owner', host: '127.0.0.1', httpPort: 4318, grpcPort: null });
    const lag: LagEvent[] = [];
    server.onLag((event) => lag.push(event));
    const subscribed = new Promise<void>((resolve) => server.onDidChangeSubscribers((list) => list.length > 0 && resolve()));
    const client = net.connect(path.join(dir, 'feed.sock'));
    socket = client;
    const reader = new FrameReader(8 * MiB);
    let batchesRead = 0;
    client.on('data', (chunk: Buffer) => {
      for (const frame of reader.push(chunk)) {
        if (frame.type === FrameType.hello) client.write(encodeSubscribe({ pid: 99999, label: 'slow window' }));
        if (frame.type === FrameType.batch) batchesRead++;
      }
    });
    await subscribed;
    // Stop reading: everything forwarded from now on piles up in the owner's socket buffer.
    client.pause();
    const body = new Uint8Array(MiB);
    const sent = 80;
    for (let i = 0; i < sent; i++) server.forward({ encoding: 'protobuf', gzip: false, body });
    const skipped = server.droppedBatches;
    assert.ok(skipped > 0, 'some batches were skipped');
    assert.ok(skipped <= sent - 64, `at least 64 MiB were queued before skipping (skipped ${skipped})`);
    assert.deepEqual(lag, [{ subscriber: { pid: 99999, label: 'slow window' }, caughtUp: false, skippedBatches: 1 }], 'one event when it starts');

    // Reading again drains the backlog; the next batch goes through and the owner says how many were missed.
    client.resume();
    const queued = sent - skipped;
    while (batchesRead < queued) await new Promise((resolve) => setTimeout(resolve, 20));
    server.forward({ encoding: 'protobuf', gzip: false, body: new Uint8Array(10) });
    assert.equal(lag.length, 2);
    assert.deepEqual(lag[1], { subscriber: { pid: 99999, label: 'slow window' }, caughtUp: true, skippedBatches: skipped });
    while (batchesRead < queued + 1) await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(batchesRead, queued + 1, 'every batch not skipped arrived, in one piece');
  });
});
