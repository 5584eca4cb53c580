import * as assert from 'node:assert/strict';
import { SpanWindow } from '../../../src/core/propagation/spanWindow';
import { CLIENT, SERVER, span, spanId, T0, traceId } from './spanGraph';

describe('SpanWindow', () => {
  const options = { maxAgeMs: 1000, maxSpans: 100, rememberedIds: 1000 };

  it('indexes children by parent whatever arrives first, and drops them with their spans', () => {
    const window = new SpanWindow(options);
    const child = window.add(span({ trace: 't', id: 'c', parent: 'p', name: 'c', service: 's', start: 5, duration: 1 }), 0)!;
    const parent = window.add(span({ trace: 't', id: 'p', name: 'p', service: 's', start: 0, duration: 10 }), 500)!;
    assert.deepEqual(window.children(parent), [child]);
    assert.equal(window.parentOf(child), parent);
    window.evict(1200);
    assert.equal(child.alive, false);
    assert.deepEqual(window.children(parent), []);
    assert.equal(window.size, 1);
    assert.ok(window.wasSeen(child.span.traceId, child.span.spanId), 'its id is still remembered');
    assert.equal(window.add(parent.span, 1300), undefined, 'a re-sent span is not added twice');
  });

  it('remembers ids of one-span and many-span traces for two generations, then forgets them', () => {
    const window = new SpanWindow({ maxAgeMs: 1, maxSpans: 100, rememberedIds: 4 });
    window.add(span({ trace: 'one', id: 'a', name: 'a', service: 's', start: 0, duration: 1 }), 0);
    for (const id of ['b', 'c', 'd']) window.add(span({ trace: 'many', id, name: id, service: 's', start: 0, duration: 1 }), 0);
    window.evict(10);
    assert.equal(window.size, 0);
    assert.equal(window.holdsTrace(traceId('one')), false);
    const seen = (trace: string, id: string) => window.wasSeen(traceId(trace), spanId(id));
    assert.deepEqual([seen('one', 'a'), seen('many', 'b'), seen('many', 'd'), seen('one', 'b'), seen('many', 'a')], [true, true, true, false, false]);
    // Four more ids fill the next generation: the first four are still remembered, as the older generation.
    for (const id of ['e', 'f', 'g', 'h']) window.add(span({ trace: `t${id}`, id, name: id, service: 's', start: 0, duration: 1 }), 20);
    assert.deepEqual([seen('one', 'a'), seen('many', 'c'), seen('th', 'h')], [true, true, true]);
    // And four more push them out.
    for (const id of ['i', 'j', 'k', 'l']) window.add(span({ trace: `t${id}`, id, name: id, service: 's', start: 0, duration: 1 }), 30);
    assert.deepEqual([seen('one', 'a'), seen('many', 'c'), seen('th', 'h'), seen('tl', 'l')], [false, false, true, true]);
  });

  it('answers containment from start-sorted timelines, in any insertion order', () => {
    const window = new SpanWindow(options);
    const spans = [
      span({ trace: 'a', id: '1', name: 'long', service: 's', kind: CLIENT, start: 0, duration: 100 }),
      span({ trace: 'a', id: '2', name: 'late', service: 's', kind: CLIENT, start: 60, duration: 10 }),
      span({ trace: 'a', id: '3', name: 'short', service: 's', kind: CLIENT, start: 40, duration: 20 }),
      span({ trace: 'a', id: '4', name: 'before', service: 's', kind: CLIENT, start: 10, duration: 5 }),
    ];
    for (const s of spans) window.add(s, 0);
    const names = (from: number, to: number): string[] => [...window.clients.containing(T0 + from, T0 + to, 0)].map((e) => e.span.name).sort();
    assert.deepEqual(names(45, 55), ['long', 'short']);
    assert.deepEqual(names(12, 14), ['before', 'long']);
    assert.deepEqual(names(90, 99), ['long']);
    assert.deepEqual(names(99, 101), []);
    assert.deepEqual([...window.clients.startingBetween(T0 + 10, T0 + 60)].map((e) => e.span.name), ['before', 'short', 'late']);
  });

  it('keeps at most maxSpans, oldest out first, and root servers apart', () => {
    const window = new SpanWindow({ ...options, maxSpans: 3 });
    for (let i = 0; i < 5; i++) window.add(span({ trace: `t${i}`, id: `${i}`, name: `r${i}`, service: 's', kind: SERVER, start: i, duration: 1 }), i);
    window.evict(5);
    assert.equal(window.size, 3);
    assert.deepEqual([...window.rootServers.startingBetween(T0, T0 + 10)].map((e) => e.span.name), ['r2', 'r3', 'r4']);
  });
});
