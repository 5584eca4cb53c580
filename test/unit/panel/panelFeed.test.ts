import * as assert from 'node:assert/strict';
import { Span, SpanStore } from '../../../src/core/model';
import { HostMessage, PanelBrokenLink, PanelSession } from '../../../src/core/panel/protocol';
import { toPanelSpan } from '../../../src/core/panel/toPanelSpan';
import { flattenTrace, PanelFeed, PanelTarget } from '../../../src/extension/panel/panelFeed';
import { makeSpan, NameTableLocator, spanId, traceId } from '../model/modelFixtures';

/** A webview page as the feed sees it: it keeps what it was sent. */
class RecordingPage implements PanelTarget {
  readonly messages: HostMessage[] = [];

  post(message: HostMessage): Promise<boolean> {
    this.messages.push(message);
    return Promise.resolve(true);
  }

  ofType<T extends HostMessage['type']>(type: T): Extract<HostMessage, { type: T }>[] {
    return this.messages.filter((m): m is Extract<HostMessage, { type: T }> => m.type === type);
  }

  /** Span ids the page was sent in `spans` messages, in order. */
  streamedSpanIds(): string[] {
    return this.ofType('spans').flatMap((m) => m.spans.map((s) => s.spanId));
  }
}

/** trace `t` with `n` spans: a chain, 1 → 2 → … → n (ids t*100 + i). */
function chain(t: number, n: number): Span[] {
  const spans: Span[] = [];
  for (let i = 1; i <= n; i++) {
    spans.push(makeSpan({ trace: t, id: t * 100 + i, parent: i === 1 ? undefined : t * 100 + i - 1, name: `op${i}`, startMs: 1000 + i }));
  }
  return spans;
}

