import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { manualClock } from '../../src/clock.js';
import type { Database } from '../../src/db/client.js';
import { buildHttpServer } from '../../src/http/server.js';
import { createLogger } from '../../src/logger.js';

/** Pacer's HTTP server on 127.0.0.1 with a random port, logging into a buffer the test can read. */
export interface TestServer {
  url: string;
  app: FastifyInstance;
  logs(): string;
  close(): Promise<void>;
}

export async function startTestServer(db: Database, now = new Date('2026-11-23T12:00:00Z')): Promise<TestServer> {
  const chunks: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, cb) {
      chunks.push(chunk.toString());
      cb();
    },
  });
  const logger = createLogger({ level: 'debug', destination });
  const app = buildHttpServer({ db, logger, clock: manualClock(now) });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return { url, app, logs: () => chunks.join(''), close: () => app.close() };
}

export async function postJson(url: string, body: unknown, key?: string, extraHeaders: Record<string, string> = {}): Promise<{ status: number; body: any }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}), ...extraHeaders },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}
