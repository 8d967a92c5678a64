/**
 * Applying a resolved coaching config (src/db/config-repo.ts writes it, all or nothing), and
 * reading back what it stored in `team.settings`.
 */
export { storeConfig as applyConfig, type ApplySummary, type ChangeCounts } from '../db/config-repo.js';
export { readTeamSettings, teamSettingsOf, TeamSettingsSchema, type TeamSettings } from './team-settings.js';
