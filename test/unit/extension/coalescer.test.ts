import * as assert from 'node:assert/strict';
import { Coalescer } from '../../../src/extension/coalescer';

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('extension/Coalescer', () => {
  it('turns a burst of requests into one run', async () => {
    let runs = 0;
    const coalescer = new Coalescer(() => void runs++, 20);
    for (let i = 0; i < 100; i++) {
      coalescer.schedule();
    }
    await coalescer.whenIdle();
    assert.equal(runs, 1);
    coalescer.dispose();
  });

  it('runs again when asked during a run, so no change is missed', async () => {
    let runs = 0;
    let release!: () => void;
    const coalescer = new Coalescer(async () => {
      runs++;
      if (runs === 1) {
        await new Promise<void>((resolve) => (release = resolve));
      }
    }, 0);
    coalescer.schedule();
    await tick(5);
    assert.equal(runs, 1);
    coalescer.schedule();
    coalescer.schedule();
    release();
    await coalescer.whenIdle();
    assert.equal(runs, 2);
    coalescer.dispose();
  });

  it('whenIdle resolves at once when nothing is pending, and reports a failing job without stopping', async () => {
    const errors: unknown[] = [];
    let runs = 0;
    const coalescer = new Coalescer(
      () => {
        runs++;
        throw new Error('boom');
      },
      0,
      (error) => errors.push(error),
    );
    await coalescer.whenIdle();
    assert.equal(coalescer.pending, false);
    coalescer.schedule();
    assert.equal(coalescer.pending, true);
    await coalescer.whenIdle();
    coalescer.schedule();
    await coalescer.whenIdle();
    assert.equal(runs, 2);
    assert.equal(errors.length, 2);
    coalescer.dispose();
  });

  it('flush runs now, and nothing runs after dispose', async () => {
    let runs = 0;
    const coalescer = new Coalescer(() => void runs++, 10_000);
    coalescer.schedule();
    await coalescer.flush();
    assert.equal(runs, 1);
    coalescer.schedule();
    coalescer.dispose();
    await coalescer.whenIdle();
    await tick(5);
    assert.equal(runs, 1);
  });
});
