/** How a seeded rep's pipeline flows: shared by the org (targets) and the events (the flow itself). */
import { startOfDateIn } from '../metrics/windows.js';
import type { SeedRep, SeedTeam } from './types.js';

/** Opportunities opened per qualified lead, and per week without a lead (referrals, expansion). */
export const OPPORTUNITY_PER_QUALIFIED = 0.75;
export const STANDALONE_OPPORTUNITIES_PER_WEEK = 0.3;

/** The rep's first working day, epoch ms: their start date or the first generated week. */
export function repActiveFrom(team: SeedTeam, rep: SeedRep): number {
  return rep.startDate === null ? team.start : Math.max(team.start, startOfDateIn(rep.startDate, team.timezone).getTime());
}
