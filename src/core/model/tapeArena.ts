/**
 * Recycled memory, outside the JavaScript heap, for the numbers of the span batches a store holds (see SpanPack), in
 * 32-bit words.
 *
 * Why recycled: a batch's own ArrayBuffer per batch is memory V8 counts as external and collects with full
 * garbage collections, which came as often as with span objects. Here batches are copied into large chunks; a
 * chunk whose batches were all evicted is reused as it is (no new allocation, no fresh pages), and a store evicts
 * oldest first, so chunks empty in the order they filled.
 */

/**
 * Fresh memory costs a page fault per 4 KiB page at first write, which on a virtual machine is expensive (measured here:
 * 12 µs a page, 1 µs per stored span while a store fills). With `prepareChunk`, each new chunk is made a chunk ahead of
 * its use, in shared memory, and handed over to be touched (touchChunkPages) by a thread with time to spare.
 */
export type ChunkPreparer = (memory: SharedArrayBuffer) => void;

/**
 * Writes every page of `memory` without changing any value in it (an atomic compare-exchange of 0 for 0), so its pages
 * are in place before the arena writes there; safe while the arena already writes into it.
 */
export function touchChunkPages(memory: SharedArrayBuffer): void {
  const words = new Int32Array(memory);
  for (let i = 0; i < words.length; i += WORDS_PER_PAGE) {
    Atomics.compareExchange(words, i, 0, 0);
  }
}

const WORDS_PER_PAGE = 1024;

/** 2 MiB of 32-bit words: about twenty 512-span batches of the benchmark's shape. */
const DEFAULT_CHUNK_LENGTH = 512 * 1024;
/** Empty chunks kept for reuse; beyond these an emptied chunk is left to the garbage collector. */
const MAX_SPARE_CHUNKS = 2;

class ArenaChunk {
  used = 0;
  liveRegions = 0;
  constructor(readonly data: Int32Array) {}
}

/** Where a batch's numbers live: `data[start .. start + length)`. Valid until freed. */
export interface ArenaRegion {
  readonly data: Int32Array;
  readonly start: number;
  readonly length: number;
}

interface ChunkRegion extends ArenaRegion {
  readonly chunk: ArenaChunk;
  live: boolean;
}

export interface ArenaCounters {
  /** Chunks holding at least one live region, or being filled. */
  chunksInUse: number;
  /** Empty chunks kept for reuse. */
  spareChunks: number;
  liveRegions: number;
  /** Bytes of chunk memory in use, spare, or made ahead (ChunkPreparer). */
  bytes: number;
}

export class TapeArena {
  private readonly chunkLength: number;
  private current: ArenaChunk | undefined;
  private readonly inUse = new Set<ArenaChunk>();
  private readonly spare: ArenaChunk[] = [];
  private liveRegions = 0;
  /** The next new chunk's memory, already handed to prepareChunk. */
  private ahead: Int32Array | undefined;

  constructor(
    chunkLength = DEFAULT_CHUNK_LENGTH,
    private readonly prepareChunk?: ChunkPreparer,
  ) {
    if (!(Number.isSafeInteger(chunkLength) && chunkLength > 0)) {
      throw new RangeError(`chunkLength must be a positive integer, got ${chunkLength}`);
    }
    this.chunkLength = chunkLength;
  }

  /** Room for `length` words, to be filled by the caller. A region longer than a chunk gets a chunk of its own. */
  allocate(length: number): ArenaRegion {
    if (!(Number.isSafeInteger(length) && length >= 0)) {
      throw new RangeError(`region length must be a non-negative integer, got ${length}`);
    }
    let chunk: ArenaChunk;
    if (length > this.chunkLength) {
      chunk = new ArenaChunk(new Int32Array(length));
      this.inUse.add(chunk);
    } else {
      if (!this.current || this.current.used + length > this.chunkLength) {
        this.retireCurrent();
        this.current = this.spare.pop() ?? this.newChunk();
        this.inUse.add(this.current);
      }
      chunk = this.current;
    }
    const region: ChunkRegion = { data: chunk.data, start: chunk.used, length, chunk, live: true };
    chunk.used += length;
    chunk.liveRegions++;
    this.liveRegions++;
    return region;
  }

  /** The region's memory may be reused from now on; freeing it twice, or one from another arena, throws. */
  free(region: ArenaRegion): void {
    const own = region as ChunkRegion;
    const chunk = own.chunk;
    if (!own.live || !chunk || !this.inUse.has(chunk)) {
      throw new Error('this region is not live in this arena');
    }
    own.live = false;
    chunk.liveRegions--;
    this.liveRegions--;
    if (chunk.liveRegions > 0) {
      return;
    }
    if (chunk === this.current) {
      // Still being filled, and nothing in it is held: fill it again from the start.
      chunk.used = 0;
      return;
    }
    this.recycle(chunk);
  }

  counters(): ArenaCounters {
    let bytes = 0;
    for (const chunk of this.inUse) bytes += chunk.data.byteLength;
    for (const chunk of this.spare) bytes += chunk.data.byteLength;
    bytes += this.ahead?.byteLength ?? 0;
    return { chunksInUse: this.inUse.size, spareChunks: this.spare.length, liveRegions: this.liveRegions, bytes };
  }

  private newChunk(): ArenaChunk {
    if (!this.prepareChunk) {
      return new ArenaChunk(new Int32Array(this.chunkLength));
    }
    const data = this.ahead ?? new Int32Array(new SharedArrayBuffer(this.chunkLength * 4));
    this.ahead = new Int32Array(new SharedArrayBuffer(this.chunkLength * 4));
    this.prepareChunk(this.ahead.buffer as SharedArrayBuffer);
    return new ArenaChunk(data);
  }

  private retireCurrent(): void {
    const chunk = this.current;
    this.current = undefined;
    if (chunk && chunk.liveRegions === 0) {
      this.recycle(chunk);
    }
  }

  private recycle(chunk: ArenaChunk): void {
    this.inUse.delete(chunk);
    chunk.used = 0;
    if (chunk.data.length === this.chunkLength && this.spare.length < MAX_SPARE_CHUNKS) {
      this.spare.push(chunk);
    }
  }
}
