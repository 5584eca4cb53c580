import assert from 'node:assert/strict';
import { SpanStore, StoreChange } from '../../../src/core/model/spanStore';
import { Span, SpanLocator } from '../../../src/core/model/span';
import { TraceNode } from '../../../src/core/model/traceAssembly';
import { TapeArena } from '../../../src/core/model/tapeArena';
import { materializeBatch } from '../../../src/receiver/tapePack';
import { encodeSpans } from '../../../src/core/otlp/spanTape';
import { NameTableLocator, exactQuantile, makeSpan, seededRandom, spanId, traceId } from './modelFixtures';

const ORDERS = '/ws/orders/handler.go';
const INVENTORY = '/ws/inventory/stock.go';

function shopLocator(): NameTableLocator {
  return new NameTableLocator({
    'GET /orders': { file: ORDERS, line: 10 },
    'db.query': { file: ORDERS, line: 42 },
    'reserve': { file: INVENTORY, line: 7 },
  });
}

function newStore(options: { maxSpans?: number; recent?: number; locator?: SpanLocator } = {}): { store: SpanStore; changes: StoreChange[] } {
  const store = new SpanStore({
    maxSpans: options.maxSpans ?? 10_000,
    recentSpansPerLocation: options.recent,
    locator: options.locator ?? shopLocator(),
  });
  const changes: StoreChange[] = [];
  store.onDidChange((e) => changes.push(e));
  return { store, changes };
}

/** Tree shape as nested span ids, for compact comparison. */
function shape(nodes: TraceNode[]): unknown[] {
  return nodes.map((n) => ({ id: n.span.spanId.replace(/^0+/, ''), orphan: n.missingParent === true, children: shape(n.children) }));
}

/** A trace of `size` spans: a root and children, all named so they map. */
function traceOf(trace: number, size: number, startMs = 1000): Span[] {
  return Array.from({ length: size }, (_, i) =>
    makeSpan({ trace, id: `${trace}x${i}`, parent: i === 0 ? undefined : `${trace}x0`, name: 'db.query', startMs: startMs + i }),
  );
}

