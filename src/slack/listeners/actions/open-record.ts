import type { App } from '@slack/bolt';
import { OPEN_RECORD_ACTION } from '../../blocks/record.js';

/** "Open in CRM": a link button; Slack opens the link itself and still sends the click, which needs an answer. */
export function registerOpenRecord(app: App): void {
  app.action(OPEN_RECORD_ACTION, async ({ ack }) => {
    await ack();
  });
}
