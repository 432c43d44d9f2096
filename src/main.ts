import 'reflect-metadata';
import { createContainer, type Container } from './app/container.js';
import { graphSchema, schemaSDL } from './app/graphql.js';
import { createHttpApp } from './app/http.js';
import { attachGraphqlWs } from './app/ws.js';
import type { Config } from './config/env.js';

export { schemaSDL };

export interface RunningServer {
  url: string;
  port: number;
  container: Container;
  stop(): Promise<void>;
}

/** The serve process: OAuth/OIDC routes, /graphql over HTTP and WebSocket, health and metrics. */
export async function serve(config: Config, opts: { onQuery?: (sql: string) => void } = {}): Promise<RunningServer> {
  const c = await createContainer(config, 'serve', opts);
  if (c.system.generatedRootSecret) {
    process.stdout.write(`root client created: client_id=${c.system.rootClientId} client_secret=${c.system.generatedRootSecret} (shown once)\n`);
  }
  const { app } = await createHttpApp(c);
  await app.listen({ port: config.port, host: config.host });
  const ws = attachGraphqlWs(app.server, await graphSchema(config.nodeEnv === 'production'), c);
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  c.log.info({ port, publicUrl: config.publicUrl }, 'serve listening');
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    container: c,
    async stop() {
      await ws.close();
      await app.close();
      await c.close();
    },
  };
}
