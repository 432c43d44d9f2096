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
  private readonly resyncListeners = new Set<() => void>();

  constructor(private readonly sub: Redis, private readonly log: Logger) {
    // After a reconnect (ioredis resubscribes the channels), whatever was published while the
    // connection was down is lost for pub/sub: resync-aware iterators get a `null` marker, once the
    // channels are active again (PING is answered after the resubscriptions), and replay history.
    let readyOnce = false;
    sub.on('ready', () => {
      if (!readyOnce) { readyOnce = true; return; }
      sub.ping().then(() => { for (const r of this.resyncListeners) r(); }).catch(() => undefined);
    });
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

  subscribe(tenantId: string, filter?: (e: PublishedEvent) => boolean): AsyncIterableIterator<PublishedEvent>;
  /** With `resync`, the iterator also yields `null` after Redis reconnected (events may have been missed). */
  subscribe(tenantId: string, filter: (e: PublishedEvent) => boolean, opts: { resync: true }): AsyncIterableIterator<PublishedEvent | null>;
  subscribe(tenantId: string, filter: (e: PublishedEvent) => boolean = () => true, opts: { resync?: boolean } = {}): AsyncIterableIterator<PublishedEvent | null> {
    const channel = eventChannel(tenantId);
    const queue: Array<PublishedEvent | null> = [];
    const waiting: Array<(r: IteratorResult<PublishedEvent | null>) => void> = [];
    let done = false;
    const push = (e: PublishedEvent | null) => {
      const w = waiting.shift();
      if (w) w({ value: e, done: false });
      else if (queue.length < 10_000) queue.push(e);
    };
    const listener = (e: PublishedEvent) => {
      if (e.tenantId !== tenantId || !filter(e)) return;
      push(e);
    };
    const resync = () => push(null);
    if (opts.resync) this.resyncListeners.add(resync);
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
      this.resyncListeners.delete(resync);
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
