import { describe, expect, it } from 'vitest';
import { relayTrigger } from '../../../src/events/relay-trigger.js';

/** The worker's LISTEN fast path: one drain at a time, and no backlog left for the schedule. */
describe('relay trigger', () => {
  it('a drain that stopped at its cap runs again at once, until one comes back short', async () => {
    const results = [100, 100, 37];
    let calls = 0;
    const t = relayTrigger(async () => results[calls++] ?? 0, 100, () => undefined);
    t.wake();
    await t.idle();
    expect(calls).toBe(3);
  });

  it('wake-ups during a drain coalesce into one more drain; never two at once', async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    let calls = 0;
    let release!: () => void;
    const t = relayTrigger(async () => {
      calls++;
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      if (calls === 1) await new Promise<void>((r) => { release = r; });
      inFlight--;
      return 1;
    }, 100, () => undefined);
    t.wake();
    t.wake();
    t.wake();
    release();
    await t.idle();
    expect({ calls, maxInFlight }).toEqual({ calls: 2, maxInFlight: 1 });
  });

  it('a failing drain is reported and the trigger stays usable', async () => {
    const errors: string[] = [];
    let calls = 0;
    const t = relayTrigger(async () => {
      calls++;
      if (calls === 1) throw new Error('redis is not connected (reconnecting)');
      return 0;
    }, 100, (err) => errors.push(err.message));
    t.wake();
    await t.idle();
    t.wake();
    await t.idle();
    expect({ calls, errors }).toEqual({ calls: 2, errors: ['redis is not connected (reconnecting)'] });
  });
});