describe('extension/panel/PanelFeed', () => {
  let store: SpanStore;
  let feed: PanelFeed;
  let maxSpans: number;
  let brokenLinks: PanelBrokenLink[];
  let sessions: PanelSession[];

  beforeEach(() => {
    maxSpans = 1000;
    brokenLinks = [];
    sessions = [];
    const locator = new NameTableLocator({ op1: { file: '/ws/main.go', line: 7 } });
    store = new SpanStore({ maxSpans: 1000, locator });
    feed = new PanelFeed({
      store,
      toPanelSpan: (span) => toPanelSpan(span, (s) => locator.locate(s), (file) => file.replace('/ws/', '')),
      maxSpans: () => maxSpans,
      brokenLinks: () => brokenLinks,
      sessions: () => sessions,
    });
  });

  afterEach(() => feed.dispose());

  /** What the receiver does: the store takes the batch, then the feed hears of it. */
  function receive(spans: Span[]): void {
    store.add(spans);
    feed.spansReceived(spans);
  }

  it('resets a page that loads with the store, oldest trace first, parents before children, and the current sets', () => {
    store.add([...chain(1, 3)].reverse());
    store.add(chain(2, 2));
    brokenLinks = [{ id: 'f1', kind: 'orphan-span', code: 'SL101', message: 'm', evidence: [] }];
    sessions = [{ id: 's1', name: 'Launch', state: 'running', marks: [] }];
    const page = new RecordingPage();
    feed.ready(page);
    assert.equal(feed.liveTargets, 1);
    assert.equal(page.messages.length, 1);
    const reset = page.ofType('reset')[0];
    assert.deepEqual(reset.config, { maxSpans: 1000 });
    assert.deepEqual(
      reset.spans.map((s) => s.spanId),
      [101, 102, 103, 201, 202].map((id) => spanId(id)),
    );
    assert.equal(reset.spans[0].source?.label, 'main.go:7');
    assert.deepEqual(reset.brokenLinks, brokenLinks);
    assert.deepEqual(reset.sessions, sessions);
  });

  it('puts in a reset only the newest whole traces that fit in the cap', () => {
    store.add(chain(1, 4));
    store.add(chain(2, 3));
    store.add(chain(3, 2));
    maxSpans = 6;
    const page = new RecordingPage();
    feed.ready(page);
    const reset = page.ofType('reset')[0];
    assert.deepEqual(new Set(reset.spans.map((s) => s.traceId)), new Set([traceId(2), traceId(3)]));
    assert.equal(reset.spans.length, 5);
    assert.equal(reset.config.maxSpans, 6);
  });

  it('batches received spans into one message for every live page', async () => {
    const first = new RecordingPage();
    const second = new RecordingPage();
    feed.ready(first);
    feed.ready(second);
    receive(chain(1, 2));
    receive(chain(2, 1));
    assert.equal(first.ofType('spans').length, 0, 'nothing is sent before the interval');
    await feed.whenIdle();
    for (const page of [first, second]) {
      assert.equal(page.ofType('spans').length, 1);
      assert.deepEqual(page.streamedSpanIds(), [101, 102, 201].map((id) => spanId(id)));
    }
  });

  it('sends a burst above 2,000 spans at once', () => {
    const page = new RecordingPage();
    feed.ready(page);
    store.setMaxSpans(5000);
    receive(chain(1, 2001));
    assert.equal(page.ofType('spans').length, 1);
    assert.equal(page.ofType('spans')[0].spans.length, 2001);
  });

  it('keeps nothing back while no page is live, and stops sending to a detached page', async () => {
    receive(chain(1, 2));
    await feed.whenIdle();
    const page = new RecordingPage();
    feed.ready(page);
    assert.equal(page.ofType('reset')[0].spans.length, 2);
    assert.equal(page.ofType('spans').length, 0);
    feed.detach(page);
    assert.equal(feed.liveTargets, 0);
    receive(chain(2, 1));
    await feed.whenIdle();
    assert.equal(page.ofType('spans').length, 0);
  });

  it('sends what was pending to the other pages before resetting a page that loads', () => {
    const first = new RecordingPage();
    feed.ready(first);
    receive(chain(1, 1));
    const second = new RecordingPage();
    feed.ready(second);
    assert.deepEqual(first.streamedSpanIds(), [spanId(101)]);
    assert.deepEqual(second.streamedSpanIds(), []);
    assert.deepEqual(
      second.ofType('reset')[0].spans.map((s) => s.spanId),
      [spanId(101)],
    );
  });

  it('clearing the panel hides the traces held then, in every page, in later batches and resets; new traces show', async () => {
    const first = new RecordingPage();
    const second = new RecordingPage();
    feed.ready(first);
    feed.ready(second);
    receive(chain(1, 1));
    await feed.whenIdle();
    feed.clearPanel();
    assert.equal(first.ofType('cleared').length, 1);
    assert.equal(second.ofType('cleared').length, 1);
    assert.equal(feed.traceCount(), 0);
    assert.equal(store.totals().traces, 1, 'the store keeps the trace');

    // A late span of the cleared trace stays out; a new trace shows.
    receive([makeSpan({ trace: 1, id: 150, parent: 101 }), ...chain(2, 1)]);
    await feed.whenIdle();
    assert.deepEqual(first.streamedSpanIds(), [spanId(101), spanId(201)]);
    assert.equal(feed.traceCount(), 1);

    const third = new RecordingPage();
    feed.ready(third);
    assert.deepEqual(
      third.ofType('reset')[0].spans.map((s) => s.traceId),
      [traceId(2)],
    );
  });

  it('a store clear empties every page and forgets what the panel hid', async () => {
    const page = new RecordingPage();
    feed.ready(page);
    receive(chain(1, 1));
    feed.clearPanel();
    store.clear();
    feed.storeCleared();
    assert.equal(page.ofType('cleared').length, 2);
    receive(chain(1, 1));
    await feed.whenIdle();
    assert.deepEqual(page.streamedSpanIds(), [spanId(101)], 'the same trace id after a store clear is new data');
  });

  it('reveals a held trace in live pages, showing a cleared one again; refuses one the store does not hold', () => {
    const page = new RecordingPage();
    feed.ready(page);
    receive(chain(1, 2));
    feed.clearPanel();
    assert.equal(feed.reveal(traceId(9), undefined, false), false);
    assert.equal(feed.reveal(traceId(1), spanId(102), false), true);
    const messages = page.messages.slice(page.messages.findIndex((m) => m.type === 'cleared') + 1);
    assert.deepEqual(
      messages.map((m) => m.type),
      ['spans', 'revealTrace'],
    );
    assert.deepEqual(page.streamedSpanIds(), [spanId(101), spanId(102)]);
    assert.deepEqual(messages[1], { type: 'revealTrace', traceId: traceId(1), spanId: spanId(102) });
    assert.equal(feed.traceCount(), 1);
  });

  it('keeps a reveal for the next page that loads, after its reset, once', () => {
    store.add(chain(1, 1));
    assert.equal(feed.reveal(traceId(1), undefined, true), true);
    const page = new RecordingPage();
    feed.ready(page);
    assert.deepEqual(
      page.messages.map((m) => m.type),
      ['reset', 'revealTrace'],
    );
    assert.deepEqual(page.messages[1], { type: 'revealTrace', traceId: traceId(1) });
    const later = new RecordingPage();
    feed.ready(later);
    assert.deepEqual(
      later.messages.map((m) => m.type),
      ['reset'],
    );
  });

  it('sends broken links and sessions as whole sets to live pages only', () => {
    const page = new RecordingPage();
    feed.brokenLinksChanged();
    feed.sessionsChanged();
    feed.ready(page);
    brokenLinks = [{ id: 'f2', kind: 'detached-async', code: 'SL104', message: 'm', evidence: [{ role: 'detached', traceId: traceId(1), spanId: spanId(1) }] }];
    sessions = [{ id: 's2', name: 'Debug', state: 'stopped', marks: [{ atUnixMs: 5, kind: 'stopped', detail: 'breakpoint' }] }];
    feed.brokenLinksChanged();
    feed.sessionsChanged();
    assert.deepEqual(page.messages.slice(1), [
      { type: 'brokenLinks', brokenLinks },
      { type: 'sessions', sessions },
    ]);
  });

  it('resets every live page when asked (the cap changed)', () => {
    const page = new RecordingPage();
    feed.ready(page);
    store.add(chain(1, 3));
    maxSpans = 2;
    feed.resetAll();
    const resets = page.ofType('reset');
    assert.equal(resets.length, 2);
    assert.deepEqual(resets[1].config, { maxSpans: 2 });
    assert.equal(resets[1].spans.length, 0, 'a trace bigger than the cap is not cut');
  });

  it('keeps sending to the other pages when one page throws or rejects', async () => {
    const broken: PanelTarget = {
      post: () => {
        throw new Error('disposed');
      },
    };
    const rejecting: PanelTarget = { post: () => Promise.reject(new Error('gone')) };
    const page = new RecordingPage();
    feed.ready(broken);
    feed.ready(rejecting);
    feed.ready(page);
    receive(chain(1, 1));
    await feed.whenIdle();
    assert.deepEqual(page.streamedSpanIds(), [spanId(101)]);
  });

  it('whenIdle waits for a pending batch to be handed over', async () => {
    let handedOver = 0;
    const slow: PanelTarget = {
      post: (message) =>
        new Promise<boolean>((resolve) =>
          setImmediate(() => {
            if (message.type === 'spans') {
              handedOver += message.spans.length;
            }
            resolve(true);
          }),
        ),
    };
    feed.ready(slow);
    receive(chain(1, 3));
    await feed.whenIdle();
    assert.equal(handedOver, 3);
  });
});

