import { describe, expect, it } from 'vitest';
import { GraphQLError } from 'graphql';
import { pino } from 'pino';
import { Writable } from 'node:stream';
import { formatError } from '../../../../src/graph/errors/format-error.js';

function capture() {
  const lines: string[] = [];
  const log = pino(new Writable({ write(chunk, _enc, cb) { lines.push(String(chunk)); cb(); } }));
  return { log, lines };
}

describe('GraphQL error masking (STYLE.md §4: unexpected errors are masked with a request id)', () => {
  it('replaces an unexpected error by INTERNAL_SERVER_ERROR with the request id, and logs the original', () => {
    const { log, lines } = capture();
    const original = new Error('connection to 10.0.0.5 refused: password authentication failed for user "signet"');
    const err = new GraphQLError(original.message, { originalError: original, path: ['tenants'] });
    const out = formatError(log, () => 'req-abc123')({ message: err.message, path: ['tenants'], extensions: { code: 'INTERNAL_SERVER_ERROR', stacktrace: ['at x'] } }, err);
    expect(out).toEqual({
      message: 'Internal server error (request id req-abc123)',
      path: ['tenants'],
      locations: undefined,
      extensions: { code: 'INTERNAL_SERVER_ERROR', requestId: 'req-abc123' },
    });
    expect(JSON.stringify(out)).not.toContain('password');
    expect(lines.join('')).toContain('password authentication failed');
    expect(lines.join('')).toContain('req-abc123');
  });

  it('passes errors written for the caller through, without stack traces', () => {
    const { log } = capture();
    const out = formatError(log, () => 'r1')({ message: 'this operation requires the scope "audit:read"', extensions: { code: 'FORBIDDEN', stacktrace: ['at y'] } }, new GraphQLError('x'));
    expect(out).toEqual({ message: 'this operation requires the scope "audit:read"', extensions: { code: 'FORBIDDEN' } });
  });
});
