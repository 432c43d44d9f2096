import fs from 'node:fs';
import path from 'node:path';

/** Tests register every secret and token they see here; global teardown greps the logs for them. */
export function registerSecret(logDir: string, secret: string): void {
  fs.appendFileSync(path.join(logDir, 'secrets.txt'), `${secret}\n`);
}

export function findLeakedSecrets(logDir: string): { leaks: string[]; scannedBytes: number; secrets: number } {
  const secrets = fs.readFileSync(path.join(logDir, 'secrets.txt'), 'utf8').split('\n').filter((s) => s.length >= 16);
  const leaks: string[] = [];
  let scannedBytes = 0;
  for (const f of fs.readdirSync(logDir)) {
    if (!f.endsWith('.log')) continue;
    const text = fs.readFileSync(path.join(logDir, f), 'utf8');
    scannedBytes += text.length;
    for (const s of secrets) {
      // JWTs: the signature part alone would be enough to replay, so look for it too.
      const needles = s.split('.').length === 3 ? [s, s.split('.')[2]!] : [s];
      if (needles.some((n) => n.length >= 16 && text.includes(n))) leaks.push(`${f}: ${s.slice(0, 8)}…`);
    }
  }
  return { leaks, scannedBytes, secrets: secrets.length };
}
