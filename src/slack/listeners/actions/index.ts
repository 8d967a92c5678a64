import type { App } from '@slack/bolt';
import type { SlackDeps } from '../../deps.js';
import { registerAlertActions } from './alert.js';
import { registerAlertFeedback } from './alert-feedback.js';
import { registerFeedback } from './feedback.js';
import { registerOpenDashboard } from './open-dashboard.js';
import { registerOpenRecord } from './open-record.js';
import { registerOpenRep } from './open-rep.js';
import { registerSeeAllReps } from './see-all-reps.js';
import { registerSettingsDigest } from './settings-digest.js';
import { registerSettingsNudges } from './settings-nudges.js';
import { registerSettingsSendTime } from './settings-send-time.js';
import { registerShowEvents } from './show-events.js';
import { registerTeamKpisPage } from './teamkpis-page.js';

/**
 * Buttons and menus, one listener each: App Home settings and drill-downs, /teamkpis's other teams, the See all reps modal,
 * alert snooze/dismiss/done, alert 👍/👎 and pause undo, and feedback (the shared preamble: action-kit.ts).
 */
export function registerActions(app: App, deps: SlackDeps): void {
  registerOpenRecord(app);
  registerOpenDashboard(app);
  registerTeamKpisPage(app, deps);
  registerSeeAllReps(app, deps);
  registerShowEvents(app, deps);
  registerOpenRep(app, deps);
  registerSettingsNudges(app, deps);
  registerSettingsDigest(app, deps);
  registerSettingsSendTime(app, deps);
  registerAlertActions(app, deps);
  registerAlertFeedback(app, deps);
  registerFeedback(app, deps);
}
