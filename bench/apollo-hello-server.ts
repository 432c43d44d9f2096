/**
 * Baseline: a bare Apollo Server 5 "hello world" via startStandaloneServer on 127.0.0.1.
 * Run as its own process by bench/run.ts; reports `{ ready, url }` (the /graphql URL) over IPC.
 */
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { exitOnSignals, reportReady } from './proc.js';

const server = new ApolloServer({
  typeDefs: 'type Query { hello: String }',
  resolvers: { Query: { hello: () => 'world' } },
});

const { url } = await startStandaloneServer(server, { listen: { port: 0, host: '127.0.0.1' } });
exitOnSignals(() => server.stop());
// startStandaloneServer answers on every path; use /graphql like Signet.
reportReady(new URL('/graphql', url).toString());
