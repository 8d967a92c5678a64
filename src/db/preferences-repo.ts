import type { Database } from './client.js';

/** A member's App Home settings; null fields fall back to the team's config. */
export interface MemberPreferences {
  nudgesEnabled: boolean | null;
  digestEnabled: boolean | null;
  sendTime: string | null;
}

export async function readPreferences(db: Database, memberId: number): Promise<MemberPreferences> {
  const row = await db.prisma.memberPreference.findUnique({ where: { memberId } });
  return { nudgesEnabled: row?.nudgesEnabled ?? null, digestEnabled: row?.digestEnabled ?? null, sendTime: row?.sendTime ?? null };
}

export async function savePreferences(db: Database, memberId: number, change: Partial<MemberPreferences>): Promise<MemberPreferences> {
  const row = await db.prisma.memberPreference.upsert({ where: { memberId }, create: { memberId, ...change }, update: change });
  return { nudgesEnabled: row.nudgesEnabled, digestEnabled: row.digestEnabled, sendTime: row.sendTime };
}
