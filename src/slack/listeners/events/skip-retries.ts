import type { App } from '@slack/bolt';
import { firstDelivery } from '../../../db/slack-event-receipts.js';
import type { SlackDeps } from '../../deps.js';

/**
 * Slack resends an event it thinks went unanswered (X-Slack-Retry-Num); the event id is
 * recorded atomically, so a retry, even one reaching another process, is handled once.
 */
export function registerSkipRetries(app: App, deps: SlackDeps): void {
  app.use(async ({ body, next, logger }) => {
    const eventId = 'event_id' in body && typeof body.event_id === 'string' ? body.event_id : null;
    if (eventId && !(await firstDelivery(deps.db, eventId))) {
      logger.debug(`event ${eventId} was already handled; ignoring the retry`);
      return;
    }
    await next();
  });
}
