import type { Installation, InstallationQuery, InstallationStore } from '@slack/oauth';
import type { Prisma } from '../generated/prisma/client.js';
import type { EncryptionKeys } from '../secrets/keys.js';
import type { Database } from './client.js';
import { openInstallation, sealInstallation } from './installation-secrets.js';
import { forgetGrantedScopes } from './slack-scopes-repo.js';

/** Bolt's lookup key: an org-wide install has no team id, a plain one no enterprise id. */
function keyOf(q: { enterpriseId?: string | undefined; teamId?: string | undefined; isEnterpriseInstall?: boolean | undefined }) {
  return { enterpriseId: q.enterpriseId ?? '', slackTeamId: q.isEnterpriseInstall ? '' : (q.teamId ?? '') };
}

function teamIdOf(installation: Installation): string | undefined {
  return installation.isEnterpriseInstall ? undefined : installation.team?.id;
}

/** The round trip through JSON gives a plain value (Installation has optional fields). */
function asJson(installation: Installation): Record<string, unknown> {
  return JSON.parse(JSON.stringify(installation)) as Record<string, unknown>;
}

/** What storeInstallation wrote: Bolt's Installation, serialised (a bot or user token, a user id). */
function isInstallation(value: unknown): value is Installation {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || !('user' in value)) return false;
  const user = value.user;
  return typeof user === 'object' && user !== null && !Array.isArray(user) && 'id' in user && typeof user.id === 'string';
}

/**
 * Bolt's InstallationStore in the database, its tokens sealed under `keys.current` (a row sealed
 * under `keys.previous` is still read; a plain row, from before keys, is read as it is).
 * Installing a workspace creates it in Pacer (empty until a coaching config names it);
 * reinstalling clears its disconnected mark, so deliveries resume, and forgets the scopes found
 * missing that the new installation grants.
 */
export function databaseInstallationStore(db: Database, keys: EncryptionKeys): InstallationStore {
  return {
    async storeInstallation(installation) {
      const key = keyOf({ enterpriseId: installation.enterprise?.id, teamId: installation.team?.id, isEnterpriseInstall: installation.isEnterpriseInstall });
      const sealed = sealInstallation(asJson(installation), keys.current, key);
      const stored = { botUserId: installation.bot?.userId ?? null, installation: sealed.installation as Prisma.InputJsonObject, secrets: sealed.secrets, keyId: sealed.keyId };
      await db.prisma.$transaction([
        db.prisma.slackInstallation.upsert({
          where: { enterpriseId_slackTeamId: key },
          create: { ...key, ...stored },
          update: stored,
        }),
        ...(teamIdOf(installation)
          ? [
              db.prisma.workspace.upsert({
                where: { slackTeamId: teamIdOf(installation)! },
                create: { slackTeamId: teamIdOf(installation)!, name: installation.team?.name ?? null },
                update: { slackDisconnectedAt: null },
              }),
            ]
          : []),
      ]);
      const teamId = teamIdOf(installation);
      if (teamId) await forgetGrantedScopes(db, teamId, installation.bot?.scopes ?? []);
    },
    async fetchInstallation(query: InstallationQuery<boolean>) {
      const row = await db.prisma.slackInstallation.findUnique({ where: { enterpriseId_slackTeamId: keyOf(query) } });
      if (!row) throw new Error(`No Slack installation for team ${query.teamId ?? '-'} / enterprise ${query.enterpriseId ?? '-'}: install Pacer from /slack/install.`);
      const installation = openInstallation(row, keys);
      if (!isInstallation(installation)) throw new Error(`The stored Slack installation ${row.id} is unreadable; reinstall Pacer from /slack/install.`);
      return installation;
    },
    async deleteInstallation(query: InstallationQuery<boolean>) {
      await db.prisma.slackInstallation.deleteMany({ where: keyOf(query) });
    },
  };
}

/** Uninstall or token revocation: stop deliveries to the workspace and forget its tokens. */
export async function disconnectWorkspace(db: Database, slackTeamId: string, at: Date): Promise<void> {
  await db.prisma.$transaction([db.prisma.slackInstallation.deleteMany({ where: { slackTeamId } }), db.prisma.workspace.updateMany({ where: { slackTeamId }, data: { slackDisconnectedAt: at } })]);
}
