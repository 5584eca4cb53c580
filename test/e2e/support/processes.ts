/**
 * Child processes for end-to-end tests: output captured, readiness awaited on a log line, stopped with a signal the
 * way an operator would, and every one of them killed at the end whatever happened to the test.
 */
import { ChildProcess, spawn, SpawnOptions } from 'node:child_process';

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export class ManagedProcess {
  private out = '';
  private err = '';
  private exit: Exit | undefined;
  readonly exited: Promise<Exit>;

  constructor(
    readonly name: string,
    readonly child: ChildProcess,
  ) {
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (this.out += chunk));
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (this.err += chunk));
    this.exited = new Promise<Exit>((resolve) => {
      child.on('error', (error) => {
        this.err += `\n[spawn error] ${String(error)}`;
        this.exit = { code: null, signal: null };
        resolve(this.exit);
      });
      child.on('close', (code, signal) => {
        this.exit = { code, signal };
        resolve(this.exit);
      });
    });
  }

  get stdout(): string {
    return this.out;
  }

  get stderr(): string {
    return this.err;
  }

  get running(): boolean {
    return this.exit === undefined;
  }

  /** Resolves with the first match of pattern in stderr; rejects if the process exits first or time runs out. */
  async waitForStderr(pattern: RegExp, timeoutMs: number): Promise<RegExpExecArray> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const match = pattern.exec(this.err);
      if (match) {
        return match;
      }
      if (!this.running) {
        throw new Error(`${this.name} exited (${describeExit(this.exit)}) before printing ${pattern}:\n${this.err}`);
      }
      if (Date.now() > deadline) {
        throw new Error(`${this.name} did not print ${pattern} within ${timeoutMs} ms:\n${this.err}`);
      }
      await Promise.race([this.exited, delay(25)]);
    }
  }

  /** Resolves once the process has ended on its own; rejects if it runs past timeoutMs (it is then killed). */
  async finished(timeoutMs: number): Promise<Exit> {
    const timer = delay(timeoutMs).then(() => undefined);
    const exit = await Promise.race([this.exited, timer]);
    if (exit === undefined) {
      this.kill();
      throw new Error(`${this.name} was still running after ${timeoutMs} ms:\n${this.err}`);
    }
    return exit;
  }

  /** Sends signal and waits for the process to end. */
  async stop(signal: NodeJS.Signals, timeoutMs: number): Promise<Exit> {
    if (this.running) {
      this.child.kill(signal);
    }
    return this.finished(timeoutMs);
  }

  kill(): void {
    if (this.running) {
      this.child.kill('SIGKILL');
    }
  }

  /** stderr's last lines, for assertion messages. */
  tail(lines = 20): string {
    return this.err.trimEnd().split('\n').slice(-lines).join('\n');
  }
}

/** Every process a test started; `killAll` in an after hook leaves nothing running. */
export class ProcessGroup {
  private readonly all: ManagedProcess[] = [];

  start(name: string, command: string, args: string[], options: SpawnOptions = {}): ManagedProcess {
    const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    const managed = new ManagedProcess(name, child);
    this.all.push(managed);
    return managed;
  }

  async killAll(): Promise<void> {
    const running = this.all.filter((p) => p.running);
    running.forEach((p) => p.kill());
    await Promise.all(running.map((p) => p.exited));
    this.all.length = 0;
  }
}

export function describeExit(exit: Exit | undefined): string {
  if (!exit) {
    return 'still running';
  }
  return exit.signal ? `signal ${exit.signal}` : `exit code ${exit.code}`;
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
