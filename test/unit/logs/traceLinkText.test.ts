import * as assert from 'node:assert/strict';
import { assembleTrace } from '../../../src/core/model';
import { FINDING_CODES } from '../../../src/core/propagation';
import type { Finding } from '../../../src/core/propagation';
import { COMMANDS } from '../../../src/extension/commandIds';
import { revealTraceUri, summarizeTrace, TRACE_LINK_COMMANDS, traceHoverMarkdown, traceLinkTooltip } from '../../../src/extension/traceLinks/traceLinkText';
import { makeSpan, spanId, traceId } from '../model/modelFixtures';

const T = traceId('4bf92f35');
const START = 1_700_000_000_000;

const trace = assembleTrace(T, [
  makeSpan({ trace: '4bf92f35', id: 2, parent: 1, name: 'inventory.Reserve', service: 'inventory-service', startMs: START + 2, durationMs: 5 }),
  makeSpan({ trace: '4bf92f35', id: 1, name: 'POST /orders', service: 'order-service', startMs: START, durationMs: 12 }),
  makeSpan({ trace: '4bf92f35', id: 3, parent: 1, name: 'db.query', service: 'order-service', startMs: START + 8, durationMs: 2, error: true }),
]);

function finding(kind: Finding['kind'], message: string, traceIds: string[]): Finding {
  return {
    id: `${kind}:${message}`,
    kind,
    code: FINDING_CODES[kind],
    location: undefined,
    message,
    why: 'why',
    confidence: 0.5,
    occurrences: 1,
    traceIds,
    evidence: [],
    firstSeenUnixMs: START,
    lastSeenUnixMs: START,
  };
}

/** Backslash escapes removed, as a reader sees the text. */
const plain = (md: string): string => md.replace(/\\([!-/:-@[-`{-~])/g, '$1');

describe('extension/traceLinks/traceLinkText', () => {
  it('summarizes the trace from its root', () => {
    const summary = summarizeTrace(trace, [], spanId(3));
    assert.deepEqual(summary, {
      traceId: T,
      rootName: 'POST /orders',
      service: 'order-service',
      services: ['inventory-service', 'order-service'],
      durationMs: 12,
      spanCount: 3,
      errorCount: 1,
      rootMissing: false,
      brokenLinks: [],
      span: { name: 'db.query', service: 'order-service', durationMs: 2, error: true },
    });
  });

  it('says when the root has not arrived: the earliest waiting span stands in', () => {
    const partial = assembleTrace(T, [
      makeSpan({ trace: '4bf92f35', id: 5, parent: 9, name: 'late', service: 'b', startMs: START + 5 }),
      makeSpan({ trace: '4bf92f35', id: 4, parent: 9, name: 'early', service: 'a', startMs: START }),
    ]);
    const summary = summarizeTrace(partial, []);
    assert.equal(summary.rootMissing, true);
    assert.equal(summary.rootName, 'early');
    assert.match(plain(traceHoverMarkdown(summary)), /root not received yet, first span \*\*early\*\*/);
  });

  it('counts the findings whose evidence includes the trace', () => {
    const findings = [
      finding('disconnected-server', 'inventory-service started a new trace', [T, traceId('ffff')]),
      finding('orphan-span', 'unrelated', [traceId('eeee')]),
      finding('detached-async', 'goroutine lost its context', [T]),
    ];
    const summary = summarizeTrace(trace, findings);
    assert.deepEqual(summary.brokenLinks, [
      { code: 'SL102', message: 'inventory-service started a new trace' },
      { code: 'SL104', message: 'goroutine lost its context' },
    ]);
    assert.equal(traceLinkTooltip(summary), 'Open trace in Span Lens (order-service · POST /orders · 12 ms · 2 broken links)');
    const text = plain(traceHoverMarkdown(summary));
    assert.match(text, /\$\(warning\) 2 broken links:\n- SL102 inventory-service started a new trace\n- SL104 goroutine lost its context/);
  });

  it('lists the first broken links and how many more', () => {
    const findings = [1, 2, 3, 4, 5].map((n) => finding('orphan-span', `message ${n}`, [T]));
    const text = plain(traceHoverMarkdown(summarizeTrace(trace, findings)));
    assert.match(text, /5 broken links/);
    assert.match(text, /message 3/);
    assert.doesNotMatch(text, /message 4/);
    assert.match(text, /and 2 more/);
  });

  it('the tooltip is plain, one line, clipped', () => {
    const long = assembleTrace(T, [makeSpan({ trace: '4bf92f35', id: 1, name: `GET\n/${'x'.repeat(200)}`, service: 'svc', durationMs: 1500 })]);
    const tooltip = traceLinkTooltip(summarizeTrace(long, []));
    assert.doesNotMatch(tooltip, /\n/);
    assert.ok(tooltip.length < 130, tooltip);
    assert.match(tooltip, /^Open trace in Span Lens \(svc · GET \/x+… · 1\.5 s\)$/);
  });

  it('the hover: service, root, duration, span count, errors, services, the span, and a link that reveals it', () => {
    const md = traceHoverMarkdown(summarizeTrace(trace, [], spanId(2)), spanId(2));
    const text = plain(md);
    assert.match(text, /Span Lens · trace 00000000/);
    assert.match(text, /\*\*order-service\*\* · root \*\*POST \/orders\*\* · 12 ms · 3 spans · \$\(error\) 1 error/);
    assert.match(text, /Services: inventory-service, order-service/);
    assert.match(text, /This span: \*\*inventory\.Reserve\*\* · inventory-service · 5 ms/);
    assert.ok(md.includes(`[Open in Span Lens](${revealTraceUri(T, spanId(2))})`), md);
  });

  it('escapes span names and messages: no link, HTML or emphasis survives', () => {
    const hostile = assembleTrace(T, [
      makeSpan({ trace: '4bf92f35', id: 1, name: '[click](command:workbench.action.terminal.new) <img src=x onerror=alert(1)> **bold**', service: 'svc<script>' }),
    ]);
    const md = traceHoverMarkdown(summarizeTrace(hostile, [finding('orphan-span', '[x](https://evil.example)', [T])]));
    assert.doesNotMatch(md, /(?<!\\)\[click\]/);
    assert.doesNotMatch(md, /(?<!\\)<img/);
    assert.doesNotMatch(md, /(?<!\\)<script/);
    assert.doesNotMatch(md, /\]\(https:\/\/evil/);
    assert.ok(md.includes('\\[click\\]\\(command\\:workbench'), md);
    // The only command link is ours.
    const commands = [...md.matchAll(/\]\(command:([^?)]+)/g)].map((m) => m[1]);
    assert.deepEqual(commands, [COMMANDS.revealTraceInPanel]);
  });

  it('reveal links carry the trace id, and the span id when known', () => {
    assert.equal(revealTraceUri(T), `command:spanLens.revealTraceInPanel?${encodeURIComponent(JSON.stringify([T]))}`);
    assert.equal(revealTraceUri(T, spanId(2)), `command:spanLens.revealTraceInPanel?${encodeURIComponent(JSON.stringify([T, spanId(2)]))}`);
    assert.deepEqual(TRACE_LINK_COMMANDS, ['spanLens.revealTraceInPanel']);
  });
});
