/**
 * Length budgets of Pacer's messages, in visible characters (./visible-text.ts): each is read by
 * a busy person on a phone, where about 1,200 characters fill one screen. Renderers fit them by
 * choosing what to show, never by clipping an ask, a headline or a button; tests assert them on
 * the demo org's largest team and on a 60-rep team.
 */
export const LENGTH_BUDGET = {
  /** One behaviour alert inside a rep's alert message (each alert keeps its own buttons). */
  alertItem: 500,
  nudge: 900,
  mykpis: 1200,
  recap: 1500,
  digest: 2000,
  teamkpis: 2000,
  /** The DM an admin gets when a CRM source stops (one ask and its fix). */
  sourceStopped: 600,
} as const;

export type BudgetedSurface = keyof typeof LENGTH_BUDGET;
