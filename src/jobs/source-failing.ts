/**
 * The admins' DM when a CRM source stops (issue 13): each of the config's `admins:` is told once
 * per failing spell. The key of the delivery names the spell (the source and its failing_since)
 * and the admin, so however many processes and attempts see the spell, the ledger lets one DM
 * through per admin, and a crash between claiming and posting follows the ledger's rules (a claim
 * whose lease expired is taken over; a post cut off mid-call is never sent again). Every attempt
 * of the spell that fails for good offers the DM again, so one a process could not send (no
 * Slack there, Slack down) goes out at a later attempt; a success ends the spell, and the next
 * failure is a new spell with new keys.
 */
import type { Clock } from '../clock.js';
import { sourceEnvReferences, type SourceConfig } from '../config/sources-rules.js';
import type { Database } from '../db/client.js';
import { claimDelivery, settledKeys } from '../db/delivery-ledger.js';
import { failingSince, sourceAdmins } from '../db/sync-repo.js';
import type { Logger } from '../logger.js';
import { renderSourceStopped, type SourceProblem } from '../slack/blocks/source-stopped.js';
import type { DeliveryClients } from '../slack/delivery/clients.js';
import { postClaimed, type PostContext } from '../slack/delivery/post.js';
import { adminChannel } from '../slack/delivery/recipient.js';
import type { FailingSource, FailingSourceListener } from '../sync/runner.js';

export const SOURCE_FAILING_KIND = 'source_failing';
/** A claim covers looking the admin up and waiting for the post's turn. */
const CLAIM_LEASE_MS = 5 * 60 * 1000;

export interface SourceFailingDeps {
  db: Database;
  logger: Logger;
  clock: Clock;
  /** The environment the sync read its credentials from: which variables are unset, which values to keep out of the DM. */
  env: NodeJS.ProcessEnv;
  /** Slack's clients and delivery path; null in a process without Slack (a later attempt elsewhere tells the admins). */
  slack: { clients: DeliveryClients; post: PostContext } | null;
}

/** The ledger key of one admin's DM about one failing spell. */
export function sourceFailingKey(slackTeamId: string, admin: string, sourceId: number, since: Date): string {
  return `${SOURCE_FAILING_KIND}:${slackTeamId}:${admin}:${sourceId}:${since.getTime()}`;
}

/** What stopped the source, as the fix a person has to make, and the variables that fix is about. */
export function stopProblem(failure: Pick<FailingSource, 'kind' | 'token'>, source: SourceConfig, env: NodeJS.ProcessEnv): { problem: SourceProblem; variables: string[] } {
  const refs = sourceEnvReferences(source);
  const all = refs.map((r) => r.variable);
  switch (failure.kind) {
    case 'auth':
      return { problem: failure.token === 'revoked' ? 'token_revoked' : failure.token === 'expired' ? 'token_expired' : 'sign_in_refused', variables: all };
    case 'permission':
      return { problem: 'permission', variables: [] };
    case 'config': {
      const unset = all.filter((v) => !env[v]);
      if (unset.length > 0) return { problem: 'variable_unset', variables: unset };
      // All set: the value Pacer checks before signing in is Salesforce's private key.
      const key = refs.find((r) => r.path.at(-1) === 'privateKey');
      return { problem: 'variable_invalid', variables: key ? [key.variable] : all };
    }
    case 'refused':
    case 'rate_limit':
    case 'unavailable':
      return { problem: 'request_refused', variables: [] };
  }
}

/** Short values could be ordinary words of an error; a credential is longer than this. */
const MIN_SECRET_LENGTH = 8;

/** `text` with every value of the source's credential variables replaced, should a CRM have echoed one. */
export function withoutCredentials(text: string, source: SourceConfig, env: NodeJS.ProcessEnv): string {
  const values = sourceEnvReferences(source)
    .map((r) => env[r.variable])
    .filter((v): v is string => v !== undefined && v.length >= MIN_SECRET_LENGTH);
  return values.reduce((out, value) => out.split(value).join('[credential removed]'), text);
}

/** `npm run pacer -- sync NAME`, naming the workspace when the database holds several. */
export function syncCommand(source: string, slackTeamId: string, workspaces: number): string {
  return `npm run pacer -- sync ${source}${workspaces > 1 ? ` --workspace ${slackTeamId}` : ''}`;
}

/** The runner's listener (SyncDeps.onFailing) that tells the admins; its own failures are logged and end it. */
export function tellAdminsWhenFailing(deps: SourceFailingDeps): FailingSourceListener {
  return async (failing) => {
    const { row } = failing;
    const log = deps.logger.child({ source: row.name, workspace: row.slackTeamId, failingSince: failing.since.toISOString() });
    // Said once per spell: only the attempt that started it sees 'started'.
    const once = (message: string) => {
      if (failing.spell === 'started') log.warn(message);
    };
    const { admins, slackDisconnected, workspaces } = await sourceAdmins(deps.db, row.workspaceId);
    if (admins.length === 0) {
      once('no admins: in the coaching config, so nobody is told by DM that this source stopped; pacer status and the managers’ digests show it');
      return;
    }
    if (!deps.slack) {
      once('Slack is not configured in this process: the admins are told by the next failed attempt of a Pacer process connected to Slack');
      return;
    }
    if (slackDisconnected) {
      once('the workspace disconnected Pacer from Slack: the admins cannot be told by DM until it is reinstalled');
      return;
    }
    if ((await failingSince(deps.db, row.id))?.getTime() !== failing.since.getTime()) return; // the spell ended meanwhile
    const now = deps.clock.now();
    const keys = new Map(admins.map((admin) => [admin, sourceFailingKey(row.slackTeamId, admin, row.id, failing.since)]));
    const settled = await settledKeys(deps.db, [...keys.values()], now);
    const due = admins.filter((admin) => !settled.has(keys.get(admin)!));
    if (due.length === 0) return;
    const client = await deps.slack.clients.clientFor(row.slackTeamId);
    if (!client) {
      once('Pacer has no Slack token for this workspace: the admins cannot be told by DM');
      return;
    }
    const source = row.settings.source;
    const { problem, variables } = stopProblem(failing, source, deps.env);
    const dm = renderSourceStopped({
      crm: source.kind,
      source: row.name,
      problem,
      since: failing.since.toISOString(),
      lastSuccessAt: row.lastSuccessAt?.toISOString() ?? null,
      variables,
      syncCommand: syncCommand(row.name, row.slackTeamId, workspaces),
      error: withoutCredentials(failing.error, source, deps.env),
    });
    const post = { ...deps.slack.post, logger: log };
    for (const admin of due) {
      const intent = { workspaceId: row.workspaceId, key: keys.get(admin)!, kind: SOURCE_FAILING_KIND, recipient: admin, dueAt: failing.since };
      const claim = await claimDelivery(deps.db, intent, post.processId, now, CLAIM_LEASE_MS);
      if (!claim) continue;
      const found = await adminChannel(post, client, { workspaceId: row.workspaceId, entry: admin }, claim);
      if (found.status === 'failed') continue;
      const outcome = await postClaimed(post, client, { workspace: row.slackTeamId, channel: found.channel }, claim, [dm]);
      if (outcome.status === 'sent') log.info({ delivery: claim.key }, 'admin told by DM that the source stopped');
    }
  };
}
