/**
 * The worker's fast path to the outbox relay (LISTEN on the outbox channel): one drain at a time;
 * a wake-up that arrives during a drain runs another right after it, and so does a drain that
 * stopped at its batch cap (more events may be waiting: a burst, or events committed while no
 * worker ran), so a backlog does not wait for the scheduled relay.
 */
export interface RelayTrigger {
  /** Asks for a drain (now, or right after the one in progress). */
  wake(): void;
  /** Resolves when no drain is in progress. */
  idle(): Promise<void>;
}

export function relayTrigger(drain: () => Promise<number>, cap: number, onError: (err: Error) => void): RelayTrigger {
  let running: Promise<void> | undefined;
  let again = false;
  const wake = () => {
    if (running) {
      again = true;
      return;
    }
    running = (async () => {
      do {
        again = false;
        try {
          if ((await drain()) >= cap) again = true;
        } catch (err) {
          onError(err as Error);
        }
      } while (again);
    })().finally(() => { running = undefined; });
  };
  return { wake, idle: async () => { await running; } };
}
