/** OTLP/HTTP security: the CORS allow-list (off by default), the optional API key, and changing both while running. */
import assert from 'node:assert/strict';
import { checkApiKey } from '../../src/receiver/apiKey';
import { CorsPolicy } from '../../src/receiver/cors';
import { OtlpHttpReceiver, type OtlpHttpReceiverOptions } from '../../src/receiver/httpReceiver';
import { JSON_TYPE, PROTOBUF, jsonPayload, protobufPayload, request } from './httpHelpers';

describe('OTLP/HTTP security', function () {
  this.timeout(20_000);
  let receiver: OtlpHttpReceiver | undefined;

  async function start(options: OtlpHttpReceiverOptions = {}): Promise<number> {
    receiver = new OtlpHttpReceiver({ port: 0, ...options });
    await receiver.start();
    return receiver.address!.port;
  }

  afterEach(async () => {
    await receiver?.stop();
    receiver = undefined;
  });

  const preflight = (port: number, origin: string, requestHeaders = 'content-type') =>
    request({
      port,
      method: 'OPTIONS',
      headers: { Origin: origin, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': requestHeaders },
    });

  describe('CORS', () => {
    it('is off by default: a preflight is refused with 403 and a POST carries no CORS headers', async () => {
      const port = await start();
      const pre = await preflight(port, 'http://localhost:3000');
      assert.equal(pre.status, 403);
      assert.equal(pre.headers['access-control-allow-origin'], undefined);
      const post = await request({ port, headers: { ...PROTOBUF, Origin: 'http://localhost:3000' }, body: protobufPayload(1, 3) });
      assert.equal(post.status, 200);
      assert.equal(post.headers['access-control-allow-origin'], undefined);
      assert.equal(post.headers['access-control-expose-headers'], undefined);
    });

    it('answers a preflight from an allowed origin with 204, the origin echoed, methods, headers and max-age', async () => {
      const port = await start({ corsAllowedOrigins: ['http://localhost:3000', 'https://app.example'] });
      for (const path of ['/v1/traces', '/v1/logs', '/v1/metrics']) {
        const pre = await request({
          port,
          path,
          method: 'OPTIONS',
          headers: { Origin: 'https://app.example', 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'Content-Type, X-Custom-Thing' },
        });
        assert.equal(pre.status, 204, path);
        assert.equal(pre.headers['access-control-allow-origin'], 'https://app.example');
        assert.equal(pre.headers['access-control-allow-methods'], 'POST, OPTIONS');
        const allowed = String(pre.headers['access-control-allow-headers']).split(', ');
        for (const name of ['content-type', 'content-encoding', 'authorization', 'x-api-key', 'x-custom-thing']) {
          assert.ok(allowed.includes(name), `${name} in ${allowed.join(',')}`);
        }
        assert.ok(Number(pre.headers['access-control-max-age']) > 0);
        assert.match(String(pre.headers.vary), /Origin/);
        assert.equal(pre.body.byteLength, 0);
      }
    });

    it('refuses a preflight from an origin not on the list with 403 and no CORS headers', async () => {
      const port = await start({ corsAllowedOrigins: ['http://localhost:3000'] });
      const pre = await preflight(port, 'http://evil.example');
      assert.equal(pre.status, 403);
      for (const name of Object.keys(pre.headers)) {
        assert.ok(!name.startsWith('access-control-'), name);
      }
      // Same host, other port: a different origin.
      assert.equal((await preflight(port, 'http://localhost:3001')).status, 403);
    });

    it('marks actual responses from an allowed origin, exposing Retry-After, including failures', async () => {
      const port = await start({ corsAllowedOrigins: ['http://localhost:3000'] });
      const ok = await request({ port, headers: { ...JSON_TYPE, Origin: 'http://localhost:3000' }, body: jsonPayload(2, 4) });
      assert.equal(ok.status, 200);
      assert.equal(ok.headers['access-control-allow-origin'], 'http://localhost:3000');
      assert.equal(ok.headers['access-control-expose-headers'], 'Retry-After');
      assert.match(String(ok.headers.vary), /Origin/);
      const bad = await request({ port, headers: { ...JSON_TYPE, Origin: 'http://localhost:3000' }, body: new TextEncoder().encode('{') });
      assert.equal(bad.status, 400);
      assert.equal(bad.headers['access-control-allow-origin'], 'http://localhost:3000');
      const other = await request({ port, headers: { ...JSON_TYPE, Origin: 'http://other.example' }, body: jsonPayload(2, 4) });
      assert.equal(other.status, 200);
      assert.equal(other.headers['access-control-allow-origin'], undefined);
    });

    it('CorsPolicy: compares origins case-insensitively without a trailing slash; echoes only plain ASCII origins', () => {
      const policy = new CorsPolicy(['HTTP://LocalHost:3000/', 'null']);
      assert.equal(policy.enabled, true);
      assert.equal(policy.allows('http://localhost:3000'), true);
      assert.equal(policy.allows('http://localhost:3000/'), true);
      assert.equal(policy.allows('http://localhost:30000'), false);
      assert.equal(policy.allows('null'), true);
      assert.equal(policy.allows(undefined), false);
      assert.equal(new CorsPolicy(['*']).allows('http://a b'), false);
      assert.equal(new CorsPolicy(['*']).allows('http://\u00e9.example'), false);
      assert.equal(new CorsPolicy([]).enabled, false);
      assert.equal(new CorsPolicy(['', ' ']).enabled, false);
      assert.deepEqual(new CorsPolicy([]).responseHeaders('http://localhost:3000'), {});
    });

    it("allows every origin with '*' (still echoing the origin, never '*')", async () => {
      const port = await start({ corsAllowedOrigins: ['*'] });
      const pre = await preflight(port, 'http://anything.example:8080');
      assert.equal(pre.status, 204);
      assert.equal(pre.headers['access-control-allow-origin'], 'http://anything.example:8080');
    });

    it('does not echo requested header names that are not tokens', async () => {
      const port = await start({ corsAllowedOrigins: ['*'] });
      const pre = await preflight(port, 'http://a.example', 'content-type, bad name, x-ok');
      assert.equal(pre.status, 204);
      const allowed = String(pre.headers['access-control-allow-headers']).split(', ');
      assert.ok(allowed.includes('x-ok'));
      assert.ok(!allowed.some((name) => name.includes(' ')));
    });
  });

  describe('API key', () => {
    it('answers 401 with a google.rpc.Status UNAUTHENTICATED when the key is missing or wrong, and stores nothing', async () => {
      const port = await start({ apiKey: 's3cret-key' });
      let stored = 0;
      receiver!.onSpans((batch) => (stored += batch.spans.length));
      const variants: Record<string, string>[] = [{}, { 'x-api-key': 'wrong' }, { Authorization: 'Bearer wrong' }, { Authorization: 's3cret-key' }, { 'x-api-key': 's3cret-key-longer' }];
      for (const headers of variants) {
        const answer = await request({ port, headers: { ...JSON_TYPE, ...headers }, body: jsonPayload(3, 5) });
        assert.equal(answer.status, 401, JSON.stringify(headers));
        const status = JSON.parse(answer.body.toString('utf8')) as { code: number; message: string };
        assert.equal(status.code, 16);
        assert.match(status.message, /API key/);
      }
      const proto = await request({ port, headers: PROTOBUF, body: protobufPayload(3, 5) });
      assert.equal(proto.status, 401);
      assert.equal(proto.headers['content-type'], 'application/x-protobuf');
      // google.rpc.Status field 1 (code) varint 16: bytes 0x08 0x10.
      assert.deepEqual([...proto.body.subarray(0, 2)], [0x08, 16]);
      // Authentication comes before any other judgement of the request, and a big unread body still gets its 401.
      assert.equal((await request({ port, headers: { 'Content-Type': 'text/plain' }, body: new Uint8Array(10) })).status, 401);
      assert.equal((await request({ port, headers: PROTOBUF, body: new Uint8Array(2 * 1024 * 1024) })).status, 401);
      assert.equal(stored, 0);
      assert.equal(receiver!.counters.spans, 0);
    });

    it('accepts the key as Authorization: Bearer or as x-api-key', async () => {
      const port = await start({ apiKey: 's3cret-key' });
      let stored = 0;
      receiver!.onSpans((batch) => (stored += batch.spans.length));
      const a = await request({ port, headers: { ...PROTOBUF, Authorization: 'Bearer s3cret-key' }, body: protobufPayload(4, 6) });
      const b = await request({ port, headers: { ...PROTOBUF, 'X-Api-Key': 's3cret-key' }, body: protobufPayload(5, 7) });
      const c = await request({ port, headers: { ...PROTOBUF, Authorization: 'bearer   s3cret-key ' }, body: protobufPayload(6, 2) });
      assert.deepEqual([a.status, b.status, c.status], [200, 200, 200]);
      assert.equal(stored, 6 + 7 + 2);
    });

    it('does not authenticate a CORS preflight, but does authenticate the request after it', async () => {
      const port = await start({ apiKey: 'k', corsAllowedOrigins: ['http://localhost:3000'] });
      assert.equal((await preflight(port, 'http://localhost:3000', 'authorization')).status, 204);
      const denied = await request({ port, headers: { ...JSON_TYPE, Origin: 'http://localhost:3000' }, body: jsonPayload(7, 1) });
      assert.equal(denied.status, 401);
      // The browser app must be able to read the 401.
      assert.equal(denied.headers['access-control-allow-origin'], 'http://localhost:3000');
    });

    it('checkApiKey: empty key allows all; matches only the exact key; any matching value of several is enough', () => {
      assert.equal(checkApiKey({}, ''), true);
      assert.equal(checkApiKey({}, 'k'), false);
      assert.equal(checkApiKey({ authorization: 'Bearer k' }, 'k'), true);
      assert.equal(checkApiKey({ Authorization: 'Bearer k' }, 'k'), true);
      assert.equal(checkApiKey({ authorization: 'Basic k' }, 'k'), false);
      assert.equal(checkApiKey({ 'x-api-key': ['nope', 'k'] }, 'k'), true);
      assert.equal(checkApiKey({ 'x-api-key': 'K' }, 'k'), false);
      assert.equal(checkApiKey({ 'x-api-key': 'kk' }, 'k'), false);
      assert.equal(checkApiKey({ 'x-api-key': '' }, 'k'), false);
      assert.equal(checkApiKey({ 'x-api-key': undefined }, 'k'), false);
    });
  });

  it('setSecurity changes the key and the CORS list on a running receiver, without a restart', async () => {
    const port = await start();
    const payload = (): Uint8Array => protobufPayload(8, 2);
    assert.equal((await request({ port, headers: PROTOBUF, body: payload() })).status, 200);
    assert.equal((await preflight(port, 'http://localhost:5173')).status, 403);

    receiver!.setSecurity({ corsAllowedOrigins: ['http://localhost:5173'], apiKey: 'new-key' });
    assert.equal((await request({ port, headers: PROTOBUF, body: payload() })).status, 401);
    assert.equal((await request({ port, headers: { ...PROTOBUF, 'x-api-key': 'new-key' }, body: payload() })).status, 200);
    assert.equal((await preflight(port, 'http://localhost:5173')).status, 204);

    receiver!.setSecurity({ corsAllowedOrigins: [], apiKey: '' });
    assert.equal((await request({ port, headers: PROTOBUF, body: payload() })).status, 200);
    assert.equal((await preflight(port, 'http://localhost:5173')).status, 403);
    assert.equal(receiver!.address!.port, port);
  });
});
