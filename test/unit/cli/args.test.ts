import assert from 'node:assert/strict';
import { DEFAULT_MAX_SPANS, UsageError, parseArgs } from '../../../src/cli/args';

describe('spanlens argument parsing', () => {
  it('fills defaults for receive', () => {
    assert.deepEqual(parseArgs(['receive'], '/work/app'), {
      kind: 'receive',
      options: { host: '127.0.0.1', httpPort: 4318, workspace: '/work/app', maxSpans: DEFAULT_MAX_SPANS },
    });
  });

  it('reads every option, in both --name value and --name=value forms', () => {
    const command = parseArgs(['receive', '--host', '0.0.0.0', '--http-port=0', '--workspace', 'svc', '--report=out/r.json', '--max-spans', '250'], '/cwd');
    assert.deepEqual(command, {
      kind: 'receive',
      options: { host: '0.0.0.0', httpPort: 0, workspace: 'svc', report: 'out/r.json', maxSpans: 250 },
    });
  });

  it('reads the number of decode workers, 1 to 16', () => {
    const command = parseArgs(['receive', '--decode-workers', '3'], '/cwd');
    assert.equal(command.kind === 'receive' && command.options.decodeWorkers, 3);
    assert.throws(() => parseArgs(['receive', '--decode-workers', '0'], '/cwd'), /between 1 and 16/);
    assert.throws(() => parseArgs(['receive', '--decode-workers', '17'], '/cwd'), /between 1 and 16/);
    assert.throws(() => parseArgs(['receive', '--decode-workers'], '/cwd'), /--decode-workers needs a value/);
  });

  it('reads CORS origins, comma-separated, and * for any', () => {
    const command = parseArgs(['receive', '--cors-origin', 'http://localhost:5173, https://app.example:8443'], '/cwd');
    assert.equal(command.kind, 'receive');
    assert.deepEqual(command.kind === 'receive' && command.options.corsAllowedOrigins, ['http://localhost:5173', 'https://app.example:8443']);
    const any = parseArgs(['receive', '--cors-origin=*'], '/cwd');
    assert.deepEqual(any.kind === 'receive' && any.options.corsAllowedOrigins, ['*']);
  });

  it('recognises help and version wherever they appear', () => {
    assert.deepEqual(parseArgs(['--help'], '/'), { kind: 'help' });
    assert.deepEqual(parseArgs(['receive', '-h'], '/'), { kind: 'help' });
    assert.deepEqual(parseArgs(['help'], '/'), { kind: 'help' });
    assert.deepEqual(parseArgs(['--version'], '/'), { kind: 'version' });
    assert.deepEqual(parseArgs(['-v'], '/'), { kind: 'version' });
  });

  const bad: [string[], RegExp][] = [
    [[], /missing command/],
    [['lint'], /unknown command lint/],
    [['--verbose'], /unknown option --verbose/],
    [['receive', '--port', '80'], /unknown option --port/],
    [['receive', '--report'], /--report needs a value/],
    [['receive', '--host='], /--host needs a value/],
    [['receive', '--http-port', '-1'], /whole number/],
    [['receive', '--http-port', '4318.5'], /whole number/],
    [['receive', '--http-port', '65536'], /between 0 and 65535/],
    [['receive', '--max-spans', '0'], /between 1 and/],
    [['receive', '--host', 'a', '--host', 'b'], /given twice/],
    [['receive', 'now'], /unexpected argument now/],
    [['receive', '--cors-origin', 'http://localhost:5173/app'], /no path/],
    [['receive', '--cors-origin', 'localhost'], /origins like/],
    [['receive', '--cors-origin', ' , '], /--cors-origin needs a value/],
  ];
  for (const [argv, message] of bad) {
    it(`refuses ${JSON.stringify(argv)}`, () => {
      assert.throws(() => parseArgs(argv, '/'), (error: unknown) => error instanceof UsageError && message.test(error.message));
    });
  }
});
