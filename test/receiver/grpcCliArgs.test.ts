/** `spanlens receive` flags for the gRPC receiver (beside the CLI's own args tests, which predate gRPC). */
import assert from 'node:assert/strict';
import { parseArgs, UsageError } from '../../src/cli/args';

function receiveOptions(argv: string[]): Record<string, unknown> {
  const command = parseArgs(['receive', ...argv], '/work/app');
  assert.equal(command.kind, 'receive');
  return command.kind === 'receive' ? { ...command.options } : {};
}

describe('spanlens receive: gRPC flags', () => {
  it('leaves the gRPC port to the default unless given', () => {
    const options = receiveOptions([]);
    assert.equal(options.grpcPort, undefined);
    assert.equal(options.noGrpc, undefined);
  });

  it('takes --grpc-port P (0 = any) in both spellings', () => {
    assert.equal(receiveOptions(['--grpc-port', '0']).grpcPort, 0);
    assert.equal(receiveOptions(['--grpc-port=14317']).grpcPort, 14317);
  });

  it('takes --no-grpc, and refuses it together with --grpc-port or a bad port', () => {
    assert.equal(receiveOptions(['--no-grpc']).noGrpc, true);
    assert.throws(() => parseArgs(['receive', '--no-grpc', '--grpc-port', '1'], '/'), UsageError);
    assert.throws(() => parseArgs(['receive', '--grpc-port', '70000'], '/'), UsageError);
    assert.throws(() => parseArgs(['receive', '--grpc-port'], '/'), UsageError);
  });
});
