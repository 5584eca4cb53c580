import assert from 'node:assert/strict';
import { TapeArena, touchChunkPages } from '../../../src/core/model/tapeArena';

function fill(arena: TapeArena, length: number, value: number): ReturnType<TapeArena['allocate']> {
  const region = arena.allocate(length);
  region.data.fill(value, region.start, region.start + region.length);
  return region;
}

describe('tape arena', () => {
  it('packs regions one after another in a chunk, each keeping its numbers', () => {
    const arena = new TapeArena(100);
    const a = fill(arena, 30, 1);
    const b = fill(arena, 30, 2);
    assert.equal(a.data, b.data);
    assert.deepEqual([a.start, b.start], [0, 30]);
    assert.ok(a.data.subarray(a.start, a.start + 30).every((v) => v === 1));
    assert.ok(b.data.subarray(b.start, b.start + 30).every((v) => v === 2));
    assert.deepEqual(arena.counters(), { chunksInUse: 1, spareChunks: 0, liveRegions: 2, bytes: 400 });
  });

  it('reuses a chunk once every region in it is freed, without allocating another', () => {
    const arena = new TapeArena(100);
    const first = [fill(arena, 50, 1), fill(arena, 50, 2)];
    const second = fill(arena, 50, 3); // the first chunk is full: a second one
    assert.notEqual(second.data, first[0].data);
    first.forEach((region) => arena.free(region));
    assert.deepEqual(arena.counters(), { chunksInUse: 1, spareChunks: 1, liveRegions: 1, bytes: 800 });
    fill(arena, 50, 4);
    const third = fill(arena, 50, 5); // the second chunk is full: the spare one comes back
    assert.equal(third.data, first[0].data);
    assert.equal(third.start, 0);
    assert.equal(arena.counters().bytes, 800);
  });

  it('fills the chunk being filled again from its start when everything in it is freed', () => {
    const arena = new TapeArena(100);
    const region = fill(arena, 60, 1);
    arena.free(region);
    const again = fill(arena, 60, 2);
    assert.equal(again.data, region.data);
    assert.equal(again.start, 0);
  });

  it('gives a region longer than a chunk a chunk of its own, let go when freed', () => {
    const arena = new TapeArena(100);
    fill(arena, 10, 1);
    const big = fill(arena, 250, 9);
    assert.equal(big.data.length, 250);
    assert.equal(arena.counters().chunksInUse, 2);
    arena.free(big);
    assert.deepEqual(arena.counters(), { chunksInUse: 1, spareChunks: 0, liveRegions: 1, bytes: 400 });
  });

  it('keeps at most two empty chunks for reuse', () => {
    const arena = new TapeArena(10);
    const regions = Array.from({ length: 6 }, (_, i) => fill(arena, 10, i));
    regions.forEach((region) => arena.free(region));
    // The last chunk is still the one being filled; of the five before it, two are kept.
    assert.deepEqual(arena.counters(), { chunksInUse: 1, spareChunks: 2, liveRegions: 0, bytes: 120 });
  });

  it('with a preparer, makes each new chunk a chunk ahead in shared memory and hands it over before using it', () => {
    const prepared: SharedArrayBuffer[] = [];
    const arena = new TapeArena(100, (memory) => prepared.push(memory));
    const first = fill(arena, 60, 1);
    // The first chunk is made when needed; the next one at the same time, and handed over.
    assert.ok(first.data.buffer instanceof SharedArrayBuffer);
    assert.equal(prepared.length, 1);
    assert.notEqual(prepared[0], first.data.buffer);
    assert.equal(arena.counters().bytes, 800);
    const second = fill(arena, 60, 2);
    assert.equal(second.data.buffer, prepared[0]);
    assert.equal(prepared.length, 2);
    // A reused chunk is not new: nothing more is made or handed over.
    arena.free(first);
    fill(arena, 60, 3);
    assert.equal(prepared.length, 2);
    assert.ok(first.data.subarray(0, 60).every((v) => v === 3));
    assert.ok(second.data.subarray(0, 60).every((v) => v === 2));
  });

  it('touches every page of a chunk without changing anything written in it', () => {
    const memory = new SharedArrayBuffer(4 * 4096 * 3);
    const words = new Int32Array(memory);
    for (let i = 0; i < words.length; i += 7) words[i] = i + 1;
    const before = words.slice();
    touchChunkPages(memory);
    assert.deepEqual(words, before);
  });

  it('refuses to free a region twice or one from another arena, and bad lengths', () => {
    const arena = new TapeArena(100);
    const region = fill(arena, 10, 1);
    fill(arena, 10, 1);
    arena.free(region);
    assert.throws(() => arena.free(region), /not live/);
    assert.throws(() => new TapeArena(100).free(fill(arena, 5, 1)), /not live/);
    assert.throws(() => arena.allocate(-1), RangeError);
    assert.throws(() => arena.allocate(1.5), RangeError);
    assert.throws(() => new TapeArena(0), RangeError);
  });
});
