/**
 * What `team.settings` holds: written from a team's config, read back by every report and job.
 */
import { z } from 'zod';
import { DEFAULT_ALERT_LOOKBACK_DAYS, SCHEDULE_DEFAULTS, ScheduleSchema, THRESHOLD_DEFAULTS, ThresholdsSchema, withDefined, type TeamConfig } from './coaching.js';

/**
 * The resolved thresholds, alert lookback and schedule. Reading is lenient where writing is
 * strict — keys left out (a team created before a setting existed, or by other code with `{}`)
 * take the docs/metrics.md defaults, and unknown keys are ignored.
 */
export const TeamSettingsSchema = z.object({
  thresholds: z
    .object(ThresholdsSchema.shape)
    .partial()
    .default({})
    .transform((t) => withDefined(THRESHOLD_DEFAULTS, t)),
  alertLookbackDays: z.number().int().min(1).default(DEFAULT_ALERT_LOOKBACK_DAYS),
  schedule: z
    .object(ScheduleSchema.shape)
    .partial()
    .default({})
    .transform((s) => withDefined(SCHEDULE_DEFAULTS, s)),
});
export type TeamSettings = z.output<typeof TeamSettingsSchema>;

/** Reads `team.settings` back; throws when it holds values no config could have written. */
export function readTeamSettings(json: unknown): TeamSettings {
  const parsed = TeamSettingsSchema.safeParse(json ?? {});
  if (!parsed.success) {
    throw new Error(`team settings are malformed: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  return parsed.data;
}

export function teamSettingsOf(team: TeamConfig): TeamSettings {
  return { thresholds: team.thresholds, alertLookbackDays: team.alertLookbackDays, schedule: team.schedule };
}
