import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { promisify } from 'node:util';

describe('spanlens receive: allocation-site pretenuring off', () => {
  it('names a flag V8 knows, taken in a process of its own (no "unrecognized flag") while it carries on allocating', async () => {
    // A child process, so this test run's own heap keeps V8's defaults.
    const modulePath = path.join(__dirname, '..', '..', '..', 'src', 'cli', 'pretenuring.js');
    const script = `
      require(${JSON.stringify(modulePath)}).turnOffPretenuring();
      const kept = [];
      for (let i = 0; i < 200000; i++) kept.push({ i, s: 'span ' + i, attributes: { n: i } });
      process.stdout.write('kept ' + kept.length + '\\n');
    `;
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ['-e', script], { timeout: 20_000 });
    assert.equal(stdout, 'kept 200000\n');
    assert.equal(stderr, '');
  });
});
