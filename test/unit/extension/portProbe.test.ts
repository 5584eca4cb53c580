import * as assert from 'node:assert/strict';
import * as net from 'node:net';
import { findFreePort, isPortFree, parsePort } from '../../../src/extension/portProbe';

describe('extension/portProbe', () => {
  let blocker: net.Server;
  let taken: number;

  before(async () => {
    blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    taken = (blocker.address() as net.AddressInfo).port;
  });

  after(() => new Promise<void>((resolve) => blocker.close(() => resolve())));

  it('sees a port another server holds as taken', async () => {
    assert.equal(await isPortFree('127.0.0.1', taken), false);
  });

  it('suggests a port that is free and not the taken one', async () => {
    const port = await findFreePort('127.0.0.1', taken);
    assert.notEqual(port, taken);
    assert.equal(await isPortFree('127.0.0.1', port), true);
  });

  it('parsePort accepts 1–65535 only', () => {
    assert.deepEqual(['4318', ' 80 ', '0', '65536', '12a', '', '-1', '1.5'].map(parsePort), [4318, 80, undefined, undefined, undefined, undefined, undefined, undefined]);
  });
});
