/**
 * A virtualized list of fixed-height rows: only the rows in view (plus an overscan margin) exist in the DOM, and a
 * row's element follows its key while it stays in the window, so scrolling only moves elements and fills the few
 * that come into view (taken from those that left it).
 */
import { el } from './dom';

export interface VirtualListOptions<T> {
  rowHeight: number;
  /** Rows drawn beyond each edge of the viewport, so fast scrolling shows no blank band. */
  overscan: number;
  keyOf(item: T): string;
  /** Builds the element's content for this item; called only when the element shows a different item object. */
  fill(element: HTMLElement, item: T): void;
  /** Cheap per-render touches (selection class, aria-selected) applied to every row in the window. */
  decorate(element: HTMLElement, item: T): void;
}

interface Slot<T> {
  element: HTMLElement;
  item: T | undefined;
  index: number;
}

const SPARE_LIMIT = 64;

export class VirtualList<T> {
  /** The scrolling element (the ARIA tree). */
  readonly scroller: HTMLDivElement;
  private readonly canvas: HTMLDivElement;
  private items: readonly T[] = [];
  private live = new Map<string, Slot<T>>();
  private spare: Slot<T>[] = [];
  private nextId = 0;

  constructor(private readonly options: VirtualListOptions<T>) {
    this.canvas = el('div', { class: 'list-canvas', attrs: { role: 'presentation' } });
    this.scroller = el('div', { class: 'list-scroller' }, [this.canvas]);
  }

  get rowHeight(): number {
    return this.options.rowHeight;
  }

  get length(): number {
    return this.items.length;
  }

  /** Items are compared by identity: a changed row must be a new object (TraceForest makes one). */
  setItems(items: readonly T[]): void {
    this.items = items;
    // Sized now, so a scroll position set before render() is not clamped to the old height.
    this.canvas.style.height = `${items.length * this.options.rowHeight}px`;
  }

  /** Rows that fit in the viewport, for PageUp/PageDown. */
  get pageSize(): number {
    return Math.max(1, Math.floor(this.scroller.clientHeight / this.options.rowHeight) - 1);
  }

  /** Draws the window of rows in view. Returns how many row elements are in the DOM. */
  render(): number {
    const { rowHeight, overscan, keyOf } = this.options;
    const count = this.items.length;
    const viewport = this.scroller.clientHeight || rowHeight * 40;
    const scrollTop = this.scroller.scrollTop;
    const first = Math.max(0, Math.floor(scrollTop / rowHeight) - overscan);
    const last = Math.min(count, Math.ceil((scrollTop + viewport) / rowHeight) + overscan);

    const previous = this.live;
    const next = new Map<string, Slot<T>>();
    const unplaced: number[] = [];
    for (let i = first; i < last; i++) {
      const key = keyOf(this.items[i]);
      const slot = previous.get(key);
      if (slot && !next.has(key)) {
        previous.delete(key);
        next.set(key, slot);
        this.place(slot, this.items[i], i);
      } else {
        unplaced.push(i);
      }
    }
    // Elements whose rows left the window take the rows that entered it.
    const leaving = [...previous.values()];
    for (const i of unplaced) {
      const slot = leaving.pop() ?? this.spare.pop() ?? this.createSlot();
      if (!slot.element.isConnected) {
        this.canvas.appendChild(slot.element);
      }
      slot.item = undefined;
      next.set(`${keyOf(this.items[i])}\u0000${i}`, slot);
      this.place(slot, this.items[i], i);
    }
    for (const slot of leaving) {
      slot.element.remove();
      slot.item = undefined;
      if (this.spare.length < SPARE_LIMIT) {
        this.spare.push(slot);
      }
    }
    // Re-key the slots placed under a disambiguated key.
    this.live = new Map();
    for (const slot of next.values()) {
      const key = keyOf(slot.item as T);
      // A duplicate key (bad data) keeps its own entry, so its element is still tracked and reused.
      this.live.set(this.live.has(key) ? `${key}\u0000${slot.index}` : key, slot);
    }
    return next.size;
  }

  private place(slot: Slot<T>, item: T, index: number): void {
    if (slot.index !== index) {
      slot.index = index;
      slot.element.style.top = `${index * this.options.rowHeight}px`;
    }
    if (slot.item !== item) {
      slot.item = item;
      this.options.fill(slot.element, item);
    }
    this.options.decorate(slot.element, item);
  }

  private createSlot(): Slot<T> {
    const element = el('div', { attrs: { id: `spanlens-row-${this.nextId++}` } });
    return { element, item: undefined, index: -1 };
  }

  /** The row element showing this key, when it is in the window. */
  elementFor(key: string): HTMLElement | undefined {
    return this.live.get(key)?.element;
  }

  scrollToIndex(index: number, align: 'nearest' | 'center'): void {
    const { rowHeight } = this.options;
    const top = index * rowHeight;
    const height = this.scroller.clientHeight;
    if (align === 'center') {
      this.scroller.scrollTop = Math.max(0, top - (height - rowHeight) / 2);
    } else if (top < this.scroller.scrollTop) {
      this.scroller.scrollTop = top;
    } else if (top + rowHeight > this.scroller.scrollTop + height) {
      this.scroller.scrollTop = top + rowHeight - height;
    }
  }
}