describe('SpanStore', () => {
  describe('trace assembly', () => {
    it('nests a child that arrived in an earlier batch under its parent once the parent arrives', () => {
      const { store } = newStore();
      store.add([makeSpan({ trace: 1, id: 3, parent: 2, name: 'db.query', startMs: 30 })]);

      let trace = store.getTrace(traceId(1));
      assert.ok(trace);
      assert.deepEqual(shape(trace.roots), [{ id: '3', orphan: true, children: [] }]);
      assert.equal(trace.orphanCount, 1);

      store.add([makeSpan({ trace: 1, id: 2, parent: 1, name: 'GET /orders', startMs: 20 })]);
      store.add([makeSpan({ trace: 1, id: 1, name: 'GET /orders', startMs: 10, durationMs: 100 })]);

      trace = store.getTrace(traceId(1));
      assert.ok(trace);
      assert.deepEqual(shape(trace.roots), [
        { id: '1', orphan: false, children: [{ id: '2', orphan: false, children: [{ id: '3', orphan: false, children: [] }] }] },
      ]);
      assert.equal(trace.orphanCount, 0);
      assert.equal(trace.spanCount, 3);
      assert.equal(trace.startUnixMs, 10);
      assert.equal(trace.endUnixMs, 110);
      assert.equal(trace.durationMs, 100);
    });

    it('orders siblings by start time and lists services', () => {
      const { store } = newStore();
      store.add([
        makeSpan({ trace: 5, id: 'c', parent: 'a', startMs: 300, service: 'inventory' }),
        makeSpan({ trace: 5, id: 'b', parent: 'a', startMs: 200, service: 'orders' }),
        makeSpan({ trace: 5, id: 'a', startMs: 100, service: 'orders' }),
        makeSpan({ trace: 5, id: 'd', parent: 'a', startMs: 250, service: 'inventory' }),
      ]);
      const trace = store.getTrace(traceId(5));
      assert.ok(trace);
      assert.deepEqual(trace.roots[0].children.map((c) => c.span.spanId), [spanId('b'), spanId('d'), spanId('c')]);
      assert.deepEqual(trace.services, ['inventory', 'orders']);
    });

    it('keeps spans whose parent never arrives as roots marked missingParent, beside the true root', () => {
      const { store } = newStore();
      store.add([
        makeSpan({ trace: 6, id: 1, startMs: 1 }),
        makeSpan({ trace: 6, id: 2, parent: 99, startMs: 2 }),
        makeSpan({ trace: 6, id: 3, parent: 2, startMs: 3 }),
      ]);
      const trace = store.getTrace(traceId(6));
      assert.ok(trace);
      assert.deepEqual(shape(trace.roots), [
        { id: '1', orphan: false, children: [] },
        { id: '2', orphan: true, children: [{ id: '3', orphan: false, children: [] }] },
      ]);
    });

    it('does not lose spans whose parent links form a loop', () => {
      const { store } = newStore();
      store.add([
        makeSpan({ trace: 7, id: 1, parent: 2, startMs: 1 }),
        makeSpan({ trace: 7, id: 2, parent: 1, startMs: 2 }),
        makeSpan({ trace: 7, id: 3, parent: 3, startMs: 3 }),
      ]);
      const trace = store.getTrace(traceId(7));
      assert.ok(trace);
      const seen: string[] = [];
      const walk = (nodes: TraceNode[]): void => nodes.forEach((n) => (seen.push(n.span.spanId), walk(n.children)));
      walk(trace.roots);
      assert.deepEqual(seen.sort(), [spanId(1), spanId(2), spanId(3)]);
      assert.ok(trace.roots.every((r) => r.missingParent));
    });

    it('finds single spans and says undefined for unknown ones', () => {
      const { store } = newStore();
      const span = makeSpan({ trace: 8, id: 1 });
      store.add([span]);
      assert.equal(store.getSpan(traceId(8), spanId(1)), span);
      assert.equal(store.getSpan(traceId(8), spanId(2)), undefined);
      assert.equal(store.getSpan(traceId(9), spanId(1)), undefined);
      assert.equal(store.getTrace(traceId(9)), undefined);
    });
  });

  describe('duplicates', () => {
    it('stores and counts a re-sent span id once, within a batch and across batches', () => {
      const { store, changes } = newStore();
      const first = makeSpan({ trace: 1, id: 1, name: 'db.query', durationMs: 5 });
      store.add([first, makeSpan({ trace: 1, id: 1, name: 'db.query', durationMs: 5 })]);
      store.add([makeSpan({ trace: 1, id: 1, name: 'db.query', durationMs: 5 }), makeSpan({ trace: 1, id: 2, parent: 1, name: 'db.query' })]);

      assert.equal(store.statsAt(ORDERS, 42)?.count, 2);
      assert.equal(store.getTrace(traceId(1))?.spanCount, 2);
      assert.equal(store.getSpan(traceId(1), spanId(1)), first);
      const totals = store.totals();
      assert.equal(totals.spansReceived, 2);
      assert.equal(totals.spansStored, 2);
      assert.equal(totals.duplicateSpans, 2);
      assert.deepEqual(changes.map((c) => c.addedSpans), [1, 1]);
    });

    it('recognises duplicates in large traces too', () => {
      const { store } = newStore();
      const spans = traceOf(1, 100);
      store.add(spans);
      store.add(traceOf(1, 100).reverse());
      assert.equal(store.totals().spansStored, 100);
      assert.equal(store.totals().duplicateSpans, 100);
      assert.equal(store.statsAt(ORDERS, 42)?.count, 100);
      assert.equal(store.getSpan(traceId(1), spans[77].spanId), spans[77]);
    });

    it('fires nothing for a batch that only repeats stored spans, or an empty one', () => {
      const { store, changes } = newStore();
      store.add(traceOf(1, 3));
      store.add(traceOf(1, 3));
      store.add([]);
      assert.equal(changes.length, 1);
    });

    it('treats the same span id in different traces as different spans', () => {
      const { store } = newStore();
      store.add([makeSpan({ trace: 1, id: 1 }), makeSpan({ trace: 2, id: 1 })]);
      assert.equal(store.totals().spansStored, 2);
      assert.equal(store.totals().duplicateSpans, 0);
    });
  });

  describe('eviction', () => {
    it('evicts whole traces oldest-first by first arrival and counts them', () => {
      const { store, changes } = newStore({ maxSpans: 5 });
      store.add(traceOf(1, 2));
      store.add(traceOf(2, 2));
      // A late span of trace 1 does not make it newer: first arrival decides.
      store.add([makeSpan({ trace: 1, id: 'late', parent: '1x0' })]);
      assert.equal(store.totals().spansStored, 5);
      assert.equal(changes.at(-1)?.evictedSpans, 0);

      store.add(traceOf(3, 2));
      assert.equal(store.getTrace(traceId(1)), undefined);
      assert.ok(store.getTrace(traceId(2)));
      assert.ok(store.getTrace(traceId(3)));
      assert.deepEqual(store.traceIds(), [traceId(2), traceId(3)]);
      assert.equal(changes.at(-1)?.evictedSpans, 3);

      const totals = store.totals();
      assert.equal(totals.spansStored, 4);
      assert.equal(totals.traces, 2);
      assert.equal(totals.evictedSpans, 3);
      assert.equal(totals.evictedTraces, 1);
      assert.equal(totals.spansReceived, 7);
    });

    it('never holds more than maxSpans after any add, whatever the batch sizes', () => {
      const random = seededRandom(7);
      const cap = 250;
      const { store } = newStore({ maxSpans: cap });
      let received = 0;
      for (let batch = 0; batch < 200; batch++) {
        const spans: Span[] = [];
        const size = Math.floor(random() * 60);
        for (let i = 0; i < size; i++) {
          spans.push(makeSpan({ trace: Math.floor(random() * 300), id: `${batch}-${i}`, name: 'reserve' }));
        }
        store.add(spans);
        received += size;
        const totals = store.totals();
        assert.ok(totals.spansStored <= cap, `batch ${batch}: ${totals.spansStored} stored`);
        assert.equal(totals.spansStored + totals.evictedSpans, received);
      }
      assert.ok(store.totals().evictedTraces > 0);
    });

    it('evicts even the newest trace when it alone is over the cap', () => {
      const { store } = newStore({ maxSpans: 3 });
      store.add(traceOf(1, 4));
      assert.equal(store.totals().spansStored, 0);
      assert.equal(store.totals().evictedSpans, 4);
      assert.equal(store.getTrace(traceId(1)), undefined);
    });

    it('keeps statistics cumulative across eviction', () => {
      const { store } = newStore({ maxSpans: 4 });
      for (let t = 1; t <= 10; t++) store.add(traceOf(t, 2));
      assert.equal(store.totals().spansStored, 4);
      assert.equal(store.statsAt(ORDERS, 42)?.count, 20);
    });

    it('evicts at once when the cap is lowered', () => {
      const { store, changes } = newStore({ maxSpans: 100 });
      for (let t = 1; t <= 10; t++) store.add(traceOf(t, 3));
      store.setMaxSpans(10);
      assert.equal(store.totals().spansStored, 9);
      assert.deepEqual(store.traceIds(), [traceId(8), traceId(9), traceId(10)]);
      assert.equal(changes.at(-1)?.evictedSpans, 21);
    });

    it('rejects a cap that is not a positive number', () => {
      assert.throws(() => new SpanStore({ maxSpans: 0, locator: shopLocator() }), RangeError);
      assert.throws(() => new SpanStore({ maxSpans: NaN, locator: shopLocator() }), RangeError);
    });
  });

  describe('statistics', () => {
    it('counts, errors, exact max and last seen per line', () => {
      const { store } = newStore();
      store.add([
        makeSpan({ trace: 1, id: 1, name: 'db.query', durationMs: 4, startMs: 1000 }),
        makeSpan({ trace: 1, id: 2, name: 'db.query', durationMs: 9, startMs: 2000, error: true }),
        makeSpan({ trace: 2, id: 3, name: 'db.query', durationMs: 1, startMs: 1500, error: true }),
        makeSpan({ trace: 2, id: 6, name: 'db.query', durationMs: 2, startMs: 1600, ok: true }),
        makeSpan({ trace: 2, id: 4, name: 'reserve', durationMs: 2, service: 'inventory' }),
        makeSpan({ trace: 2, id: 5, name: 'unknown span' }),
      ]);
      const stats = store.statsAt(ORDERS, 42);
      assert.ok(stats);
      assert.equal(stats.key, `${ORDERS}:42`);
      assert.equal(stats.location.via, 'span-name');
      assert.equal(stats.count, 4);
      assert.equal(stats.errors, 2);
      assert.equal(stats.maxMs, 9);
      assert.equal(stats.lastSeenUnixMs, 2009);
      assert.deepEqual(stats.spanNames, ['db.query']);
      assert.equal(store.statsAt(INVENTORY, 7)?.count, 1);
      assert.equal(store.statsAt(ORDERS, 43), undefined);
      assert.equal(store.totals().unmappedSpans, 1);
      assert.deepEqual(store.totals().services, ['inventory', 'svc']);
    });

    it('gives p50 and p95 within 1 % of the exact values', () => {
      const random = seededRandom(3);
      const { store } = newStore();
      const durations: number[] = [];
      for (let i = 0; i < 5000; i++) {
        const d = random() < 0.1 ? 200 + random() * 800 : 0.05 + random() * 20;
        durations.push(d);
        store.add([makeSpan({ trace: i, id: i, name: 'GET /orders', durationMs: d })]);
      }
      const sorted = durations.sort((a, b) => a - b);
      const stats = store.statsAt(ORDERS, 10);
      assert.ok(stats);
      for (const [estimate, q] of [[stats.p50Ms, 0.5], [stats.p95Ms, 0.95]]) {
        const exact = exactQuantile(sorted, q);
        assert.ok(Math.abs(estimate - exact) <= exact * 0.01 + 1e-9, `q=${q}: ${estimate} vs ${exact}`);
      }
      assert.equal(stats.maxMs, sorted[sorted.length - 1]);
    });

    it('keeps a bounded ring of the latest-ending spans, newest first, whatever the arrival order', () => {
      const { store } = newStore({ recent: 3 });
      const spans = Array.from({ length: 12 }, (_, i) => makeSpan({ trace: 1, id: i + 1, name: 'reserve', startMs: 1000 + i * 10 }));
      const shuffled = [spans[5], spans[11], spans[0], spans[9], spans[3], spans[10], spans[7], spans[1], spans[2], spans[4], spans[6], spans[8]];
      store.add(shuffled.slice(0, 6));
      store.add(shuffled.slice(6));
      const recent = store.statsAt(INVENTORY, 7)?.recent;
      assert.deepEqual(recent, [spans[11], spans[10], spans[9]]);
    });

    it('lists a file’s lines in order and every location across files', () => {
      const { store } = newStore();
      store.add([makeSpan({ trace: 1, id: 1, name: 'db.query' }), makeSpan({ trace: 1, id: 2, name: 'GET /orders' }), makeSpan({ trace: 1, id: 3, name: 'reserve' })]);
      assert.deepEqual(store.statsForFile(ORDERS).map((s) => s.location.line), [10, 42]);
      assert.deepEqual(store.statsForFile('/ws/none.go'), []);
      assert.deepEqual(store.allStats().map((s) => s.key), [`${INVENTORY}:7`, `${ORDERS}:10`, `${ORDERS}:42`]);
    });

    it('maps only the new batch on add, never the spans already stored', () => {
      const locator = shopLocator();
      const { store } = newStore({ locator, maxSpans: 500 });
      for (let t = 0; t < 100; t++) store.add(traceOf(t, 10));
      const before = locator.calls.length;
      store.add(traceOf(1000, 3));
      assert.equal(locator.calls.length - before, 3);
    });

    it('counts a throwing locator as unmapped without losing the span or the rest of the batch', () => {
      const throwing: SpanLocator = {
        locate(span) {
          if (span.name === 'bad') throw new Error('mapper bug');
          return { file: ORDERS, line: 1, via: 'span-name' };
        },
      };
      const { store } = newStore({ locator: throwing });
      store.add([makeSpan({ trace: 1, id: 1, name: 'bad' }), makeSpan({ trace: 1, id: 2, name: 'good' })]);
      assert.equal(store.totals().spansStored, 2);
      assert.equal(store.totals().locatorErrors, 1);
      assert.equal(store.totals().unmappedSpans, 1);
      assert.equal(store.statsAt(ORDERS, 1)?.count, 1);
    });
  });

  describe('relocate', () => {
    it('moves statistics to where a new locator puts the retained spans', () => {
      const { store, changes } = newStore();
      store.add([makeSpan({ trace: 1, id: 1, name: 'db.query', error: true }), makeSpan({ trace: 1, id: 2, name: 'db.query' })]);
      store.setLocator(new NameTableLocator({ 'db.query': { file: '/ws/orders/repo.go', line: 88 } }));

      assert.equal(store.statsAt(ORDERS, 42), undefined);
      const moved = store.statsAt('/ws/orders/repo.go', 88);
      assert.equal(moved?.count, 2);
      assert.equal(moved?.errors, 1);
      const last = changes.at(-1);
      assert.equal(last?.relocated, true);
      assert.deepEqual([...(last?.changedLocations ?? [])].sort(), ['/ws/orders/handler.go:42', '/ws/orders/repo.go:88']);

      // New spans go through the new locator too.
      store.add([makeSpan({ trace: 2, id: 1, name: 'db.query' })]);
      assert.equal(store.statsAt('/ws/orders/repo.go', 88)?.count, 3);
    });

    it('rebuilds from retained spans only, and re-counts unmapped spans', () => {
      const { store } = newStore({ maxSpans: 4 });
      for (let t = 1; t <= 5; t++) store.add(traceOf(t, 2));
      store.add([makeSpan({ trace: 9, id: 1, name: 'nowhere' })]);
      assert.equal(store.statsAt(ORDERS, 42)?.count, 10);
      assert.equal(store.totals().unmappedSpans, 1);

      const locator = new NameTableLocator({ 'nowhere': { file: ORDERS, line: 1 } });
      store.setLocator(locator);
      assert.equal(store.totals().spansStored, 3);
      assert.equal(store.statsAt(ORDERS, 1)?.count, 1);
      assert.equal(store.statsAt(ORDERS, 42), undefined);
      assert.equal(store.totals().unmappedSpans, 2);
      assert.equal(locator.calls.length, 3);
    });
  });

  describe('clear and change events', () => {
    it('clear forgets spans, statistics and counters and names the lines to repaint', () => {
      const { store, changes } = newStore({ maxSpans: 3 });
      store.add([...traceOf(1, 2), makeSpan({ trace: 2, id: 1, name: 'reserve' }), makeSpan({ trace: 2, id: 1, name: 'reserve' })]);
      store.add(traceOf(3, 2));
      store.clear();
      assert.deepEqual(store.totals(), {
        spansReceived: 0, duplicateSpans: 0, spansStored: 0, traces: 0, evictedSpans: 0, evictedTraces: 0,
        unmappedSpans: 0, locatorErrors: 0, services: [],
      });
      assert.deepEqual(store.allStats(), []);
      assert.equal(store.getTrace(traceId(3)), undefined);
      const last = changes.at(-1);
      assert.equal(last?.cleared, true);
      assert.deepEqual([...(last?.changedLocations ?? [])].sort(), [`${INVENTORY}:7`, `${ORDERS}:42`]);

      store.add(traceOf(4, 1));
      assert.equal(store.statsAt(ORDERS, 42)?.count, 1);
    });

    it('fires once per add with the added count, distinct changed lines and evictions', () => {
      const { store, changes } = newStore({ maxSpans: 4 });
      store.add([
        makeSpan({ trace: 1, id: 1, name: 'GET /orders' }),
        makeSpan({ trace: 1, id: 2, name: 'db.query' }),
        makeSpan({ trace: 1, id: 3, name: 'db.query' }),
        makeSpan({ trace: 1, id: 4, name: 'not mapped' }),
      ]);
      store.add([makeSpan({ trace: 2, id: 1, name: 'reserve' })]);
      assert.equal(changes.length, 2);
      assert.deepEqual(changes[0], { addedSpans: 4, changedLocations: [`${ORDERS}:10`, `${ORDERS}:42`], evictedSpans: 0 });
      assert.deepEqual(changes[1], { addedSpans: 1, changedLocations: [`${INVENTORY}:7`], evictedSpans: 4 });
    });

    it('stops notifying a listener once disposed', () => {
      const { store } = newStore();
      let calls = 0;
      const subscription = store.onDidChange(() => calls++);
      store.add(traceOf(1, 1));
      subscription.dispose();
      store.add(traceOf(2, 1));
      assert.equal(calls, 1);
    });
  });
  describe('packed batches', () => {
    /** A batch as the decode pool delivers it: the spans, and the same spans packed. */
    function delivered(spans: Span[]): ReturnType<typeof materializeBatch> {
      return materializeBatch(structuredClone(encodeSpans(spans)));
    }

    function packedStore(maxSpans = 10_000): { store: SpanStore; arena: TapeArena } {
      const arena = new TapeArena(4096);
      return { store: new SpanStore({ maxSpans, locator: shopLocator(), arena }), arena };
    }

    it('holds packed spans in the arena and gives back equal spans, trees and statistics', () => {
      const { store, arena } = packedStore();
      const objects = newStore().store;
      const batches = [traceOf(1, 40), [...traceOf(2, 3), ...traceOf(3, 5)]];
      for (const spans of batches) {
        const batch = delivered(spans);
        store.add(batch.spans, batch.pack);
        objects.add(spans);
      }
      assert.equal(arena.counters().liveRegions, 2);
      for (const trace of [1, 2, 3]) {
        assert.deepStrictEqual(store.getTrace(traceId(trace)), objects.getTrace(traceId(trace)));
      }
      assert.deepStrictEqual(store.getSpan(traceId(1), spanId('1x39')), objects.getSpan(traceId(1), spanId('1x39')));
      assert.equal(store.getSpan(traceId(1), spanId('1x40')), undefined);
      assert.equal(store.hasTrace(traceId(3)), true);
      assert.equal(store.hasTrace(traceId(4)), false);
      assert.deepEqual(store.allStats().map((s) => [s.location.line, s.count]), objects.allStats().map((s) => [s.location.line, s.count]));
      assert.deepEqual(store.totals(), objects.totals());
    });

    it('counts a re-sent packed batch as duplicates, and a span id repeated within a batch once', () => {
      const { store } = packedStore();
      const first = delivered(traceOf(1, 5));
      store.add(first.spans, first.pack);
      const again = delivered(traceOf(1, 5));
      store.add(again.spans, again.pack);
      const repeated = delivered([...traceOf(2, 3), ...traceOf(2, 3)]);
      store.add(repeated.spans, repeated.pack);
      const totals = store.totals();
      assert.equal(totals.spansStored, 8);
      assert.equal(totals.duplicateSpans, 8);
      assert.equal(store.getTrace(traceId(2))?.spanCount, 3);
    });

    it('finds duplicates of a large trace that arrives in pieces, and of a small one, mixed with object spans', () => {
      const { store } = packedStore();
      const spans = traceOf(1, 60);
      for (let from = 0; from < 60; from += 20) {
        const piece = delivered(spans.slice(from, from + 20));
        store.add(piece.spans, piece.pack);
      }
      // Every piece again, packed and as objects, and a new span among them.
      const resent = delivered([...spans.slice(10, 30), makeSpan({ trace: 1, id: 'new', parent: '1x0', name: 'db.query' })]);
      store.add(resent.spans, resent.pack);
      store.add(spans.slice(50));
      store.add(traceOf(2, 2));
      const small = delivered(traceOf(2, 3));
      store.add(small.spans, small.pack);
      assert.equal(store.getTrace(traceId(1))?.spanCount, 61);
      assert.equal(store.getTrace(traceId(2))?.spanCount, 3);
      assert.equal(store.totals().duplicateSpans, 20 + 10 + 2);
      assert.equal(store.getSpan(traceId(1), spanId('new'))?.name, 'db.query');
    });

    it('frees the arena as traces are evicted or cleared, and reuses it for new batches', () => {
      const { store, arena } = packedStore(100);
      for (let trace = 1; trace <= 10; trace++) {
        const batch = delivered(traceOf(trace, 50));
        store.add(batch.spans, batch.pack);
      }
      assert.equal(store.totals().spansStored, 100);
      assert.equal(arena.counters().liveRegions, 2);
      const bytes = arena.counters().bytes;
      for (let trace = 11; trace <= 30; trace++) {
        const batch = delivered(traceOf(trace, 50));
        store.add(batch.spans, batch.pack);
      }
      assert.equal(arena.counters().liveRegions, 2);
      assert.ok(arena.counters().bytes <= bytes + 2 * 4096 * 8, 'evicted batches make room for new ones');
      assert.deepStrictEqual(store.getTrace(traceId(30))?.roots[0].span, traceOf(30, 50)[0]);
      store.clear();
      assert.equal(arena.counters().liveRegions, 0);
    });

    it('does not copy a batch evicted by the add that brought it', () => {
      const { store, arena } = packedStore(10);
      const batch = delivered(traceOf(1, 20));
      store.add(batch.spans, batch.pack);
      assert.equal(store.totals().evictedSpans, 20);
      assert.equal(arena.counters().liveRegions, 0);
    });
  });
});
