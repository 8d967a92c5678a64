import { createHash, randomBytes } from 'node:crypto';
import type { ApiKeyScope } from '../generated/prisma/enums.js';
import type { Database } from './client.js';

export type { ApiKeyScope };

/** sha256 of the whole key: enough for random 192-bit keys, and lookups stay one index probe. */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

export interface CreatedApiKey {
  id: number;
  scope: ApiKeyScope;
  /** The key itself: shown once, never stored. */
  key: string;
}

/** The id of the workspace with this Slack team id, if the database holds it. */
export async function findWorkspace(db: Database, slackTeamId: string): Promise<number | undefined> {
  return (await db.prisma.workspace.findUnique({ where: { slackTeamId }, select: { id: true } }))?.id;
}

export async function findOrCreateWorkspace(db: Database, slackTeamId: string): Promise<{ id: number; created: boolean }> {
  const existing = await findWorkspace(db, slackTeamId);
  if (existing !== undefined) return { id: existing, created: false };
  const created = await db.prisma.workspace.upsert({ where: { slackTeamId }, create: { slackTeamId }, update: {}, select: { id: true } });
  return { id: created.id, created: true };
}

export async function createApiKey(db: Database, workspaceId: number, scope: ApiKeyScope): Promise<CreatedApiKey> {
  const key = `pacer_${scope}_${randomBytes(24).toString('base64url')}`;
  const row = await db.prisma.apiKey.create({
    data: { workspaceId, scope, prefix: key.slice(0, scope.length + 10), hash: hashApiKey(key) },
    select: { id: true },
  });
  return { id: row.id, scope, key };
}

export interface ApiKeyInfo {
  id: number;
  workspace: string;
  scope: ApiKeyScope;
  prefix: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

export async function listApiKeys(db: Database): Promise<ApiKeyInfo[]> {
  const rows = await db.prisma.apiKey.findMany({ include: { workspace: { select: { slackTeamId: true } } }, orderBy: { id: 'asc' } });
  return rows.map((r) => ({
    id: r.id,
    workspace: r.workspace.slackTeamId,
    scope: r.scope,
    prefix: r.prefix,
    createdAt: r.createdAt,
    lastUsedAt: r.lastUsedAt,
    revokedAt: r.revokedAt,
  }));
}

/** Returns false when there is no such key or it was already revoked. */
export async function revokeApiKey(db: Database, id: number, at: Date): Promise<boolean> {
  const { count } = await db.prisma.apiKey.updateMany({ where: { id, revokedAt: null }, data: { revokedAt: at } });
  return count > 0;
}

export interface VerifiedKey {
  id: number;
  workspaceId: number;
  scope: ApiKeyScope;
}

/** The live key matching `key`, or null. Touches lastUsedAt at most once a minute per key. */
export async function verifyApiKey(db: Database, key: string, now: Date): Promise<VerifiedKey | null> {
  const row = await db.prisma.apiKey.findUnique({
    where: { hash: hashApiKey(key) },
    select: { id: true, workspaceId: true, scope: true, revokedAt: true, lastUsedAt: true },
  });
  if (!row || row.revokedAt) return null;
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() > 60_000) {
    await db.prisma.apiKey.update({ where: { id: row.id }, data: { lastUsedAt: now } });
  }
  return { id: row.id, workspaceId: row.workspaceId, scope: row.scope };
}
