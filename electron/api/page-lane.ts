/**
 * A lane for page reads (the Users list, a run's results): at most `width` run at once, and each
 * starts on its own turn of the event loop. Many sessions paging at once then take turns with
 * everything else: a logon arriving meanwhile is read and answered between two pages instead of
 * after every page already asked for (the embedded store computes a page on the main thread).
 */

/** A lane; `run` queues a read and resolves with its result. */
export interface PageLane {
  run<T>(read: () => Promise<T> | T): Promise<T>;
  /** Reads waiting and running (tests and the benchmark). */
  readonly pending: number;
}

/** Makes a lane `width` reads wide (default 2). */
export function pageLane(width = 2): PageLane {
  const queue: (() => void)[] = [];
  let running = 0;
  const next = () => {
    if (running >= width) return;
    const start = queue.shift();
    if (!start) return;
    running++;
    // Its own turn: I/O that arrived meanwhile (a logon) is handled before this read.
    setImmediate(start);
  };
  return {
    run<T>(read: () => Promise<T> | T): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        queue.push(() => {
          Promise.resolve()
            .then(read)
            .then(resolve, reject)
            .finally(() => {
              running--;
              next();
            });
        });
        next();
      });
    },
    get pending() {
      return queue.length + running;
    },
  };
}
