/** A receiver under test as a child process: started, waited for, its memory read from /proc, stopped. */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as net from 'node:net';

export interface ProcessMemory {
  /** Peak resident set (VmHWM), bytes. */
  peakRss: number;
  /** Current resident set (VmRSS), bytes. */
  rss: number;
}

/** Linux only: the kernel's own figures for the process (all its threads, e.g. our decode worker). */
export function processMemory(pid: number): ProcessMemory {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string): number => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024;
  return { peakRss: kib('VmHWM'), rss: kib('VmRSS') };
}

/** CPU time the process has used (user + system, all threads), seconds; /proc counts in clock ticks (100 Hz). */
export function processCpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces, hence the last ')'): utime and stime are the 12th and 13th.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** A port free right now on 127.0.0.1 (the OS picks it; the receiver binds it a moment later). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

async function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export class ReceiverProcess {
  readonly child: ChildProcess;
  private output = '';
  private exited: Promise<number | null>;

  constructor(command: string, args: string[], env?: NodeJS.ProcessEnv) {
    this.child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    const keep = (chunk: Buffer): void => {
      // The tail is enough to explain a failure; a chatty receiver must not grow our memory.
      this.output = (this.output + chunk.toString()).slice(-8000);
    };
    this.child.stdout?.on('data', keep);
    this.child.stderr?.on('data', keep);
    this.exited = new Promise((resolve) => this.child.once('exit', (code) => resolve(code)));
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  get log(): string {
    return this.output;
  }

  /** Resolves once every port accepts connections; rejects if the process exits first or after `timeoutMs`. */
  async waitForPorts(ports: number[], timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let gone = false;
    void this.exited.then(() => (gone = true));
    for (const port of ports) {
      while (!(await canConnect(port))) {
        if (gone) {
          throw new Error(`exited before listening: ${this.lastLines()}`);
        }
        if (Date.now() > deadline) {
          throw new Error(`not listening on ${port} after ${timeoutMs} ms: ${this.lastLines()}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  }

  memory(): ProcessMemory {
    return processMemory(this.pid);
  }

  cpuSeconds(): number {
    return processCpuSeconds(this.pid);
  }

  /** SIGTERM, then SIGKILL if it has not exited within `graceMs`; resolves with the exit code. */
  async stop(graceMs = 30_000): Promise<number | null> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) {
      return this.child.exitCode;
    }
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    const code = await this.exited;
    clearTimeout(timer);
    return code;
  }

  lastLines(count = 3): string {
    return this.output.trim().split('\n').slice(-count).join(' | ').slice(0, 400);
  }
}

/** Sums every sample of a Prometheus metric (all label sets; with or without the `_total` suffix). */
export async function scrapeCounter(port: number, metric: string): Promise<number | undefined> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/metrics`);
    const text = await response.text();
    let sum = 0;
    let seen = false;
    for (const line of text.split('\n')) {
      if (line.startsWith(`${metric}{`) || line.startsWith(`${metric} `) || line.startsWith(`${metric}_total{`) || line.startsWith(`${metric}_total `)) {
        const value = Number(line.slice(line.lastIndexOf(' ') + 1));
        if (Number.isFinite(value)) {
          sum += value;
          seen = true;
        }
      }
    }
    return seen ? sum : undefined;
  } catch {
    return undefined;
  }
}
