import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { readBody } from '../../../src/receiver/readBody';

const MiB = 1024 * 1024;
const sha = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

describe('readBody', () => {
  let server: http.Server;
  let port: number;
  const limit = 3 * MiB;

  before(async () => {
    server = http.createServer((req, res) => {
      void readBody(req, limit).then((result) => {
        const answer = result.kind === 'ok' ? { kind: result.kind, length: result.body.byteLength, sha: sha(result.body), own: result.body.byteOffset === 0 && result.body.byteLength === result.body.buffer.byteLength } : { kind: result.kind };
        res.setHeader('Connection', 'close');
        res.end(JSON.stringify(answer));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    port = (server.address() as AddressInfo).port;
  });

  after(() => {
    server.closeAllConnections();
    server.close();
  });

  function send(body: Buffer, chunked: boolean): Promise<{ kind: string; length?: number; sha?: string; own?: boolean }> {
    return new Promise((resolve, reject) => {
      const headers: Record<string, string | number> = chunked ? {} : { 'Content-Length': body.byteLength };
      const req = http.request({ host: '127.0.0.1', port, method: 'POST', headers }, (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve(JSON.parse(text)));
      });
      req.on('error', (error: NodeJS.ErrnoException) => (error.code === 'EPIPE' || error.code === 'ECONNRESET' ? undefined : reject(error)));
      for (let offset = 0; offset < body.byteLength; offset += 100_000) {
        req.write(body.subarray(offset, offset + 100_000));
      }
      req.end();
    });
  }

  const patterned = (size: number): Buffer => {
    const body = Buffer.alloc(size);
    for (let i = 0; i < size; i++) body[i] = (i * 31 + (i >> 11)) & 0xff;
    return body;
  };

  for (const size of [0, 1, 70_000, MiB, MiB + 1, limit]) {
    for (const chunked of [false, true]) {
      it(`reads ${size} bytes ${chunked ? 'chunked' : 'with Content-Length'} exactly, into memory of its own`, async () => {
        const body = patterned(size);
        assert.deepEqual(await send(body, chunked), { kind: 'ok', length: size, sha: sha(body), own: true });
      });
    }
  }

  for (const chunked of [false, true]) {
    it(`refuses one byte over the limit ${chunked ? 'chunked' : 'with Content-Length'}`, async () => {
      assert.deepEqual(await send(patterned(limit + 1), chunked), { kind: 'too-large' });
    });
  }
});
