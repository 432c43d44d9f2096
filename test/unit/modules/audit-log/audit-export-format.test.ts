import { describe, expect, it } from 'vitest';
import { CSV_HEADER, csvField, toCsvLine, toNdjsonLine } from '../../../../src/modules/audit-log/audit-export.format.js';
import type { AuditEvent } from '../../../../src/modules/audit-log/audit-event.entity.js';

const e = {
  id: 'e1', tenant: 't1', type: 'Login.Failed', actorKind: 'user', actorId: 'sub-1', actorClientId: null, targetType: null, targetId: null,
  requestId: 'r1', payload: { identifier: '=HYPERLINK("x")', reason: 'bad, "password"' }, occurredAt: new Date('2026-11-22T10:00:00Z'),
} as unknown as AuditEvent;

describe('audit export formats', () => {
  it('CSV: RFC 4180 quoting and no formula injection', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('line\nbreak')).toBe('"line\nbreak"');
    expect(csvField('=1+1')).toBe("'=1+1");
    expect(csvField('-2')).toBe("'-2");
    expect(csvField('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvField(null)).toBe('');
    expect(CSV_HEADER).toBe('id,occurred_at,type,category,severity,actor_kind,actor_id,actor_client_id,target_type,target_id,request_id,payload\r\n');
    expect(toCsvLine(e)).toBe('e1,2026-11-22T10:00:00.000Z,Login.Failed,authentication,warning,user,sub-1,,,,r1,'
      + '"{""identifier"":""=HYPERLINK(\\""x\\"")"",""reason"":""bad, \\""password\\""""}"\r\n');
  });
  it('NDJSON: one object per line with catalog category and severity', () => {
    const line = toNdjsonLine(e);
    expect(line.endsWith('\n')).toBe(true);
    expect(JSON.parse(line)).toEqual({
      id: 'e1', occurred_at: '2026-11-22T10:00:00.000Z', type: 'Login.Failed', category: 'authentication', severity: 'warning',
      actor_kind: 'user', actor_id: 'sub-1', actor_client_id: null, target_type: null, target_id: null, request_id: 'r1',
      payload: { identifier: '=HYPERLINK("x")', reason: 'bad, "password"' },
    });
  });
});
