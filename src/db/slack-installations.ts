import type { Installation, InstallationQuery, InstallationStore } from '@slack/oauth';
import type { Prisma } from '../generated/prisma/client.js';
import type { Database } from './client.js';
import { forgetGrantedScopes } from './slack-scopes-repo.js';

/** Bolt's lookup key: an org-wide install has no team id, a plain one no enterprise id. */
function keyOf(q: { enterpriseId?: string | undefined; teamId?: string | undefined; isEnterpriseInstall?: boolean | undefined }) {
  return { enterpriseId: q.enterpriseId ?? '', slackTeamId: q.isEnterpriseInstall ? '' : (q.teamId ?? '') };
}

function teamIdOf(installation: Installation): string | undefined {
  return installation.isEnterpriseInstall ? undefined : installation.team?.id;
}

/** The round trip through JSON gives Prisma a plain value (Installation has optional fields). */
function asJson(installation: Installation): Prisma.InputJsonValue {
  return JSON.parse(JSON.stringify(installation)) as Prisma.InputJsonValue;
}

/** What storeInstallation wrote: Bolt's Installation, serialised (a bot or user token, a user id). */
function isInstallation(value: Prisma.JsonValue): value is Prisma.JsonObject & Installation {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const user = value.user;
  return typeof user === 'object' && user !== null && !Array.isArray(user) && typeof user.id === 'string';
}

/**
 * Bolt's InstallationStore in the database. Installing a workspace creates it in Pacer (empty
 * until a coaching config names it); reinstalling clears its disconnected mark, so deliveries
 * resume, and forgets the scopes found missing that the new installation grants.
 */
export function databaseInstallationStore(db: Database): InstallationStore {
  return {
    async storeInstallation(installation) {
      const key = keyOf({ enterpriseId: installation.enterprise?.id, teamId: installation.team?.id, isEnterpriseInstall: installation.isEnterpriseInstall });
      await db.prisma.$transaction([
        db.prisma.slackInstallation.upsert({
          where: { enterpriseId_slackTeamId: key },
          create: { ...key, botUserId: installation.bot?.userId ?? null, installation: asJson(installation) },
          update: { botUserId: installation.bot?.userId ?? null, installation: asJson(installation) },
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
      if (!isInstallation(row.installation)) throw new Error(`The stored Slack installation ${row.id} is unreadable; reinstall Pacer from /slack/install.`);
      return row.installation;
    },
    async deleteInstallation(query: InstallationQuery<boolean>) {
      await db.prisma.slackInstallation.deleteMany({ where: keyOf(query) });
    },
  };
}

/** Uninstall or token revocation: stop deliveries to the workspace and forget its tokens. */
export async function disconnectWorkspace(db: Database, slackTeamId: string, at: Date): Promise<void> {
  await db.prisma.$transaction([
    db.prisma.slackInstallation.deleteMany({ where: { slackTeamId } }),
    db.prisma.workspace.updateMany({ where: { slackTeamId }, data: { slackDisconnectedAt: at } }),
  ]);
}
