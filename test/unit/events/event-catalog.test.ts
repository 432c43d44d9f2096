import { describe, expect, it } from 'vitest';
import { graphSchema } from '../../../src/app/graphql.js';
import { EVENT_CATEGORIES, EVENT_TYPES, isEventType } from '../../../src/events/event-names.js';
import type { UntypedEventType } from '../../../src/events/event-payloads.js';

// Compile-time: every catalog type has a typed payload (tsc fails here otherwise).
const everyTypeHasAPayload: [UntypedEventType] extends [never] ? true : UntypedEventType = true;

describe('event catalog', () => {
  it('names every type Area.Thing.PastTense and covers every category of the product reference', () => {
    expect(everyTypeHasAPayload).toBe(true);
    for (const name of Object.keys(EVENT_TYPES)) expect(name).toMatch(/^[A-Z][A-Za-z]+(\.[A-Z][A-Za-z]+){1,3}$/);
    const used = new Set(Object.values(EVENT_TYPES).map((e) => e.category));
    expect([...used].sort()).toEqual([...EVENT_CATEGORIES].sort());
    expect(EVENT_CATEGORIES).toEqual(expect.arrayContaining(['authentication', 'mfa', 'users', 'administration', 'vault', 'wallet', 'chain', 'sso', 'organizations', 'commerce', 'security']));
  });

  it('keeps the names other code relies on', () => {
    for (const t of ['Tenant.Created', 'Tenant.Updated', 'Tenant.Deleted', 'Client.Created', 'Client.Secret.Rotated', 'SigningKey.Created', 'SigningKey.Rotated',
      'User.Created', 'Login.Failed', 'Token.Issued', 'RefreshToken.Reused', 'Session.Ended']) {
      expect(isEventType(t)).toBe(true);
    }
  });

  it('every mutation description names the events it emits, from the catalog', async () => {
    const schema = await graphSchema();
    const fields = Object.values(schema.getMutationType()!.getFields());
    expect(fields.length).toBeGreaterThan(0);
    for (const f of fields) {
      const m = /Emits ([^.]*(?:\.[A-Z][A-Za-z]+)*[^.]*)\./.exec(f.description ?? '');
      expect(m, `${f.name}: "${f.description}" should say "Emits …."`).not.toBeNull();
      if (/^no event/.test(m![1]!)) continue;
      const names = m![1]!.match(/[A-Z][A-Za-z]+(?:\.[A-Z][A-Za-z]+)+/g) ?? [];
      expect(names.length, `${f.name} names no event`).toBeGreaterThan(0);
      for (const n of names) expect(isEventType(n), `${f.name} names unknown event ${n}`).toBe(true);
    }
  });
});
