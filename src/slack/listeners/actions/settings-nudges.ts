import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import type { SlackDeps } from '../../deps.js';
import { onSettingChange } from '../action-kit.js';

/** App Home: weekly nudges on or off. */
export function registerSettingsNudges(app: App, deps: SlackDeps): void {
  onSettingChange<BlockAction<ButtonAction>>(app, deps, 'settings_toggle_nudges', (action) => ({ nudgesEnabled: action.value === 'on' }));
}
