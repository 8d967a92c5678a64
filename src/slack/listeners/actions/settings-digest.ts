import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import type { SlackDeps } from '../../deps.js';
import { onSettingChange } from '../action-kit.js';

/** App Home: a manager's weekly digest on or off. */
export function registerSettingsDigest(app: App, deps: SlackDeps): void {
  onSettingChange<BlockAction<ButtonAction>>(app, deps, 'settings_toggle_digest', (action) => ({ digestEnabled: action.value === 'on' }));
}
