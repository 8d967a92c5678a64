import type { Command } from 'commander';
import { describeValue } from '../config/problems.js';
import { createApiKey, findOrCreateWorkspace, findWorkspace, listApiKeys, revokeApiKey, type ApiKeyScope } from '../db/api-keys.js';
import type { Database } from '../db/client.js';
import { action, CliExit, withDatabase } from './context.js';

/**
 * The workspace a new key is for: an existing one, or a new one when the id has a Slack team id's
 * shape (a typo such as "acme" would otherwise create a workspace no Slack team ever matches).
 */
async function keyWorkspace(db: Database, slackTeamId: string): Promise<{ id: number; created: boolean }> {
  const { SLACK_TEAM_ID } = await import('../config/coaching-schema.js');
  if (SLACK_TEAM_ID.test(slackTeamId)) return findOrCreateWorkspace(db, slackTeamId);
  const existing = await findWorkspace(db, slackTeamId);
  if (existing !== undefined) return { id: existing, created: false };
  throw new CliExit(
    `--workspace must be a Slack team id (T and capital letters or digits, e.g. T0123ABCD; E… for an Enterprise Grid org) ` +
      `or a workspace the database holds; ${describeValue(slackTeamId)} is neither`,
  );
}

export function registerApiKey(program: Command): void {
  const apiKey = program.command('api-key').description('create, list and revoke API keys');

  apiKey
    .command('create')
    .description('create a key; it is printed once, alone on the last line, and only its hash is stored')
    .requiredOption('--workspace <id>', 'Slack team id of the workspace (created if new)')
    .option('--scope <scope>', 'ingest (POST/DELETE events) or read (reports)', 'ingest')
    .action(
      action(async (opts: { workspace: string; scope: string }) => {
        if (opts.scope !== 'ingest' && opts.scope !== 'read') throw new CliExit(`--scope must be ingest or read, not "${opts.scope}"`);
        const scope: ApiKeyScope = opts.scope;
        await withDatabase(async ({ db }) => {
          const ws = await keyWorkspace(db, opts.workspace);
          const created = await createApiKey(db, ws.id, scope);
          if (ws.created) process.stdout.write(`created workspace ${opts.workspace}\n`);
          process.stdout.write(`created ${scope} key #${created.id} for workspace ${opts.workspace}; store it now, it is not shown again:\n`);
          process.stdout.write(`${created.key}\n`);
        });
      }),
    );

  apiKey
    .command('list')
    .description('list keys (prefix, scope, workspace, last use), never the keys themselves')
    .action(
      action(async () => {
        await withDatabase(async ({ db }) => {
          const keys = await listApiKeys(db);
          if (keys.length === 0) {
            process.stdout.write('no API keys; create one with `npm run pacer -- api-key create --workspace T…`\n');
            return;
          }
          const rows = keys.map((k) => [
            String(k.id),
            k.workspace,
            k.scope,
            `${k.prefix}…`,
            k.createdAt.toISOString(),
            k.lastUsedAt?.toISOString() ?? 'never',
            k.revokedAt ? `revoked ${k.revokedAt.toISOString()}` : 'active',
          ]);
          const header = ['id', 'workspace', 'scope', 'key', 'created', 'last used', 'status'];
          const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
          for (const row of [header, ...rows])
            process.stdout.write(
              `${row
                .map((c, i) => c.padEnd(widths[i]!))
                .join('  ')
                .trimEnd()}\n`,
            );
        });
      }),
    );

  apiKey
    .command('revoke')
    .description('revoke a key by id; requests with it get 401 from then on')
    .argument('<id>', 'key id, as shown by `api-key list`')
    .action(
      action(async (id: string) => {
        if (!/^\d+$/.test(id)) throw new CliExit(`key id must be a number, not "${id}"`);
        await withDatabase(async ({ db }) => {
          const done = await revokeApiKey(db, Number(id), new Date());
          if (!done) throw new CliExit(`no active API key #${id}`);
          process.stdout.write(`revoked key #${id}\n`);
        });
      }),
    );
}
