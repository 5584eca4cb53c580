import assert from 'node:assert/strict';
import { TraceForest, type SpanRow } from '../../../src/core/panel/traceForest';
import { bigTrace, seededRandom, shuffle, span, spanRows, T1, T2, T3, view } from './forestFixtures';

const TOTAL = 10_000;
const DEPTH = 1_000;

/** Checks that rows are a depth-first listing: each row's parent is the closest earlier row one level up. */
function assertDepthFirst(model: TraceForest, rows: readonly SpanRow[]): void {
  const stack: SpanRow[] = [];
  for (const row of rows) {
    assert.ok(row.depth <= stack.length, `depth ${row.depth} jumps past ${stack.length} at ${row.key}`);
    stack.length = row.depth;
    const parent = stack[row.depth - 1];
    assert.equal(parent?.span.spanId ?? '', row.depth === 0 ? '' : row.span.parentSpanId, `parent of ${row.key}`);
    assert.equal(model.parentOf(row.span.traceId, row.span.spanId), parent?.span);
    stack.push(row);
  }
}

describe('TraceForest at scale', () => {
  it('flattens a 10,000-span trace, 1,000 deep and wide, in tree order', () => {
    const model = new TraceForest({ maxSpans: 100_000 });
    model.add(shuffle(bigTrace(TOTAL, DEPTH), seededRandom(7)));
    const rows = spanRows(model.rows(view()));
    assert.equal(rows.length, TOTAL);
    assert.equal(new Set(rows.map((row) => row.key)).size, TOTAL);
    assertDepthFirst(model, rows);
    // The leaves under the deepest chain link.
    assert.equal(Math.max(...rows.map((row) => row.depth)), DEPTH);
    assert.equal(model.trace(T1)?.awaitingParents, 0);
    // Under each chain link its leaves come first (they start earlier), then the next link.
    const d0 = rows.findIndex((row) => row.span.spanId === 'd0');
    assert.equal(rows[d0 + 1].span.spanId, 'l0');
    assert.equal(rows[d0 + 1].depth, 1);
  });

  it('adding one span to a 10,000-span trace sorts nothing again: a few comparisons, one rebuild without comparisons', () => {
    const model = new TraceForest({ maxSpans: 100_000 });
    model.add(bigTrace(TOTAL, DEPTH));
    model.add([span({ trace: T2, id: 'other' })]);
    const noFilter = view();
    model.rows(noFilter);

    const before = { ...model.stats };
    model.add([span({ id: 'extra', parent: 'd500', start: 1_001.5 })]);
    const comparisonsToAdd = model.stats.comparisons - before.comparisons;
    assert.ok(comparisonsToAdd <= 2 * Math.ceil(Math.log2(TOTAL)), `adding one span made ${comparisonsToAdd} comparisons`);

    const afterAdd = { ...model.stats };
    const rows = spanRows(model.rows(noFilter));
    assert.equal(rows.length, TOTAL + 2);
    assert.equal(model.stats.comparisons, afterAdd.comparisons, 'rows() does not sort');
    assert.equal(model.stats.flattenedTraces - afterAdd.flattenedTraces, 1, 'only the changed trace is rebuilt');
    assert.ok(model.stats.visitedNodes - afterAdd.visitedNodes <= TOTAL + 1);
    const extra = rows.findIndex((row) => row.span.spanId === 'extra');
    assert.equal(rows[extra].depth, 501);
  });

  it('adds a shuffled 10,000-span trace with O(log n) comparisons per span', () => {
    const model = new TraceForest({ maxSpans: 100_000 });
    model.add(shuffle(bigTrace(TOTAL, DEPTH), seededRandom(3)));
    // Re-parenting removes and re-inserts by binary search too: a generous bound that a full re-sort per span breaks.
    assert.ok(model.stats.comparisons < TOTAL * 4 * Math.ceil(Math.log2(TOTAL)), `${model.stats.comparisons} comparisons`);
  });

  it('reuses cached rows when nothing changed and when only another trace is collapsed', () => {
    const model = new TraceForest({ maxSpans: 100_000 });
    model.add(bigTrace(TOTAL, DEPTH));
    model.add([span({ trace: T2, id: 'x' }), span({ trace: T2, id: 'y', parent: 'x' })]);
    const first = model.rows(view());
    const flattened = model.stats.flattenedTraces;
    assert.equal(model.rows(view()), first, 'same view, same version: the same array');
    assert.equal(model.stats.flattenedTraces, flattened);

    model.rows(view({}, [`${T2}/x`]));
    assert.equal(model.stats.flattenedTraces, flattened + 1, 'only the trace whose node was collapsed');

    // A Set mutated in place is a different view.
    const collapsed = new Set<string>();
    const state = { ...view(), collapsed };
    const open = model.rows(state);
    collapsed.add(T1);
    assert.equal(model.rows(state).length, open.length - TOTAL);

    // Filter results are kept per trace version: toggling a collapse under a filter does not re-run the filter.
    model.rows(view({ services: ['orders'] }));
    const visited = model.stats.visitedNodes;
    model.rows(view({ services: ['orders'] }, [`${T1}/d999`]));
    assert.ok(model.stats.visitedNodes - visited <= TOTAL + 2);
  });

  it('evicts whole traces oldest first beyond maxSpans and counts the evicted spans', () => {
    const model = new TraceForest({ maxSpans: 5 });
    model.add([span({ trace: T1, id: 'a' }), span({ trace: T1, id: 'b', parent: 'a' })]);
    model.add([span({ trace: T2, id: 'c' }), span({ trace: T2, id: 'd' })]);
    model.add([span({ trace: T3, id: 'e' })]);
    assert.equal(model.spanCount, 5);
    assert.equal(model.evictedSpans, 0);

    assert.deepEqual(model.services(), ['orders']);
    model.add([span({ trace: T3, id: 'f', service: 'billing' })]);
    assert.deepEqual(model.traceIds(), [T3, T2]);
    assert.deepEqual(model.services(), ['billing', 'orders']);
    assert.equal(model.spanCount, 4);
    assert.equal(model.evictedSpans, 2);
    assert.equal(model.span(T1, 'a'), undefined);
    assert.equal(spanRows(model.rows(view())).length, 4);

    model.setMaxSpans(2);
    assert.deepEqual(model.traceIds(), [T3]);
    assert.equal(model.spanCount, 2);
    assert.equal(model.evictedSpans, 4);

    // The newest trace stays even when it alone is over the cap: evicting it would show nothing at all.
    model.setMaxSpans(1);
    assert.deepEqual(model.traceIds(), [T3]);
    assert.equal(model.spanCount, 2);

    // A trace seen again after eviction starts over as a new trace.
    model.setMaxSpans(100);
    model.add([span({ trace: T1, id: 'b', parent: 'a' })]);
    assert.deepEqual(model.marksFor(T1, 'b'), [{ kind: 'awaiting-parent', parentSpanId: 'a' }]);
    assert.equal(model.traceIds()[0], T1);
  });
});
