import { argon2 as argon2Cb, randomBytes } from 'node:crypto';
import os from 'node:os';
import { promisify } from 'node:util';
import { safeEqual } from './secrets.js';

type Argon2Params = { message: string | Buffer; nonce: Buffer; parallelism: number; tagLength: number; memory: number; passes: number };
const argon2Raw = promisify(argon2Cb as unknown as (alg: string, p: Argon2Params, cb: (err: Error | null, out: Buffer) => void) => void);

/**
 * At most one argon2 computation per core at a time; the others wait their turn in order. More
 * would not finish sooner (each is CPU- and memory-bound) but would thrash the caches, hold 19 MiB
 * each, and fill libuv's pool that DNS and file I/O share.
 */
const MAX_CONCURRENT = Math.max(1, os.availableParallelism());
let running = 0;
const waiting: Array<() => void> = [];

async function argon2(alg: string, p: Argon2Params): Promise<Buffer> {
  if (running >= MAX_CONCURRENT) await new Promise<void>((resolve) => waiting.push(resolve));
  else running++;
  try {
    return await argon2Raw(alg, p);
  } finally {
    const next = waiting.shift();
    if (next) next();
    else running--;
  }
}

/**
 * Password hashing with argon2id at OWASP's recommended minimum (m=19 MiB, t=2, p=1), computed on
 * libuv's thread pool (off the event loop). Stored as a PHC string.
 */
export const ARGON2_PARAMS = { memory: 19_456, passes: 2, parallelism: 1, tagLength: 32 } as const;

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await argon2('argon2id', { message: password, nonce: salt, ...ARGON2_PARAMS });
  return `$argon2id$v=19$m=${ARGON2_PARAMS.memory},t=${ARGON2_PARAMS.passes},p=${ARGON2_PARAMS.parallelism}$${salt.toString('base64url')}$${hash.toString('base64url')}`;
}

export async function verifyPassword(password: string, phc: string): Promise<boolean> {
  const m = /^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$([\w-]+)\$([\w-]+)$/.exec(phc);
  if (!m) return false;
  const expected = Buffer.from(m[5]!, 'base64url');
  const actual = await argon2('argon2id', {
    message: password, nonce: Buffer.from(m[4]!, 'base64url'), memory: Number(m[1]), passes: Number(m[2]),
    parallelism: Number(m[3]), tagLength: expected.length,
  });
  return safeEqual(actual, expected);
}

/** A hash of a random password, verified against when the account does not exist (equal timing). */
let dummy: Promise<string> | undefined;
export function dummyPasswordHash(): Promise<string> {
  dummy ??= hashPassword(randomBytes(16).toString('hex'));
  return dummy;
}
