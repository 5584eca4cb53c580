/**
 * Runs broken-link detection in the editor: a PropagationDetector fed the same spans as the store, settled once a
 * second (so a finding appears when its grace window ends, not only when more spans arrive), cleared with the data,
 * re-mapped with the index, and rebuilt when its settings change. The detection itself lives in src/core/propagation.
 */
import * as vscode from 'vscode';
import type { Span, SpanLocator, SpanStore } from '../../core/model';
import { BlameRefiner, Finding, OverloadNotices, PropagationDetector } from '../../core/propagation';
import { Logger } from '../logger';
import { Settings } from '../settings';

const SETTLE_INTERVAL_MS = 1000;

export interface FindingsSources {
  store: SpanStore;
  /** Each received batch (the receiver's, after the store took it). */
  onDidReceiveSpans: vscode.Event<readonly Span[]>;
  /** The store's locator: findings name lines the way annotations do. */
  locator: SpanLocator;
  /** Narrows a span's line to the statement at fault, from the current index. */
  refiner: BlameRefiner;
  /** The locator now places spans differently. */
  onDidChangeMapping: vscode.Event<void>;
}

export class FindingsController implements vscode.Disposable {
  private detector: PropagationDetector | undefined;
  private detectorSubscription: { dispose(): void } | undefined;
  /** Tells the log when detection is partial under load, and when it is whole again. */
  private readonly overload = new OverloadNotices();
  private readonly timer: NodeJS.Timeout;
  private readonly changeEmitter = new vscode.EventEmitter<readonly Finding[]>();
  /** Fires with the current findings whenever they change (appear, grow, move, go away). */
  readonly onDidChange = this.changeEmitter.event;
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(
    private readonly sources: FindingsSources,
    private readonly settings: Settings,
    private readonly logger: Logger,
  ) {
    this.subscriptions.push(
      sources.onDidReceiveSpans((spans) => this.detector?.add([...spans])),
      sources.store.onDidChange((change) => {
        if (change.cleared) {
          this.detector?.clear();
        }
      }),
      // The detector re-maps what it holds when it is handed a locator.
      sources.onDidChangeMapping(() => this.detector?.setLocator(sources.locator)),
      settings.onDidChange(({ previous, current }) => {
        if (previous.findings.enabled !== current.findings.enabled || previous.findings.graceSeconds !== current.findings.graceSeconds) {
          this.rebuild();
        }
      }),
    );
    this.timer = setInterval(() => this.settle(), SETTLE_INTERVAL_MS);
    this.rebuild();
  }

  /** The current findings, sorted by kind then file and line; empty while detection is off. */
  findings(): Finding[] {
    return this.detector?.findings() ?? [];
  }

  dispose(): void {
    clearInterval(this.timer);
    for (const subscription of this.subscriptions) {
      subscription.dispose();
    }
    this.teardown();
    this.changeEmitter.dispose();
  }

  private settle(): void {
    try {
      if (!this.detector) return;
      this.detector.settle();
      for (const line of this.overload.update(this.detector.counters(), Date.now())) this.logger.warn(line);
    } catch (error) {
      this.logger.error('Broken-link detection failed:', error);
    }
  }

  /**
   * A new grace window applies to spans still to come, so detection starts over with it: what was found is forgotten
   * and found again from the next traces.
   */
  private rebuild(): void {
    const hadFindings = this.findings().length > 0;
    this.teardown();
    const { enabled, graceSeconds } = this.settings.current.findings;
    if (enabled) {
      const detector = new PropagationDetector({ locator: this.sources.locator, refiner: this.sources.refiner, graceMs: graceSeconds * 1000 });
      this.detectorSubscription = detector.onDidChange(({ findings }) => this.changeEmitter.fire(findings));
      this.detector = detector;
    }
    if (hadFindings) {
      this.changeEmitter.fire([]);
    }
  }

  private teardown(): void {
    this.overload.reset();
    this.detectorSubscription?.dispose();
    this.detectorSubscription = undefined;
    this.detector?.dispose();
    this.detector = undefined;
  }
}
