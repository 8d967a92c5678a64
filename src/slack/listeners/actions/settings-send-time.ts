import type { App, BlockAction, StaticSelectAction } from '@slack/bolt';
import type { SlackDeps } from '../../deps.js';
import { onSettingChange } from '../action-kit.js';

const SEND_TIME = /^([01]\d|2[0-3]):[0-5]\d$/;

/** App Home: the time of day weekly messages arrive (HH:MM, the person's zone). */
export function registerSettingsSendTime(app: App, deps: SlackDeps): void {
  onSettingChange<BlockAction<StaticSelectAction>>(app, deps, 'settings_send_time', (action) => (SEND_TIME.test(action.selected_option.value) ? { sendTime: action.selected_option.value } : null));
}
