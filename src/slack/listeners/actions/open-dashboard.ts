import type { App } from '@slack/bolt';
import { OPEN_DASHBOARD_ACTION } from '../../blocks/nudge.js';

/**
 * "Open dashboard" / "Open your dashboard" (the nudge, /mykpis) is a link to the App Home: Slack
 * opens it itself and still sends the click, which must be acknowledged or Slack shows an error.
 */
export function registerOpenDashboard(app: App): void {
  app.action(OPEN_DASHBOARD_ACTION, async ({ ack }) => {
    await ack();
  });
}
