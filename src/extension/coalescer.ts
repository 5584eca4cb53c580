/**
 * Runs a job at most once per interval however often it is requested, and can say when nothing is pending.
 * Bursts of store events (one per received batch) become one editor update. No vscode import: unit-tested.
 */
export class Coalescer {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private rerun = false;
  private lastRun = 0;
  private disposed = false;
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly job: () => void | Promise<void>,
    private readonly intervalMs: number,
    private readonly onError: (error: unknown) => void = () => undefined,
  ) {}

  /** Requests a run: soon, but no sooner than `intervalMs` after the previous one started. */
  schedule(): void {
    if (this.disposed) {
      return;
    }
    if (this.running) {
      this.rerun = true;
      return;
    }
    if (this.timer) {
      return;
    }
    const wait = Math.max(0, this.lastRun + this.intervalMs - Date.now());
    this.timer = setTimeout(() => this.run(), wait);
  }

  /** Runs now (cancelling a pending timer); for explicit user actions that should not wait. */
  async flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (this.running) {
      this.rerun = true;
      await this.whenIdle();
      return;
    }
    await this.run();
  }

  get pending(): boolean {
    return this.timer !== undefined || this.running !== undefined;
  }

  /** Resolves once no run is scheduled or in progress. */
  whenIdle(): Promise<void> {
    if (!this.pending) {
      return Promise.resolve();
    }
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  dispose(): void {
    this.disposed = true;
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    this.settleIfIdle();
  }

  private run(): Promise<void> {
    this.timer = undefined;
    this.lastRun = Date.now();
    this.running = (async () => {
      try {
        await this.job();
      } catch (error) {
        this.onError(error);
      }
    })();
    return this.running.then(() => {
      this.running = undefined;
      if (this.rerun && !this.disposed) {
        this.rerun = false;
        this.schedule();
      }
      this.settleIfIdle();
    });
  }

  private settleIfIdle(): void {
    if (this.pending) {
      return;
    }
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) {
      resolve();
    }
  }
}
