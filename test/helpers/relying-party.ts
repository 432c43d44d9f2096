import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** A relying party's callback for browser tests: records every URL it is sent to. */
export interface RelyingParty {
  url: string;
  close(): void;
}

export async function startRelyingParty(received: URL[]): Promise<RelyingParty> {
  let url = '';
  const server = http.createServer((req, res) => {
    received.push(new URL(req.url!, url));
    res.writeHead(200, { 'content-type': 'text/html' }).end('<h1>Signed in at the relying party</h1>');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, close: () => server.close() };
}
