/** The feed's framing and handshake, and where its socket lives: pure functions, no sockets. */
import assert from 'node:assert/strict';
import {
  decodeBatch,
  encodeBatchParts,
  encodeFrame,
  encodeHello,
  encodeSubscribe,
  FeedProtocolError,
  FrameReader,
  FrameType,
  parseHello,
  parseSubscribe,
} from '../../src/receiver/sharing/feedProtocol';
import { feedSocketPath } from '../../src/receiver/sharing/feedPath';

const hello = { pid: 4242, label: 'VS Code window (shop)', host: '127.0.0.1', httpPort: 4318, grpcPort: 4317 };

function batchFrame(body: Uint8Array, encoding: 'protobuf' | 'json', gzip: boolean): Buffer {
  return Buffer.concat(encodeBatchParts({ encoding, gzip, body }));
}

describe('port sharing: feed protocol', () => {
  it('round-trips hello, subscribe and batches through the frame reader', () => {
    const body = Buffer.from([0x0a, 0x03, 1, 2, 3, 0xff]);
    const stream = Buffer.concat([
      encodeHello(hello),
      encodeSubscribe({ pid: 7, label: 'spanlens receive' }),
      batchFrame(body, 'protobuf', false),
      batchFrame(Buffer.from('{"resourceSpans":[]}'), 'json', true),
    ]);
    const frames = new FrameReader(1024).push(stream);
    assert.deepEqual(
      frames.map((frame) => frame.type),
      [FrameType.hello, FrameType.subscribe, FrameType.batch, FrameType.batch],
    );
    assert.deepEqual(parseHello(frames[0].payload), { product: 'span-lens', protocol: 1, ...hello });
    assert.deepEqual(parseSubscribe(frames[1].payload), { pid: 7, label: 'spanlens receive' });
    const first = decodeBatch(frames[2].payload);
    assert.equal(first.encoding, 'protobuf');
    assert.equal(first.gzip, false);
    assert.deepEqual(Buffer.from(first.body), body);
    const second = decodeBatch(frames[3].payload);
    assert.equal(second.encoding, 'json');
    assert.equal(second.gzip, true);
    assert.equal(Buffer.from(second.body).toString(), '{"resourceSpans":[]}');
  });

  it('reassembles frames cut at every possible byte boundary', () => {
    const bodies = [Buffer.alloc(0), Buffer.from('a'), Buffer.alloc(300, 7)];
    const stream = Buffer.concat(bodies.map((body, i) => batchFrame(body, 'protobuf', i % 2 === 1)));
    for (let cut = 1; cut < stream.length; cut++) {
      const reader = new FrameReader(1024);
      const frames = [...reader.push(stream.subarray(0, cut)), ...reader.push(stream.subarray(cut))];
      assert.equal(frames.length, 3, `cut at ${cut}`);
      frames.forEach((frame, i) => assert.deepEqual(Buffer.from(decodeBatch(frame.payload).body), bodies[i], `cut at ${cut}, frame ${i}`));
      assert.equal(reader.pendingBytes, 0);
    }
    // Byte by byte.
    const reader = new FrameReader(1024);
    const frames = [...stream].flatMap((byte) => reader.push(Buffer.from([byte])));
    assert.equal(frames.length, 3);
  });

  it('refuses a frame longer than the limit before buffering it', () => {
    const reader = new FrameReader(10);
    assert.throws(() => reader.push(encodeFrame(FrameType.batch, Buffer.alloc(11))), FeedProtocolError);
    assert.deepEqual(new FrameReader(11).push(encodeFrame(FrameType.batch, Buffer.alloc(11))).length, 1);
  });

  it('tells a Span Lens hello from anything else', () => {
    const json = (value: unknown): Buffer => Buffer.from(JSON.stringify(value));
    assert.throws(() => parseHello(Buffer.from('HTTP/1.1 400 Bad Request')), /not JSON/);
    assert.throws(() => parseHello(json({ ...hello, product: 'otelcol', protocol: 1 })), /not a Span Lens feed/);
    assert.throws(() => parseHello(json({ ...hello, product: 'span-lens', protocol: 2 })), /protocol 2/);
    assert.throws(() => parseHello(json({ ...hello, product: 'span-lens', protocol: 1, httpPort: 'x' })), /malformed/);
    assert.throws(() => parseHello(json([1, 2])), /not an object/);
    assert.equal(parseHello(json({ ...hello, product: 'span-lens', protocol: 1, grpcPort: null })).grpcPort, null);
    assert.throws(() => parseSubscribe(json({ pid: -1 })), /malformed/);
  });
});

describe('port sharing: feed socket path', () => {
  const linux = { platform: 'linux' as const, tmpdir: '/tmp', runtimeDir: undefined, user: '1000' };

  it('is the same for the same host and port, and differs for another host, port or user', () => {
    const path = feedSocketPath('127.0.0.1', 4318, linux);
    assert.equal(path, feedSocketPath('127.0.0.1', 4318, { ...linux }));
    assert.match(path, /^\/tmp\/span-lens-1000\/feed-127\.0\.0\.1-4318\.sock$/);
    const others = [
      feedSocketPath('127.0.0.1', 4319, linux),
      feedSocketPath('::1', 4318, linux),
      feedSocketPath('0.0.0.0', 4318, linux),
      feedSocketPath('127.0.0.1', 4318, { ...linux, user: '1001' }),
    ];
    assert.equal(new Set([path, ...others]).size, 5);
  });

  it('uses $XDG_RUNTIME_DIR when set, and a per-user named pipe on Windows', () => {
    assert.equal(feedSocketPath('127.0.0.1', 4318, { ...linux, runtimeDir: '/run/user/1000' }), '/run/user/1000/span-lens/feed-127.0.0.1-4318.sock');
    const pipe = feedSocketPath('::1', 4318, { platform: 'win32', tmpdir: 'C:\\Temp', runtimeDir: undefined, user: 'ada' });
    assert.equal(pipe, '\\\\.\\pipe\\span-lens-ada-feed-_3a_3a1-4318');
  });
});
