import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { SpanStore } from '../../../src/core/model';
import type { Span, SpanLocator } from '../../../src/core/model';
import { buildReport, writeReportAtomically } from '../../../src/cli/report';
import { PropagationDetector } from '../../../src/core/propagation';

const root = path.join(tmpdir(), 'workspace-root');
const resource = { attributes: { 'service.name': 'api' }, serviceName: 'api' };

function span(id: number, traceId: string, durationMs: number, error = false, line = 10): Span {
  return {
    traceId,
    spanId: id.toString(16).padStart(16, '0'),
    parentSpanId: '',
    traceState: '',
    name: 'op',
    kind: 1,
    startTimeUnixMs: 1_700_000_000_000 + id,
    durationMs,
    attributes: { line },
    events: [],
    links: [],
    status: { code: error ? 2 : 0, message: '' },
    resource,
    scope: { name: 's', version: '' },
  };
}

/** Places each span on src/handlers/orders.go at the line its `line` attribute names. */
const byLineAttribute: SpanLocator = {
  locate: (s) => ({ file: path.join(root, 'src', 'handlers', 'orders.go'), line: Number(s.attributes.line), via: 'code-attributes' }),
};

describe('spanlens report', () => {
  it('reports per-line statistics with workspace-relative posix paths and counts drops', () => {
    const store = new SpanStore({ maxSpans: 3, locator: byLineAttribute });
    const trace = (n: number): string => n.toString(16).padStart(32, '0');
    store.add([span(1, trace(1), 4), span(2, trace(1), 8, true), span(3, trace(2), 2, false, 20)]);
    store.add([span(4, trace(3), 6, false, 20)]);
    const report = buildReport({ store, findings: [], workspaceRoot: root, rejectedSpans: 2 });
    assert.equal(report.spans, 4);
    assert.equal(report.traces, 3);
    // Trace 1 (2 spans) was evicted to stay within 3 spans; 2 were rejected upstream.
    assert.equal(report.dropped, 4);
    assert.deepEqual(report.services, ['api']);
    assert.deepEqual(
      report.locations.map(({ file, line, count, errors }) => ({ file, line, count, errors })),
      [
        { file: 'src/handlers/orders.go', line: 10, count: 2, errors: 1 },
        { file: 'src/handlers/orders.go', line: 20, count: 2, errors: 0 },
      ],
    );
    assert.ok(report.locations[0].p95Ms >= report.locations[0].p50Ms);
    assert.ok(report.locations[0].p50Ms > 0);
  });

  it('reports each finding once with its kind, workspace-relative line and traces, null where nothing maps', () => {
    const store = new SpanStore({ maxSpans: 100, locator: byLineAttribute });
    // Line 0 maps nowhere: the locator below leaves it unplaced.
    const locator: SpanLocator = { locate: (s) => (Number(s.attributes.line) > 0 ? byLineAttribute.locate(s) : undefined) };
    const detector = new PropagationDetector({ locator, graceMs: 5000 });
    const trace = (n: number): string => n.toString(16).padStart(32, 'a');
    // Two orphans at line 30 (their parents never arrive), one unmappable orphan, and a whole two-span trace.
    const orphan = (id: number, t: string, line: number): Span => ({ ...span(id, t, 3, false, line), parentSpanId: 'f'.repeat(16) });
    const parent = span(10, trace(3), 9, false, 40);
    const child = { ...span(11, trace(3), 2, false, 41), parentSpanId: parent.spanId };
    const spans = [orphan(1, trace(1), 30), orphan(2, trace(2), 30), orphan(3, trace(4), 0), child, parent];
    store.add(spans);
    detector.add(spans);
    detector.settleAll();
    const report = buildReport({ store, findings: detector.findings(), workspaceRoot: root, rejectedSpans: 0 });
    const shape = report.findings.map(({ kind, file, line, traceIds }) => ({ kind, file, line, traceIds: [...traceIds].sort() }));
    assert.deepEqual(
      shape.sort((a, b) => String(a.file).localeCompare(String(b.file))),
      [
        { kind: 'orphan-span', file: null, line: null, traceIds: [trace(4)] },
        { kind: 'orphan-span', file: 'src/handlers/orders.go', line: 30, traceIds: [trace(1), trace(2)] },
      ].sort((a, b) => String(a.file).localeCompare(String(b.file))),
    );
    for (const finding of report.findings) {
      assert.ok(finding.confidence > 0 && finding.confidence <= 1, JSON.stringify(finding));
      assert.ok(finding.message.length > 20, finding.message);
    }
    const twice = report.findings.find((f) => f.line === 30);
    const once = report.findings.find((f) => f.line === null);
    assert.ok(twice && once && twice.confidence > once.confidence, 'confidence grows with occurrences');
    detector.dispose();
  });

  it('replaces the report file atomically, leaving no temporary file', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'spanlens-report-'));
    try {
      const file = path.join(dir, 'report.json');
      writeFileSync(file, 'old');
      const report = { spans: 1, traces: 1, dropped: 0, services: ['a'], locations: [], findings: [] };
      await writeReportAtomically(file, report);
      assert.deepEqual(JSON.parse(readFileSync(file, 'utf8')), report);
      assert.deepEqual(readdirSync(dir), ['report.json']);
      await assert.rejects(writeReportAtomically(path.join(dir, 'missing', 'report.json'), report));
      assert.deepEqual(readdirSync(dir), ['report.json']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
