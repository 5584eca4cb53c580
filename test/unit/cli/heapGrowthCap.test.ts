import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { capHeapGrowthOnceLarge } from '../../../src/cli/heapGrowthCap';

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('spanlens receive: heap growth capped once the heap is large', () => {
  it('leaves a small heap alone, caps once when it passes the threshold, and checks no more after that', async () => {
    const readings = [10, 20, 30, 300, 400, 500];
    let reads = 0;
    let caps = 0;
    const stop = capHeapGrowthOnceLarge({
      thresholdBytes: 256,
      checkEveryMs: 5,
      heapUsedBytes: () => readings[Math.min(reads++, readings.length - 1)],
      cap: () => caps++,
    });
    try {
      await pause(150);
      assert.equal(caps, 1);
      assert.equal(reads, 4, 'the fourth reading (300) crossed the threshold; nothing was read after it');
    } finally {
      stop();
    }
  });

  it('never caps after stop', async () => {
    let caps = 0;
    const stop = capHeapGrowthOnceLarge({ thresholdBytes: 1, checkEveryMs: 5, heapUsedBytes: () => 2, cap: () => caps++ });
    stop();
    await pause(50);
    assert.equal(caps, 0);
  });

  it('applies the real V8 flag in a process of its own: V8 takes it (no "unrecognized flag") and the process carries on', async () => {
    // A child process, so this test run's own heap keeps V8's defaults.
    const modulePath = path.join(__dirname, '..', '..', '..', 'src', 'cli', 'heapGrowthCap.js');
    const script = `
      const { capHeapGrowthOnceLarge } = require(${JSON.stringify(modulePath)});
      capHeapGrowthOnceLarge({ thresholdBytes: 1, checkEveryMs: 5 });
      const kept = [];
      const started = Date.now();
      const timer = setInterval(() => {
        for (let i = 0; i < 10000; i++) kept.push({ i, s: 'span ' + i });
        if (Date.now() - started > 300) { clearInterval(timer); process.stdout.write('allocated ' + kept.length + '\\n'); }
      }, 10);
    `;
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ['-e', script], { timeout: 20_000 });
    assert.match(stdout, /^allocated \d+\n$/);
    assert.equal(stderr, '');
  });
});
