/**
 * `spanlens receive` caps V8's heap growth once its heap is large, not from the start.
 *
 * Why: holding up to --max-spans spans, a fast-allocating heap is let grow to several times what is live before V8
 * collects (measured: peak 949 B of RSS per stored span, of which ~400 B is live); growth capped at 1.3× brings the
 * peak to ~550 B at the same throughput. On a small heap the same cap keeps V8 marking almost without pause: with only
 * the broken-link detector's window kept, 176k–180k spans/s with the cap against 238k–241k without it.
 */
import { getHeapStatistics, setFlagsFromString } from 'node:v8';

/** From this much live JavaScript heap on, growth is capped: well above what the detector's window holds. */
const CAP_HEAP_GROWTH_FROM_BYTES = 256 * 1024 * 1024;
const CAPPED_HEAP_GROWING_PERCENT = 30;
const CHECK_EVERY_MS = 1000;

export interface HeapGrowthCapOptions {
  thresholdBytes?: number;
  checkEveryMs?: number;
  /** The heap in use now (V8's figure by default). */
  heapUsedBytes?: () => number;
  /** Applies the cap (sets V8's flag by default). */
  cap?: () => void;
}

/** Checks the heap every second and caps its growth the first time it is past the threshold; returns a stop function. */
export function capHeapGrowthOnceLarge(options: HeapGrowthCapOptions = {}): () => void {
  const threshold = options.thresholdBytes ?? CAP_HEAP_GROWTH_FROM_BYTES;
  const heapUsed = options.heapUsedBytes ?? (() => getHeapStatistics().used_heap_size);
  const cap = options.cap ?? (() => setFlagsFromString(`--heap-growing-percent=${CAPPED_HEAP_GROWING_PERCENT}`));
  const timer = setInterval(() => {
    if (heapUsed() >= threshold) {
      clearInterval(timer);
      cap();
    }
  }, options.checkEveryMs ?? CHECK_EVERY_MS);
  timer.unref();
  return () => clearInterval(timer);
}
