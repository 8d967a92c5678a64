import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { buildSlackApp, type SlackApp } from '../../src/app.js';
import { manualClock } from '../../src/clock.js';
import type { SlackMode } from '../../src/config/env.js';
import type { Database } from '../../src/db/client.js';
import { buildHttpServer } from '../../src/http/server.js';
import { createLogger } from '../../src/logger.js';

/** Pacer with Slack in HTTP or OAuth mode on 127.0.0.1, its Web API calls going to `slackApiUrl`. */
export interface SlackTestApp {
  url: string;
  slack: SlackApp;
  http: FastifyInstance;
  clock: ReturnType<typeof manualClock>;
  logs(): string;
  close(): Promise<void>;
}

export async function startSlackTestApp(options: { db: Database; slack: Exclude<SlackMode, { kind: 'none' }>; slackApiUrl: string; now: Date; answerBudgetMs?: number }): Promise<SlackTestApp> {
  const chunks: string[] = [];
  const logger = createLogger({
    level: 'debug',
    destination: new Writable({
      write(chunk: Buffer, _enc, cb) {
        chunks.push(chunk.toString());
        cb();
      },
    }),
  });
  const clock = manualClock(options.now);
  const slack = await buildSlackApp({
    slack: options.slack,
    slackApiUrl: options.slackApiUrl,
    db: options.db,
    logger,
    clock,
    ...(options.answerBudgetMs !== undefined ? { answerBudgetMs: options.answerBudgetMs } : {}),
  });
  const http = buildHttpServer({ db: options.db, logger, clock, ...(slack.listener ? { slackListener: slack.listener } : {}) });
  const url = await http.listen({ port: 0, host: '127.0.0.1' });
  await slack.start();
  return {
    url,
    slack,
    http,
    clock,
    logs: () => chunks.join(''),
    close: async () => {
      await slack.stop();
      await http.close();
    },
  };
}
