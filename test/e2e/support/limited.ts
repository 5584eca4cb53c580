/** Runs tasks at most n at a time, in the order they were handed over; each result settles on its own. */
export function limited(n: number): <T>(task: () => Promise<T>) => Promise<T> {
  let active = 0;
  const waiting: (() => void)[] = [];
  return async <T>(task: () => Promise<T>): Promise<T> => {
    if (active < n) {
      active += 1;
    } else {
      // The finishing task hands its slot straight over, so a newcomer cannot slip in between.
      await new Promise<void>((resolve) => waiting.push(resolve));
    }
    try {
      return await task();
    } finally {
      const next = waiting.shift();
      if (next) {
        next();
      } else {
        active -= 1;
      }
    }
  };
}
