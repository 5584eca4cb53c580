import * as assert from 'node:assert/strict';
import { FINDING_CODES } from '../../../../src/core/propagation';
import type { Finding } from '../../../../src/core/propagation';
import { COMMANDS } from '../../../../src/extension/commandIds';
import { findingHoverMarkdown } from '../../../../src/extension/findings/findingHoverText';
import { commandUri } from '../../../../src/extension/markdownText';

const NOW = 1_700_000_100_000;
const CALLER_TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const CALLEE_TRACE = '0af7651916cd43dd8448eb211c80319c';

const disconnected: Finding = {
  id: 'disconnected-server:/shop/order/service.go:36',
  kind: 'disconnected-server',
  code: FINDING_CODES['disconnected-server'],
  location: { file: '/shop/order/service.go', line: 36, via: 'span-name' },
  message: 'inventory-service started a new trace for a call made here: the trace context was not injected.',
  why: 'The request is split into two unrelated traces.\nLatency and errors downstream are no longer charged to the caller.',
  confidence: 0.84,
  occurrences: 2,
  traceIds: [CALLER_TRACE, CALLEE_TRACE, 'ffffffffffffffffffffffffffffffff'],
  evidence: [
    { role: 'caller', traceId: CALLER_TRACE, spanId: '00f067aa0ba902b7', service: 'order-service', name: 'order.Create', startTimeUnixMs: NOW - 3000, durationMs: 12 },
    { role: 'callee', traceId: CALLEE_TRACE, spanId: '53995c3f42cd8ad8', service: 'inventory-service', name: 'GET /stock/:sku', startTimeUnixMs: NOW - 3000 + 3.1, durationMs: 5 },
  ],
  firstSeenUnixMs: NOW - 10_000,
  lastSeenUnixMs: NOW - 3000,
};

/** Backslash escapes removed, as a reader sees the text. */
const plain = (md: string): string => md.replace(/\\([!-/:-@[-`{-~])/g, '$1');

describe('extension/findings/findingHoverText', () => {
  it('explains the evidence: both spans, both traces, services, timing, and why it matters', () => {
    const md = findingHoverMarkdown([disconnected], NOW);
    const text = plain(md);
    assert.match(text, /SL102 · downstream started a new trace/);
    assert.ok(text.includes(disconnected.message), text);
    assert.match(text, /2 occurrences · confidence 84% · last 3 s ago/);
    assert.match(text, /caller \*\*order\.Create\*\* · order-service · trace 4bf92f35 · 12 ms · started 3 s ago/);
    assert.match(text, /callee \*\*GET \/stock\/:sku\*\* · inventory-service · trace 0af76519 · 5 ms · started \+3\.1 ms after the caller/);
    assert.match(text, /Why this matters:\*\* The request is split into two unrelated traces\. {2}\nLatency and errors/);
    assert.ok(md.includes(`(${commandUri(COMMANDS.openTrace, [CALLER_TRACE])})`), 'a link opens the caller trace');
    assert.ok(md.includes(`(${commandUri(COMMANDS.openTrace, [CALLEE_TRACE])})`), 'a link opens the callee trace');
    assert.match(text, /Also in 1 other trace: \[ffffffff\]/);
    assert.ok(md.includes('https://github.com/span-lens/span-lens/blob/main/docs/broken-links.md#sl102-disconnected-server'));
  });

  it('escapes telemetry text so it cannot add links, commands or HTML', () => {
    const hostile: Finding = {
      ...disconnected,
      message: 'x [run](command:spanLens.clearData) <img src=x>',
      evidence: [{ ...disconnected.evidence[0], name: '[evil](command:spanLens.clearData)', service: '<b>svc</b> $(zap)' }],
    };
    const md = findingHoverMarkdown([hostile], NOW);
    assert.equal(md.includes('](command:spanLens.clearData'), false, md);
    assert.equal(/(^|[^\\])<(img|b)/.test(md), false, md);
    assert.equal(md.includes('\\$\\(zap\\)'), true, md);
    const commands = [...md.matchAll(/\]\(command:([\w.]+)/g)].map((m) => m[1]);
    assert.ok(commands.length > 0 && commands.every((c) => c === COMMANDS.openTrace), commands.join());
  });

  it('lists every finding on the line', () => {
    const orphan: Finding = { ...disconnected, id: 'o', kind: 'orphan-span', code: 'SL101', evidence: [] };
    const text = plain(findingHoverMarkdown([disconnected, orphan], NOW));
    assert.match(text, /SL102[\s\S]+---[\s\S]+SL101 · parent span never arrived/);
  });
});
