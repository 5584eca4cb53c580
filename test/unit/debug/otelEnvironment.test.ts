import * as assert from 'node:assert/strict';
import { endpointOf, InjectionInput, otelEnvironment, serviceNameFor, withResourceAttribute } from '../../../src/extension/debug/otelEnvironment';
import { parseEnvFile } from '../../../src/extension/debug/envFile';

const ENDPOINT = 'http://127.0.0.1:43187';
const TAG = '9f2c41d07be3a615';

function launch(overrides: Partial<InjectionInput>): InjectionInput {
  return { type: 'go', request: 'launch', endpoint: ENDPOINT, sessionTag: TAG, ...overrides };
}

describe('extension/debug/otelEnvironment', () => {
  for (const type of ['go', 'node', 'pwa-node', 'debugpy', 'python', 'java']) {
    it(`fills in the whole OTEL environment for a "${type}" launch with no env`, () => {
      const result = otelEnvironment(launch({ type, program: '/work/shop/order-service', workspaceFolderName: 'shop' }));
      assert.equal(result.skippedReason, undefined);
      assert.deepEqual(result.env, {
        OTEL_EXPORTER_OTLP_ENDPOINT: ENDPOINT,
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
        OTEL_TRACES_EXPORTER: 'otlp',
        OTEL_BSP_SCHEDULE_DELAY: '200',
        OTEL_SERVICE_NAME: 'order-service',
        OTEL_RESOURCE_ATTRIBUTES: `spanlens.debug.session=${TAG}`,
      });
      assert.deepEqual(result.injected, [
        'OTEL_EXPORTER_OTLP_ENDPOINT',
        'OTEL_EXPORTER_OTLP_PROTOCOL',
        'OTEL_TRACES_EXPORTER',
        'OTEL_BSP_SCHEDULE_DELAY',
        'OTEL_SERVICE_NAME',
        'OTEL_RESOURCE_ATTRIBUTES',
      ]);
      assert.deepEqual(result.keptFromUser, []);
    });
  }

  it('keeps every variable the user set, and the rest of their env', () => {
    const result = otelEnvironment(
      launch({
        env: { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_SERVICE_NAME: 'checkout', OTEL_BSP_SCHEDULE_DELAY: '1000', PORT: '8080' },
        program: '/work/shop/order',
      }),
    );
    assert.equal(result.env.OTEL_EXPORTER_OTLP_ENDPOINT, 'http://collector:4318');
    assert.equal(result.env.OTEL_SERVICE_NAME, 'checkout');
    assert.equal(result.env.OTEL_BSP_SCHEDULE_DELAY, '1000');
    assert.equal(result.env.PORT, '8080');
    assert.equal(result.env.OTEL_EXPORTER_OTLP_PROTOCOL, 'http/protobuf');
    assert.deepEqual(result.keptFromUser, ['OTEL_EXPORTER_OTLP_ENDPOINT', 'OTEL_BSP_SCHEDULE_DELAY', 'OTEL_SERVICE_NAME']);
    assert.ok(!result.injected.includes('OTEL_SERVICE_NAME'));
  });

  it('treats a null value (the user unsets the variable) as set by the user, and an empty string too', () => {
    const result = otelEnvironment(launch({ env: { OTEL_TRACES_EXPORTER: null, OTEL_SERVICE_NAME: '' }, program: '/x/api' }));
    assert.equal(result.env.OTEL_TRACES_EXPORTER, null);
    assert.ok(Object.hasOwn(result.env, 'OTEL_TRACES_EXPORTER'));
    assert.equal(result.env.OTEL_SERVICE_NAME, '');
    assert.deepEqual(result.keptFromUser, ['OTEL_TRACES_EXPORTER', 'OTEL_SERVICE_NAME']);
  });

  it('drops undefined entries and does not treat them as set', () => {
    const result = otelEnvironment(launch({ env: { OTEL_SERVICE_NAME: undefined }, program: '/x/api' }));
    assert.equal(result.env.OTEL_SERVICE_NAME, 'api');
    assert.ok(result.injected.includes('OTEL_SERVICE_NAME'));
  });

  it('counts variables from the envFile as set by the user', () => {
    const result = otelEnvironment(launch({ envFile: { OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc', OTEL_SERVICE_NAME: 'from-file' }, program: '/x/api' }));
    assert.equal(Object.hasOwn(result.env, 'OTEL_EXPORTER_OTLP_PROTOCOL'), false, 'the file value must reach the program');
    assert.equal(Object.hasOwn(result.env, 'OTEL_SERVICE_NAME'), false);
    assert.deepEqual(result.keptFromUser, ['OTEL_EXPORTER_OTLP_PROTOCOL', 'OTEL_SERVICE_NAME']);
  });

  it('a traces-specific endpoint or protocol the user set counts as their choice for the generic one', () => {
    const result = otelEnvironment(
      launch({ env: { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://jaeger:4318/v1/traces', OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'grpc' } }),
    );
    assert.equal(Object.hasOwn(result.env, 'OTEL_EXPORTER_OTLP_ENDPOINT'), false);
    assert.equal(Object.hasOwn(result.env, 'OTEL_EXPORTER_OTLP_PROTOCOL'), false);
    assert.deepEqual(result.keptFromUser, ['OTEL_EXPORTER_OTLP_ENDPOINT', 'OTEL_EXPORTER_OTLP_PROTOCOL']);
  });

  describe('OTEL_RESOURCE_ATTRIBUTES', () => {
    it('appends the session attribute to the user value in env', () => {
      const result = otelEnvironment(launch({ env: { OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment=dev,team=shop' } }));
      assert.equal(result.env.OTEL_RESOURCE_ATTRIBUTES, `deployment.environment=dev,team=shop,spanlens.debug.session=${TAG}`);
      assert.ok(result.injected.includes('OTEL_RESOURCE_ATTRIBUTES'));
    });

    it('merges with the envFile value, then the inherited one, env first', () => {
      const fromFile = otelEnvironment(launch({ envFile: { OTEL_RESOURCE_ATTRIBUTES: 'a=1' }, inheritedEnv: { OTEL_RESOURCE_ATTRIBUTES: 'b=2' } }));
      assert.equal(fromFile.env.OTEL_RESOURCE_ATTRIBUTES, `a=1,spanlens.debug.session=${TAG}`);
      const inherited = otelEnvironment(launch({ inheritedEnv: { OTEL_RESOURCE_ATTRIBUTES: 'b=2' } }));
      assert.equal(inherited.env.OTEL_RESOURCE_ATTRIBUTES, `b=2,spanlens.debug.session=${TAG}`);
      const both = otelEnvironment(launch({ env: { OTEL_RESOURCE_ATTRIBUTES: 'c=3' }, envFile: { OTEL_RESOURCE_ATTRIBUTES: 'a=1' } }));
      assert.equal(both.env.OTEL_RESOURCE_ATTRIBUTES, `c=3,spanlens.debug.session=${TAG}`);
    });

    it('a user null still gets the session attribute alone', () => {
      const result = otelEnvironment(launch({ env: { OTEL_RESOURCE_ATTRIBUTES: null }, inheritedEnv: { OTEL_RESOURCE_ATTRIBUTES: 'b=2' } }));
      assert.equal(result.env.OTEL_RESOURCE_ATTRIBUTES, `spanlens.debug.session=${TAG}`);
    });

    it('replaces a previous session tag instead of adding a second one', () => {
      assert.equal(withResourceAttribute('x=1, spanlens.debug.session=old ,y=2', 'spanlens.debug.session', 'new'), 'x=1,y=2,spanlens.debug.session=new');
      assert.equal(withResourceAttribute('', 'k', 'v'), 'k=v');
      assert.equal(withResourceAttribute(',,', 'k', 'v'), 'k=v');
      assert.equal(withResourceAttribute(undefined, 'k', 'a b,c'), 'k=a%20b%2Cc');
    });
  });

  describe('skips', () => {
    it('attach requests, leaving env untouched', () => {
      const result = otelEnvironment(launch({ request: 'attach', env: { A: '1' } }));
      assert.match(result.skippedReason ?? '', /attach/);
      assert.deepEqual(result.env, { A: '1' });
      assert.deepEqual(result.injected, []);
    });

    it('browser debugging and cppdbg', () => {
      for (const type of ['chrome', 'pwa-chrome', 'msedge', 'cppdbg']) {
        const result = otelEnvironment(launch({ type, env: {} }));
        assert.ok(result.skippedReason, type);
        assert.deepEqual(result.injected, [], type);
      }
    });

    it('unknown types without an env object, but not unknown types that have one', () => {
      const none = otelEnvironment(launch({ type: 'rdbg' }));
      assert.match(none.skippedReason ?? '', /unknown/);
      const list = otelEnvironment(launch({ type: 'rdbg', env: ['A=1'] as unknown as Record<string, string> }));
      assert.ok(list.skippedReason);
      const withEnv = otelEnvironment(launch({ type: 'rdbg', env: { RUBYOPT: '-W0' }, program: '/srv/billing/app.rb' }));
      assert.equal(withEnv.skippedReason, undefined);
      assert.equal(withEnv.env.RUBYOPT, '-W0');
      assert.equal(withEnv.env.OTEL_SERVICE_NAME, 'billing');
      assert.equal(withEnv.env.OTEL_EXPORTER_OTLP_ENDPOINT, ENDPOINT);
    });
  });

  describe('service name', () => {
    const cases: [string, Parameters<typeof serviceNameFor>[0], string | undefined][] = [
      ['a file: its name without extension', { program: '/work/shop/order/checkout.js' }, 'checkout'],
      ['a dotted file name keeps all but the extension', { program: '/w/order.service.ts' }, 'order.service'],
      ['a directory: its last segment', { program: '/work/shop/inventory/' }, 'inventory'],
      ['a Go package path', { program: 'github.com/acme/shop/cmd/order-service' }, 'order-service'],
      ['a relative Go package', { program: './cmd/payments' }, 'payments'],
      ['generic entry points name their folder', { program: '/work/shop/order-service/cmd/server/main.go' }, 'order-service'],
      ['index.js names its package folder', { program: '/work/shop/gateway/src/index.js' }, 'gateway'],
      ['Windows paths', { program: 'C:\\work\\shop\\billing\\main.py' }, 'billing'],
      ['a Python __main__ in its package', { program: '/w/ledger/__main__.py' }, 'ledger'],
      ['all generic falls back to the last name', { program: 'src/main.go' }, 'main'],
      ['Java main class', { mainClass: 'com.example.orders.OrderService' }, 'OrderService'],
      ['Java single-file launch', { mainClass: '/w/hello/Hello.java' }, 'Hello'],
      ['Python module', { module: 'orders.server' }, 'orders'],
      ['then cwd', { cwd: '/work/shop/search' }, 'search'],
      ['then the workspace folder', { workspaceFolderName: 'shop' }, 'shop'],
      ['then the configuration name', { name: 'Launch order' }, 'Launch order'],
      ['program wins over cwd and folder', { program: '/a/order', cwd: '/a', workspaceFolderName: 'ws' }, 'order'],
      ['nothing known', {}, undefined],
    ];
    for (const [title, input, expected] of cases) {
      it(title, () => assert.equal(serviceNameFor(input), expected));
    }

    it('is left unset when nothing names the service', () => {
      const result = otelEnvironment(launch({}));
      assert.equal(Object.hasOwn(result.env, 'OTEL_SERVICE_NAME'), false);
      assert.ok(!result.injected.includes('OTEL_SERVICE_NAME'));
    });
  });
});

describe('extension/debug/otelEnvironment endpointOf', () => {
  it('turns the receiver address into the exporter endpoint', () => {
    assert.equal(endpointOf('127.0.0.1:4318'), 'http://127.0.0.1:4318');
    assert.equal(endpointOf('http://127.0.0.1:4318'), 'http://127.0.0.1:4318');
    assert.equal(endpointOf('0.0.0.0:4318'), 'http://127.0.0.1:4318');
    assert.equal(endpointOf('[::]:4318'), 'http://[::1]:4318');
    assert.equal(endpointOf('[::1]:5000'), 'http://[::1]:5000');
    assert.equal(endpointOf(''), undefined);
    assert.equal(endpointOf(undefined), undefined);
  });
});

describe('extension/debug/envFile', () => {
  it('reads dotenv lines: export, comments, quotes, blanks', () => {
    const vars = parseEnvFile(
      [
        '# comment',
        '',
        'OTEL_SERVICE_NAME=orders',
        'export OTEL_EXPORTER_OTLP_ENDPOINT = http://collector:4318',
        'QUOTED="a # not a comment"',
        "SINGLE='x\\ny'",
        'DOUBLE="x\\ny"',
        'TRAILING=value # comment',
        'EMPTY=',
        'not a line',
      ].join('\r\n'),
    );
    assert.deepEqual(vars, {
      OTEL_SERVICE_NAME: 'orders',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318',
      QUOTED: 'a # not a comment',
      SINGLE: 'x\\ny',
      DOUBLE: 'x\ny',
      TRAILING: 'value',
      EMPTY: '',
    });
  });
});
