/** Items per block: big enough that block bookkeeping is noise, small enough that a block is cheap to drop. */
const BLOCK = 4096;

/**
 * A first-in first-out queue in fixed blocks: push and shift are O(1) and never copy what is queued, so a queue of
 * hundreds of thousands of items (spans waiting out a grace window) costs no large array re-allocations.
 */
export class Fifo<T> {
  private blocks: T[][] = [[]];
  /** Index of the next item to shift, in blocks[0]. */
  private head = 0;
  private count = 0;

  get size(): number {
    return this.count;
  }

  push(item: T): void {
    let tail = this.blocks[this.blocks.length - 1];
    if (tail.length === BLOCK) this.blocks.push((tail = []));
    tail.push(item);
    this.count++;
  }

  /** The oldest item, left in place. */
  peek(): T | undefined {
    return this.count > 0 ? this.blocks[0][this.head] : undefined;
  }

  shift(): T | undefined {
    if (this.count === 0) return undefined;
    const first = this.blocks[0];
    const item = first[this.head];
    // Let the item be collected now, not when its whole block goes.
    (first as (T | undefined)[])[this.head] = undefined;
    this.head++;
    this.count--;
    if (this.head === first.length) {
      // Only the last block can be short, so a used-up first block is either full with more behind it or the last.
      if (this.blocks.length > 1) this.blocks.shift();
      else this.blocks[0] = [];
      this.head = 0;
    }
    return item;
  }

  clear(): void {
    this.blocks = [[]];
    this.head = 0;
    this.count = 0;
  }
}
