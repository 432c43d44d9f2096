import { afterAll, beforeAll } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchChromium } from './chromium.js';
import { startRelyingParty, type RelyingParty } from './relying-party.js';
import { startTestServer, type TestServer } from './server.js';

export interface BrowserHarness {
  s: TestServer;
  browser: Browser;
  /** The relying party's base URL (its callback records every URL into `received`). */
  rpUrl: string;
}

/**
 * Registers the hooks every browser test needs: a Signet test server, headless Chromium and a
 * relying-party callback recording into `received`; `ready` gets them once started. Everything
 * started is stopped after the file, whatever failed to start.
 */
export function useBrowserHarness(received: URL[], ready: (h: BrowserHarness) => void, start: () => Promise<TestServer> = () => startTestServer()): void {
  let s: TestServer | undefined;
  let browser: Browser | undefined;
  let rp: RelyingParty | undefined;
  beforeAll(async () => {
    s = await start();
    browser = await launchChromium();
    rp = await startRelyingParty(received);
    ready({ s, browser, rpUrl: rp.url });
  });
  afterAll(async () => {
    await browser?.close();
    rp?.close();
    await s?.stop();
  });
}
