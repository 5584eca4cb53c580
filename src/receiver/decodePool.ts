/**
 * A small pool of decode workers, so gunzip and OTLP decoding never run on the (extension host's) main thread.
 * One job per worker at a time: a worker that dies takes at most one request with it, and that request is answered.
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Span } from '../core/model/span';
import type { SpanPack } from '../core/model/spanPack';
import type { ChunkTouch, DecodeJob, DecodeReply, PayloadEncoding } from './decodeProtocol';
import { materializeBatch } from './tapePack';

export type DecodeOutcome =
  /** `pack`: the same spans packed (see SpanPack), when they came over the transfer tape. */
  | { ok: true; spans: Span[]; pack?: SpanPack; rejectedSpans: number; rejectionMessage: string; decodedBytes: number }
  /** 400 undecodable, 413 too large after decompression, 503 worker died / pool overloaded / pool closed. */
  | { ok: false; status: 400 | 413 | 503; message: string };

export interface DecodePoolOptions {
  /** Number of worker threads (default 1; the machines this runs on share cores with the editor). */
  workers?: number;
  /** Jobs allowed to wait for a worker; beyond it requests get 503 so clients back off and retry. */
  maxQueuedJobs?: number;
  /** Bytes of bodies allowed to wait, so a burst of big bodies cannot pile up unbounded memory. */
  maxQueuedBytes?: number;
  /** Heap cap of each worker: a pathological payload kills the worker (→ 503), not the host. */
  workerHeapMb?: number;
  workerScript?: string;
}

interface PendingJob {
  job: DecodeJob;
  resolve: (outcome: DecodeOutcome) => void;
}

interface Slot {
  worker: Worker;
  current?: PendingJob;
  alive: boolean;
  /** Kept tapes' memory waiting to go back to this worker with its next job. */
  returnedTapes: ArrayBuffer[];
}

/** A worker keeps this many spare tapes at most (spanTape.ts); more would only be freed there. */
const MAX_RETURNED_TAPES = 8;

const MiB = 1024 * 1024;

/** dist/decodeWorker.js beside a bundle, or decodeWorker.js beside this file in tsc output. */
export function resolveDecodeWorkerScript(): string {
  const candidates = [
    path.join(__dirname, 'decodeWorker.js'),
    path.join(__dirname, 'receiver', 'decodeWorker.js'),
    path.join(__dirname, '..', 'receiver', 'decodeWorker.js'),
  ];
  const found = candidates.find((candidate) => existsSync(candidate));
  if (!found) {
    throw new Error(`Span Lens decode worker not found (looked for ${candidates.join(', ')})`);
  }
  return found;
}

export class DecodePool {
  private readonly slots: Slot[] = [];
  private readonly queue: PendingJob[] = [];
  private queuedBytes = 0;
  private nextId = 1;
  private closed = false;
  private consecutiveDeaths = 0;
  private nextTouch = 0;
  private readonly script: string;
  private readonly size: number;
  private readonly maxQueuedJobs: number;
  private readonly maxQueuedBytes: number;
  private readonly heapMb: number;
  private readonly respawnTimers = new Set<NodeJS.Timeout>();
  /** Workers that died and were replaced, for the log and for tests. */
  workerDeaths = 0;

  constructor(options: DecodePoolOptions = {}) {
    this.script = options.workerScript ?? resolveDecodeWorkerScript();
    this.size = Math.max(1, Math.floor(options.workers ?? 1));
    this.maxQueuedJobs = options.maxQueuedJobs ?? 64;
    this.maxQueuedBytes = options.maxQueuedBytes ?? 256 * MiB;
    this.heapMb = options.workerHeapMb ?? 1024;
    for (let i = 0; i < this.size; i++) {
      this.slots.push(this.spawn());
    }
  }

  /** Jobs waiting for a worker plus jobs being decoded. */
  get pending(): number {
    return this.queue.length + this.slots.filter((slot) => slot.current !== undefined).length;
  }

  /**
   * Decodes one request body. The body's memory is handed to the worker (transferred): do not use it afterwards.
   * Never rejects: every failure comes back as an outcome with the HTTP status to answer.
   */
  decode(body: Uint8Array, encoding: PayloadEncoding, gzip: boolean, maxBytes: number): Promise<DecodeOutcome> {
    if (this.closed) {
      return Promise.resolve({ ok: false, status: 503, message: 'receiver is shutting down' });
    }
    if (this.queue.length >= this.maxQueuedJobs || (this.queue.length > 0 && this.queuedBytes + body.byteLength > this.maxQueuedBytes)) {
      return Promise.resolve({ ok: false, status: 503, message: 'decoder is overloaded, retry later' });
    }
    const job: DecodeJob = { id: this.nextId++, body: ownBuffer(body), encoding, gzip, maxBytes };
    return new Promise<DecodeOutcome>((resolve) => {
      this.queue.push({ job, resolve });
      this.queuedBytes += job.body.byteLength;
      this.pump();
    });
  }

