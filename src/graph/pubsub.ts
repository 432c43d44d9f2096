import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { PublishedEvent } from '../modules/audit-log/index.js';

export const eventChannel = (tenantId: string) => `signet:events:${tenantId}`;

/**
 * Tenant-scoped pub/sub over Redis: one subscriber connection per process, fanned out to local
 * async iterators. A subscription opened on process A sees an event relayed by any worker.
 * The filter re-checks the tenant, so a mis-routed message can never cross tenants.
 */
export class EventBus {
  private readonly listeners = new Map<string, Set<(e: PublishedEvent) => void>>();

  constructor(private readonly sub: Redis, private readonly log: Logger) {
    sub.on('message', (channel: string, message: string) => {
      const set = this.listeners.get(channel);
      if (!set?.size) return;
      let event: PublishedEvent;
      try {
        event = JSON.parse(message) as PublishedEvent;
      } catch {
        this.log.warn({ channel }, 'dropping a malformed event message');
        return;
      }
      for (const l of set) l(event);
    });
  }

  subscribe(tenantId: string, filter: (e: PublishedEvent) => boolean = () => true): AsyncIterableIterator<PublishedEvent> {
    const channel = eventChannel(tenantId);
    const queue: PublishedEvent[] = [];
    const waiting: Array<(r: IteratorResult<PublishedEvent>) => void> = [];
    let done = false;
    const listener = (e: PublishedEvent) => {
      if (e.tenantId !== tenantId || !filter(e)) return;
      const w = waiting.shift();
      if (w) w({ value: e, done: false });
      else if (queue.length < 10_000) queue.push(e);
    };
    let set = this.listeners.get(channel);
    if (!set) {
      set = new Set();
      this.listeners.set(channel, set);
      this.sub.subscribe(channel).catch((err: unknown) => this.log.error({ err, channel }, 'redis subscribe failed'));
    }
    set.add(listener);
    const close = () => {
      if (done) return;
      done = true;
      const s = this.listeners.get(channel);
      s?.delete(listener);
      if (s && !s.size) {
        this.listeners.delete(channel);
        this.sub.unsubscribe(channel).catch(() => undefined);
      }
      for (const w of waiting.splice(0)) w({ value: undefined, done: true });
    };
    return {
      next: () => {
        if (queue.length) return Promise.resolve({ value: queue.shift()!, done: false });
        if (done) return Promise.resolve({ value: undefined, done: true });
        return new Promise((resolve) => waiting.push(resolve));
      },
      return: () => {
        close();
        return Promise.resolve({ value: undefined, done: true });
      },
      throw: (err: unknown) => {
        close();
        return Promise.reject(err);
      },
      [Symbol.asyncIterator]() {
        return this;
      },
    };
  }

  /** Resolves once every channel subscription requested so far is active (tests use it). */
  async ready(): Promise<void> {
    await this.sub.ping().catch(() => undefined);
  }
}
