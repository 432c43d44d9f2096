import fs from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { aptInstall } from '../../src/config/embedded/process-utils.js';

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser'];

/**
 * Debian's Chromium driven by playwright-core (no browser download). Installed with apt-get when
 * missing and possible, like redis-server; otherwise the test fails with the instruction.
 */
export async function launchChromium(): Promise<Browser> {
  let executable = CANDIDATES.find((p) => fs.existsSync(p));
  if (!executable && aptInstall(['chromium'], (m) => process.stderr.write(`chromium: ${m}\n`))) executable = CANDIDATES.find((p) => fs.existsSync(p));
  if (!executable) throw new Error('Chromium not found: install it (Debian: apt-get install chromium)');
  return chromium.launch({
    executablePath: executable,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
}
