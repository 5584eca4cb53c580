import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { WorkspaceIndex, type WorkspaceIndexChange } from '../../../src/core/source/workspaceIndex';
import { copyShop, removeDir } from './fixtures';

describe('WorkspaceIndex', function () {
  this.timeout(30_000);
  let root: string;
  let index: WorkspaceIndex;
  const file = (relative: string): string => path.join(root, ...relative.split('/'));
  const names = (spanName: string): string[] =>
    index.spanNames.lookup(spanName).map((c) => `${path.relative(root, c.file).split(path.sep).join('/')}:${c.line}`);

  beforeEach(async () => {
    root = copyShop();
    index = new WorkspaceIndex({ roots: [root] });
    await index.indexAll();
  });
  afterEach(() => {
    index.dispose();
    removeDir(root);
  });

  it('knows every file outside skipped directories and indexes the span starts', () => {
    assert.ok(index.files.has(file('go.mod')));
    assert.ok(index.files.has(file('internal/order/service.go')));
    assert.ok(index.files.has(file('billing/src/main/java/com/acme/shop/billing/Billing.java')));
    assert.equal(index.files.has(file('vendor/github.com/other/lib/lib.go')), false);
    assert.equal(index.files.has(file('web/node_modules/lib/index.js')), false);
    assert.deepEqual(names('order.create'), ['internal/order/service.go:20']);
    assert.deepEqual(names('vendored.span'), []);
    assert.deepEqual(names('from.node_modules'), []);
    assert.equal(index.resolver.resolve('/app/vendor/github.com/other/lib/lib.go'), undefined);
  });

  it('skips hidden directories, build output and testdata', async () => {
    for (const dir of ['.git', 'dist', 'out', 'build', 'internal/order/testdata']) {
      fs.mkdirSync(file(dir), { recursive: true });
      fs.writeFileSync(file(`${dir}/gen.go`), 'package x\n\nfunc f() { t.Start(ctx, "hidden.span") }\n');
    }
    await index.indexAll();
    assert.deepEqual(names('hidden.span'), []);
  });

  it('honours exclude globs and the size limit', async () => {
    fs.writeFileSync(file('worker/big.py'), `${'# padding\n'.repeat(200)}tracer.start_span("big.span")\n`);
    const limited = new WorkspaceIndex({ roots: [root], exclude: ['legacy', 'web/**/*.tsx'], maxFileBytes: 1000 });
    await limited.indexAll();
    assert.equal(limited.spanNames.lookup('legacy.run').length, 0);
    assert.equal(limited.spanNames.lookup('cart.render').length, 0);
    assert.equal(limited.spanNames.lookup('checkout.submit').length, 1);
    // Too big to read, still a known file: a code.filepath may name it.
    assert.equal(limited.spanNames.lookup('big.span').length, 0);
    assert.ok(limited.files.has(file('worker/big.py')));
    assert.equal(index.spanNames.lookup('big.span').length, 0, 'not on disk yet when `index` was built');
    await index.updateFile(file('worker/big.py'));
    assert.equal(index.spanNames.lookup('big.span').length, 1);
  });

  it('an edited text (unsaved, passed in) moves the line and fires onDidChange', async () => {
    const events: WorkspaceIndexChange[] = [];
    index.onDidChange((e) => events.push(e));
    const service = file('internal/order/service.go');
    const text = fs.readFileSync(service, 'utf8').replace('package order\n', 'package order\n\n// Package order.\n');
    await index.updateFile(service, text);
    assert.deepEqual(names('order.create'), ['internal/order/service.go:22']);
    assert.deepEqual(events, [{ files: [service] }]);
    // The declaration lookup reads the same unsaved text.
    assert.equal(index.goDeclarations.find('github.com/acme/shop/internal/order.(*Service).Create')?.line, 21);
  });

  it('an edit that moves no span start and no Go declaration does not announce a change', async () => {
    const events: WorkspaceIndexChange[] = [];
    index.onDidChange((e) => events.push(e));
    const checkout = file('web/checkout.ts');
    await index.updateFile(checkout, `${fs.readFileSync(checkout, 'utf8')}\n// trailing comment\n`);
    assert.deepEqual(events, []);
    await index.updateFile(checkout, `// leading comment\n${fs.readFileSync(checkout, 'utf8')}`);
    assert.deepEqual(events, [{ files: [checkout] }]);
    assert.deepEqual(names('checkout.submit'), ['web/checkout.ts:9']);
    // Go files always announce: a declaration may have moved even when no span start did.
    const namesGo = file('internal/order/names.go');
    await index.updateFile(namesGo, `${fs.readFileSync(namesGo, 'utf8')}\n`);
    assert.equal(events.length, 2);
  });

  it('a directory created (or moved in) at once', async () => {
    const dir = file('internal/shipping');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'ship.go'), 'package shipping\n\nfunc Ship() {\n\t_, span := tracer.Start(ctx, "shipping.ship")\n\tspan.End()\n}\n');
    await index.updateFile(dir);
    assert.deepEqual(names('shipping.ship'), ['internal/shipping/ship.go:4']);
    assert.equal(index.goDeclarations.find('github.com/acme/shop/internal/shipping.Ship')?.line, 3);
  });

  it('a file saved to disk is re-read when updateFile gets no text', async () => {
    const run = file('legacy/run.js');
    fs.writeFileSync(run, `\n\n${fs.readFileSync(run, 'utf8')}`);
    await index.updateFile(run);
    assert.deepEqual(names('legacy.run'), ['legacy/run.js:8']);
  });

  it('a new file and a deleted file', async () => {
    const added = file('internal/payment/pay.go');
    fs.mkdirSync(path.dirname(added));
    fs.writeFileSync(added, 'package payment\n\nfunc Pay() {\n\t_, span := tracer.Start(ctx, "payment.pay")\n\tspan.End()\n}\n');
    await index.updateFile(added);
    assert.deepEqual(names('payment.pay'), ['internal/payment/pay.go:4']);
    assert.equal(index.resolver.resolve('/app/internal/payment/pay.go'), added);

    fs.rmSync(added);
    await index.updateFile(added); // a watcher's "changed" for a file that is gone
    assert.deepEqual(names('payment.pay'), []);
    assert.equal(index.files.has(added), false);
    assert.equal(index.resolver.resolve('/app/internal/payment/pay.go'), undefined);
  });

  it('removing a directory removes every file below it', () => {
    index.removeFile(file('internal/order'));
    assert.deepEqual(names('order.create'), []);
    assert.equal(index.files.has(file('internal/order/names.go')), false);
    assert.ok(index.files.has(file('internal/inventory/service.go')));
    assert.equal(index.goDeclarations.find('github.com/acme/shop/internal/order.NewService'), undefined);
  });

  it('a changed go.mod changes which import paths resolve', async () => {
    await index.updateFile(file('go.mod'), 'module example.com/renamed\n\ngo 1.22\n');
    assert.equal(index.goDeclarations.find('github.com/acme/shop/internal/order.NewService'), undefined);
    assert.equal(index.goDeclarations.find('example.com/renamed/internal/order.NewService')?.line, 14);
  });

  it('ignores files outside its roots', async () => {
    const outside = path.join(path.dirname(root), 'outside.go');
    await index.updateFile(outside, 'package x\n\nfunc f() { t.Start(ctx, "outside.span") }\n');
    assert.deepEqual(names('outside.span'), []);
    assert.equal(index.files.has(outside), false);
  });
});
