import type { Database } from './client.js';

export type AlertAction = 'snooze_1d' | 'snooze_1w' | 'dismiss' | 'done';

const DAY_MS = 24 * 60 * 60 * 1000;

/** Records what a rep did with an alert; a snooze sets when it may return. */
export async function recordAlertAction(
  db: Database,
  input: { workspaceId: number; memberId: number; alertKey: string; action: AlertAction; now: Date },
): Promise<{ status: 'snoozed' | 'dismissed' | 'done'; snoozedUntil: Date | null }> {
  const snoozeMs = input.action === 'snooze_1d' ? DAY_MS : input.action === 'snooze_1w' ? 7 * DAY_MS : null;
  const status = snoozeMs !== null ? 'snoozed' : input.action === 'dismiss' ? 'dismissed' : 'done';
  const snoozedUntil = snoozeMs !== null ? new Date(input.now.getTime() + snoozeMs) : null;
  await db.prisma.alertState.upsert({
    where: { memberId_alertKey: { memberId: input.memberId, alertKey: input.alertKey } },
    create: { workspaceId: input.workspaceId, memberId: input.memberId, alertKey: input.alertKey, status, snoozedUntil, snoozeCount: snoozeMs !== null ? 1 : 0 },
    update: { status, snoozedUntil, ...(snoozeMs !== null ? { snoozeCount: { increment: 1 } } : {}) },
  });
  return { status, snoozedUntil };
}

/** "Useful / not useful" on a message; a second click replaces the first. */
export async function recordFeedback(db: Database, input: { workspaceId: number; slackUserId: string; memberId: number | null; subject: string; useful: boolean }): Promise<void> {
  const { workspaceId, slackUserId, subject } = input;
  await db.prisma.feedback.upsert({
    where: { workspaceId_slackUserId_subject: { workspaceId, slackUserId, subject } },
    create: input,
    update: { useful: input.useful, memberId: input.memberId },
  });
}