describe('extension/panel/flattenTrace', () => {
  it('lists a 10,000-deep chain parents first without recursion', () => {
    const spans = chain(1, 10_000);
    const store = new SpanStore({ maxSpans: 20_000, locator: { locate: () => undefined } });
    store.add([...spans].reverse());
    const trace = store.getTrace(traceId(1));
    assert.ok(trace);
    const flat = flattenTrace(trace.roots);
    assert.equal(flat.length, 10_000);
    assert.deepEqual(
      flat.slice(0, 3).map((s) => s.name),
      ['op1', 'op2', 'op3'],
    );
    assert.equal(flat[9_999].name, 'op10000');
  });

  it('visits siblings in the assembled order', () => {
    const root = makeSpan({ trace: 2, id: 1, startMs: 0 });
    const late = makeSpan({ trace: 2, id: 3, parent: 1, startMs: 20 });
    const early = makeSpan({ trace: 2, id: 2, parent: 1, startMs: 10 });
    const grandchild = makeSpan({ trace: 2, id: 4, parent: 2, startMs: 11 });
    const store = new SpanStore({ maxSpans: 100, locator: { locate: () => undefined } });
    store.add([late, grandchild, early, root]);
    const trace = store.getTrace(traceId(2));
    assert.ok(trace);
    assert.deepEqual(
      flattenTrace(trace.roots).map((s: Span) => s.spanId),
      [1, 2, 4, 3].map((id) => spanId(id)),
    );
  });
});
