import * as assert from 'node:assert/strict';
import { Fifo } from '../../../src/core/util/fifo';

describe('Fifo', () => {
  it('gives items back in the order pushed across many blocks, interleaved with shifts', () => {
    const queue = new Fifo<number>();
    const model: number[] = [];
    let next = 0;
    let seed = 7;
    for (let round = 0; round < 200; round++) {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      const pushes = seed % 900;
      for (let i = 0; i < pushes; i++) {
        queue.push(next);
        model.push(next++);
      }
      const shifts = (seed >> 8) % 1000;
      for (let i = 0; i < shifts; i++) assert.equal(queue.shift(), model.shift());
      assert.equal(queue.size, model.length);
      assert.equal(queue.peek(), model[0]);
    }
    while (model.length > 0) assert.equal(queue.shift(), model.shift());
    assert.equal(queue.shift(), undefined);
    assert.equal(queue.peek(), undefined);
    assert.equal(queue.size, 0);
  });

  it('holds a hundred thousand items and empties, then works again after clear', () => {
    const queue = new Fifo<string>();
    for (let i = 0; i < 100_000; i++) queue.push(`s${i}`);
    assert.equal(queue.size, 100_000);
    for (let i = 0; i < 50_000; i++) assert.equal(queue.shift(), `s${i}`);
    queue.clear();
    assert.equal(queue.size, 0);
    queue.push('again');
    assert.equal(queue.peek(), 'again');
    assert.equal(queue.shift(), 'again');
    assert.equal(queue.size, 0);
  });
});
