/** The headless `spanlens receive` as a child process: started on a free port, stopped with SIGTERM, report read back. */
import { readFileSync } from 'node:fs';
import type { SpanLensReport } from '../../../src/cli/report';
import { describeExit, ManagedProcess, ProcessGroup } from './processes';
import { CLI_MAIN } from './repo';

export type { SpanLensReport };

export class CliReceiver {
  private constructor(
    private readonly process: ManagedProcess,
    private readonly reportFile: string,
    /** `http://127.0.0.1:PORT`: the value for OTEL_EXPORTER_OTLP_ENDPOINT. */
    readonly endpoint: string,
  ) {}

  static async start(group: ProcessGroup, workspace: string, reportFile: string): Promise<CliReceiver> {
    // Port 0: the CLI binds a free port and names it in its listening line, so there is no race for the port.
    const proc = group.start('spanlens receive', process.execPath, [CLI_MAIN, 'receive', '--http-port', '0', '--grpc-port', '0', '--workspace', workspace, '--report', reportFile]);
    const match = await proc.waitForStderr(/receiving OTLP\/HTTP on (http:\/\/[^\s]+)/, 60_000);
    return new CliReceiver(proc, reportFile, match[1]);
  }

  /** SIGTERM, as an operator would stop it; the CLI then writes its report. */
  async stop(): Promise<SpanLensReport> {
    const exit = await this.process.stop('SIGTERM', 60_000);
    if (exit.code !== 0) {
      throw new Error(`spanlens receive ended with ${describeExit(exit)}:\n${this.process.stderr}`);
    }
    return JSON.parse(readFileSync(this.reportFile, 'utf8')) as SpanLensReport;
  }

  get stderr(): string {
    return this.process.stderr;
  }
}
