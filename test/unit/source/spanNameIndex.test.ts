import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { SpanNameIndex } from '../../../src/core/source/spanNameIndex';
import { TreeSitter } from '../../../src/core/source/treeSitter';
import { SHOP, shopFile } from './fixtures';

const SOURCES = [
  'internal/order/service.go',
  'internal/order/names.go',
  'internal/inventory/service.go',
  'cmd/order/main.go',
  'web/checkout.ts',
  'web/cart.tsx',
  'legacy/run.js',
  'worker/tasks.py',
  'billing/src/main/java/com/acme/shop/billing/Billing.java',
];

async function indexShop(): Promise<SpanNameIndex> {
  const index = new SpanNameIndex(new TreeSitter());
  for (const relative of SOURCES) {
    const file = shopFile(relative);
    await index.updateFile(file, fs.readFileSync(file, 'utf8'));
  }
  return index;
}

function where(index: SpanNameIndex, name: string): string[] {
  return index.lookup(name).map((c) => `${path.relative(SHOP, c.file).split(path.sep).join('/')}:${c.line}:${c.language}`);
}

describe('SpanNameIndex', function () {
  this.timeout(20_000);
  let index: SpanNameIndex;
  before(async () => {
    index = await indexShop();
  });

  it('Go: tracer.Start(ctx, "literal") on any receiver, at the line of the call', () => {
    assert.deepEqual(where(index, 'order.create'), ['internal/order/service.go:20:go']);
    const [candidate] = index.lookup('order.create');
    // `\tctx, span := s.tracer.Start(`: the call expression starts at `s`.
    assert.equal(candidate.column, 15);
  });

  it('Go: a name passed as a constant of the same file or of another file of the package', () => {
    assert.deepEqual(where(index, 'order.validate'), ['internal/order/service.go:34:go']);
    assert.deepEqual(where(index, 'order.persist'), ['internal/order/service.go:27:go']);
  });

  it('one name started in several places and languages: every call site, ordered by file then line', () => {
    assert.deepEqual(where(index, 'process'), [
      'internal/inventory/service.go:12:go',
      // otel.Tracer("order").\n Start(ctx, `process`): the line of `.Start(`, not of the chain's beginning.
      'internal/order/service.go:43:go',
      'web/checkout.ts:15:typescript',
      'worker/tasks.py:7:python',
    ]);
  });

  it('TypeScript, TSX and JavaScript: startActiveSpan / startSpan with a string or a plain template', () => {
    assert.deepEqual(where(index, 'checkout.submit'), ['web/checkout.ts:8:typescript']);
    assert.deepEqual(where(index, 'cart.render'), ['web/cart.tsx:2:typescript']);
    assert.deepEqual(where(index, 'legacy.run'), ['legacy/run.js:6:javascript']);
    assert.deepEqual(where(index, 'checkout.${id}'), []);
  });

  it('Python: start_as_current_span (also as a decorator), start_span(name=...), f-strings skipped', () => {
    assert.deepEqual(where(index, 'worker.cleanup'), ['worker/tasks.py:11:python']);
    assert.deepEqual(where(index, 'worker.named'), ['worker/tasks.py:17:python']);
    assert.deepEqual(where(index, 'worker.{kind}'), []);
  });

  it('Java: tracer.spanBuilder("name")', () => {
    assert.deepEqual(where(index, 'billing.charge'), [
      'billing/src/main/java/com/acme/shop/billing/Billing.java:14:java',
    ]);
  });

  it('does not invent names: a Go Start whose second argument is not a string, an unknown name', () => {
    assert.deepEqual(where(index, 'order'), []);
    assert.deepEqual(where(index, 'no.such.span'), []);
  });

  it('follows edits: the line moves, a renamed constant renames the span, a removed file is gone', async () => {
    const local = await indexShop();
    const service = shopFile('internal/order/service.go');
    const text = fs.readFileSync(service, 'utf8');
    await local.updateFile(service, text.replace('// Create starts the span with a literal name.\n', '// Create.\n//\n// More.\n'));
    assert.deepEqual(where(local, 'order.create'), ['internal/order/service.go:22:go']);

    await local.updateFile(shopFile('internal/order/names.go'), 'package order\n\nconst persistSpanName = "order.save"\n');
    assert.deepEqual(where(local, 'order.persist'), []);
    assert.deepEqual(where(local, 'order.save'), ['internal/order/service.go:29:go']);

    local.removeFile(service);
    assert.deepEqual(where(local, 'order.create'), []);
    assert.deepEqual(where(local, 'order.save'), []);
  });

  it('a file whose new text starts no spans leaves the index', async () => {
    const local = await indexShop();
    await local.updateFile(shopFile('legacy/run.js'), 'module.exports = {};\n');
    assert.deepEqual(where(local, 'legacy.run'), []);
  });

  it('skips the parse when the text cannot contain a span start', () => {
    assert.equal(SpanNameIndex.mightContainSpanStarts('a.py', 'import os\nprint(1)\n'), false);
    assert.equal(SpanNameIndex.mightContainSpanStarts('a.py', 'tracer.start_span("x")'), true);
    assert.equal(SpanNameIndex.mightContainSpanStarts('a.go', 'package a\n\nfunc f() { g.Start(ctx, "x") }'), true);
    assert.equal(SpanNameIndex.mightContainSpanStarts('a.go', 'package a\n\nconst n = "x"\n'), true);
    assert.equal(SpanNameIndex.mightContainSpanStarts('a.go', 'package a\n\nfunc f() {}\n'), false);
    assert.equal(SpanNameIndex.mightContainSpanStarts('a.rb', 'tracer.in_span("x")'), false);
  });
});