  /**
   * Has a worker write the pages of fresh arena memory (a TapeArena's ChunkPreparer): an idle one if there is one.
   * Nothing is lost if no worker runs: the arena's own writes fault the pages in instead.
   */
  prepareChunk(memory: SharedArrayBuffer): void {
    const alive = this.slots.filter((slot) => slot.alive);
    const slot = alive.find((candidate) => !candidate.current) ?? alive[this.nextTouch++ % Math.max(1, alive.length)];
    if (slot && !this.closed) {
      const message: ChunkTouch = { touch: memory };
      slot.worker.postMessage(message);
    }
  }

  async close(): Promise<void> {
    if (this.closed) {
      return;
    }
    this.closed = true;
    for (const timer of this.respawnTimers) {
      clearTimeout(timer);
    }
    for (const pending of this.queue.splice(0)) {
      pending.resolve({ ok: false, status: 503, message: 'receiver is shutting down' });
    }
    this.queuedBytes = 0;
    await Promise.all(this.slots.map((slot) => slot.worker.terminate()));
  }

  private pump(): void {
    for (const slot of this.slots) {
      if (this.queue.length === 0) {
        return;
      }
      if (!slot.alive || slot.current) {
        continue;
      }
      const pending = this.queue.shift() as PendingJob;
      this.queuedBytes -= pending.job.body.byteLength;
      slot.current = pending;
      slot.worker.ref();
      const transfers = [pending.job.body];
      if (slot.returnedTapes.length > 0) {
        pending.job.recycle = slot.returnedTapes;
        transfers.push(...slot.returnedTapes);
        slot.returnedTapes = [];
      }
      slot.worker.postMessage(pending.job, transfers);
    }
  }

  private spawn(): Slot {
    const worker = new Worker(this.script, { resourceLimits: { maxOldGenerationSizeMb: this.heapMb } });
    const slot: Slot = { worker, alive: true, returnedTapes: [] };
    worker.unref();
    worker.on('message', (reply: DecodeReply) => {
      const pending = slot.current;
      if (!pending || pending.job.id !== reply.id) {
        return;
      }
      slot.current = undefined;
      this.consecutiveDeaths = 0;
      worker.unref();
      pending.resolve(toOutcome(reply, (tape) => this.returnTape(slot, tape)));
      this.pump();
    });
    // 'error' is followed by 'exit'; the exit handler does the accounting, this only keeps the error from throwing.
    worker.on('error', () => undefined);
    worker.on('exit', () => this.onWorkerExit(slot));
    return slot;
  }

  /** A kept tape's memory, back to its worker with its next job (if that worker still runs; else it is freed). */
  private returnTape(slot: Slot, tape: ArrayBuffer): void {
    if (slot.alive && !this.closed && slot.returnedTapes.length < MAX_RETURNED_TAPES) {
      slot.returnedTapes.push(tape);
    }
  }

  private onWorkerExit(slot: Slot): void {
    const lost = slot.current;
    slot.current = undefined;
    slot.alive = false;
    slot.returnedTapes = [];
    lost?.resolve({ ok: false, status: 503, message: 'decode worker stopped unexpectedly, retry later' });
    if (this.closed) {
      return;
    }
    this.workerDeaths++;
    this.consecutiveDeaths++;
    const index = this.slots.indexOf(slot);
    // Back off when workers keep dying at once (a broken install), instead of spinning.
    const delay = this.consecutiveDeaths > 3 ? 1000 : 0;
    const timer = setTimeout(() => {
      this.respawnTimers.delete(timer);
      if (this.closed) {
        return;
      }
      this.slots[index] = this.spawn();
      this.pump();
    }, delay);
    timer.unref();
    this.respawnTimers.add(timer);
  }
}

function toOutcome(reply: DecodeReply, recycle: (tape: ArrayBuffer) => void): DecodeOutcome {
  if (reply.ok) {
    let spans: Span[];
    let pack: SpanPack | undefined;
    try {
      if (reply.transfer) {
        ({ spans, pack } = materializeBatch(reply.transfer, recycle));
      } else {
        spans = reply.spans ?? [];
      }
    } catch (error) {
      // Cannot happen with our own worker; if it does, the client retries rather than the spans vanishing.
      return { ok: false, status: 503, message: `decoded spans could not be received: ${error instanceof Error ? error.message : String(error)}` };
    }
    return { ok: true, spans, pack, rejectedSpans: reply.rejectedSpans, rejectionMessage: reply.rejectionMessage, decodedBytes: reply.decodedBytes };
  }
  return { ok: false, status: reply.kind === 'too-large' ? 413 : 400, message: reply.message };
}

/** An ArrayBuffer the worker may take over: the view's own buffer when it spans it whole, else a copy. */
function ownBuffer(view: Uint8Array): ArrayBuffer {
  if (view.byteOffset === 0 && view.byteLength === view.buffer.byteLength && view.buffer instanceof ArrayBuffer) {
    return view.buffer;
  }
  // Not view.slice(): on a Buffer that is a view of the same memory (Node's pool slab), not a copy.
  const copy = new Uint8Array(view.byteLength);
  copy.set(view);
  return copy.buffer;
}
