import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/**
 * Returns the configured master key, or loads/creates the development key file
 * `<dataDir>/dev-master.key` (mode 0600). `generated` tells the caller to warn loudly.
 */
export function resolveMasterKey(configured: Buffer | undefined, dataDir: string): { key: Buffer; source: 'env' | 'dev-file'; generated: boolean } {
  if (configured) return { key: configured, source: 'env', generated: false };
  const file = path.join(dataDir, 'dev-master.key');
  fs.mkdirSync(dataDir, { recursive: true });
  try {
    const hex = fs.readFileSync(file, 'utf8').trim();
    if (/^[0-9a-f]{64}$/.test(hex)) return { key: Buffer.from(hex, 'hex'), source: 'dev-file', generated: false };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const key = randomBytes(32);
  try {
    fs.writeFileSync(file, key.toString('hex') + '\n', { mode: 0o600, flag: 'wx' });
    return { key, source: 'dev-file', generated: true };
  } catch (err) {
    // Another process created it first: use theirs.
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return resolveMasterKey(undefined, dataDir);
    throw err;
  }
}
