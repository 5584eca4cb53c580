import * as assert from 'node:assert/strict';
import * as path from 'path';
import { parseGoFunctionName } from '../../../src/core/source/goDeclarations';
import { WorkspaceIndex } from '../../../src/core/source/workspaceIndex';
import { SHOP, shopFile } from './fixtures';

describe('parseGoFunctionName', () => {
  const cases: Array<[string, ReturnType<typeof parseGoFunctionName>]> = [
    ['github.com/acme/shop/internal/order.(*Service).Create', { importPath: 'github.com/acme/shop/internal/order', receiver: 'Service', name: 'Create' }],
    ['github.com/acme/shop/internal/order.Service.Validate', { importPath: 'github.com/acme/shop/internal/order', receiver: 'Service', name: 'Validate' }],
    ['main.handle', { importPath: 'main', name: 'handle' }],
    ['github.com/acme/shop/cmd/order.main.func1', { importPath: 'github.com/acme/shop/cmd/order', name: 'main' }],
    ['github.com/acme/shop/internal/order.process.func1.2', { importPath: 'github.com/acme/shop/internal/order', name: 'process' }],
    ['github.com/acme/shop/internal/order.(*Service).Create.func3', { importPath: 'github.com/acme/shop/internal/order', receiver: 'Service', name: 'Create' }],
    ['github.com/acme/shop/internal/order.process.gowrap1', { importPath: 'github.com/acme/shop/internal/order', name: 'process' }],
    ['github.com/acme/shop/internal/inventory.(*Stock[...]).Add', { importPath: 'github.com/acme/shop/internal/inventory', receiver: 'Stock', name: 'Add' }],
    ['github.com/acme/shop/internal/order.(*Service).Create-fm', { importPath: 'github.com/acme/shop/internal/order', receiver: 'Service', name: 'Create' }],
    ['gopkg.in/yaml%2ev3.Marshal', { importPath: 'gopkg.in/yaml.v3', name: 'Marshal' }],
    ['example.com/m.init.0', { importPath: 'example.com/m', name: 'init' }],
  ];
  for (const [input, expected] of cases) {
    it(input, () => assert.deepEqual(parseGoFunctionName(input), expected));
  }

  it('rejects what is not a Go symbol', () => {
    assert.equal(parseGoFunctionName('handle'), undefined);
    assert.equal(parseGoFunctionName(''), undefined);
    assert.equal(parseGoFunctionName('github.com/acme/shop/internal/order.(*).X'), undefined);
  });
});

describe('GoDeclarations over the fixture module', function () {
  this.timeout(20_000);
  let index: WorkspaceIndex;
  before(async () => {
    index = new WorkspaceIndex({ roots: [SHOP] });
    await index.indexAll();
  });

  const at = (fn: string, tokens?: string[]): string | undefined => {
    const d = index.goDeclarations.find(fn, tokens);
    return d && `${path.relative(SHOP, d.file).split(path.sep).join('/')}:${d.line}`;
  };

  it('pointer and value receivers -> the method declaration of that receiver type', () => {
    assert.equal(at('github.com/acme/shop/internal/order.(*Service).Create'), 'internal/order/service.go:19');
    assert.equal(at('github.com/acme/shop/internal/order.Service.Validate'), 'internal/order/service.go:33');
    assert.equal(at('github.com/acme/shop/internal/order.(*Service).persist'), 'internal/order/service.go:26');
    // Same method name, wrong receiver type: no match.
    assert.equal(at('github.com/acme/shop/internal/order.(*Other).Create'), undefined);
  });

  it('plain functions, generic receivers', () => {
    assert.equal(at('github.com/acme/shop/internal/order.NewService'), 'internal/order/service.go:14');
    assert.equal(at('github.com/acme/shop/internal/inventory.Reserve'), 'internal/inventory/service.go:11');
    assert.equal(at('github.com/acme/shop/internal/inventory.(*Stock[...]).Add'), 'internal/inventory/service.go:18');
  });

  it('closures map to their enclosing declaration', () => {
    assert.equal(at('github.com/acme/shop/cmd/order.main.func1'), 'cmd/order/main.go:7');
    assert.equal(at('github.com/acme/shop/internal/order.process.func1'), 'internal/order/service.go:40');
  });

  it('package main as the runtime names it: the service name picks between several main packages', () => {
    assert.equal(at('main.handle', ['inventory']), 'cmd/inventory/main.go:9');
    assert.equal(at('main.handle', ['order']), 'cmd/order/main.go:14');
    // No hint: deterministic, the first by path.
    assert.equal(at('main.handle'), 'cmd/inventory/main.go:9');
  });

  it('packages outside the module or missing declarations give nothing', () => {
    assert.equal(at('github.com/other/lib.Do'), undefined);
    assert.equal(at('github.com/acme/shop/internal/order.Missing'), undefined);
  });

  it('falls back to matching the import path suffix when no go.mod claims it', async () => {
    const sub = new WorkspaceIndex({ roots: [shopFile('internal')] });
    await sub.indexAll();
    const d = sub.goDeclarations.find('github.com/acme/shop/internal/order.(*Service).Create');
    assert.equal(d?.file, shopFile('internal/order/service.go'));
    assert.equal(d?.line, 19);
  });
});
