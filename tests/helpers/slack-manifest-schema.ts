/**
 * Slack app manifest rules as a zod schema, for tests/unit/manifest.test.ts.
 *
 * Two layers:
 *  - `slackManifestSchema`: what Slack accepts for the parts of a manifest Pacer uses.
 *  - `pacerManifestSchema`: that, plus what Pacer's code needs (commands, scopes, events, modes).
 *
 * Sources for the numbers (checked 2025/26):
 *  [S] Slack's JSON schema, github.com/slackapi/manifest-schema, schemas/manifest.schema.2.0.0.json
 *      (the schema the Slack CLI validates against).
 *  [R] The app manifest reference, https://docs.slack.dev/reference/app-manifest
 *  [T] The manifest types shipped in @slack/web-api (node_modules/@slack/web-api/dist/types/request/manifest.d.ts),
 *      re-exported by @slack/bolt as `webApi`. Their doc comments repeat [R]'s limits and their
 *      unions list the scope and event names this file accepts.
 * A rule with no source listed here is marked where it is defined.
 */
import { z } from 'zod';
import type { webApi } from '@slack/bolt';

/** The manifest type of Slack's own SDK: the schema's output must be assignable to it (checked below). */
export type SdkManifest = webApi.AppsManifestCreateArguments['manifest'];
type SdkBotScope = NonNullable<NonNullable<NonNullable<SdkManifest['oauth_config']>['scopes']>['bot']>[number];
type SdkEvent = NonNullable<NonNullable<NonNullable<SdkManifest['settings']>['event_subscriptions']>['bot_events']>[number];

/**
 * Granular bot scopes Slack knows [T] (`BotScope` union; https://docs.slack.dev/reference/scopes).
 * `satisfies` makes tsc reject a name the SDK does not know.
 */
export const KNOWN_BOT_SCOPES = [
  'app_mentions:read',
  'bookmarks:read',
  'bookmarks:write',
  'calls:read',
  'calls:write',
  'channels:history',
  'channels:join',
  'channels:manage',
  'channels:read',
  'channels:write.invites',
  'channels:write.topic',
  'chat:write',
  'chat:write.customize',
  'chat:write.public',
  'commands',
  'conversations.connect:manage',
  'conversations.connect:read',
  'conversations.connect:write',
  'dnd:read',
  'emoji:read',
  'files:read',
  'files:write',
  'groups:history',
  'groups:read',
  'groups:write',
  'groups:write.invites',
  'groups:write.topic',
  'im:history',
  'im:read',
  'im:write',
  'incoming-webhook',
  'links.embed:write',
  'links:read',
  'links:write',
  'metadata.message:read',
  'mpim:history',
  'mpim:read',
  'mpim:write',
  'mpim:write.invites',
  'mpim:write.topic',
  'pins:read',
  'pins:write',
  'reactions:read',
  'reactions:write',
  'reminders:read',
  'reminders:write',
  'remote_files:read',
  'remote_files:share',
  'remote_files:write',
  'team.billing:read',
  'team.preferences:read',
  'team:read',
  'usergroups:read',
  'usergroups:write',
  'users.profile:read',
  'users:read',
  'users:read.email',
  'users:write',
  'workflow.steps:execute',
] as const satisfies readonly SdkBotScope[];

/** Events API event types Slack knows [T] (`ManifestEvent` union; https://docs.slack.dev/reference/events). */
export const KNOWN_EVENTS = [
  'app_context_changed',
  'app_home_opened',
  'app_mention',
  'app_rate_limited',
  'app_requested',
  'app_uninstalled',
  'assistant_thread_context_changed',
  'assistant_thread_started',
  'call_rejected',
  'channel_archive',
  'channel_created',
  'channel_deleted',
  'channel_history_changed',
  'channel_id_changed',
  'channel_left',
  'channel_rename',
  'channel_shared',
  'channel_unarchive',
  'channel_unshared',
  'dnd_updated',
  'dnd_updated_user',
  'email_domain_changed',
  'emoji_changed',
  'entity_details_requested',
  'file_change',
  'file_created',
  'file_deleted',
  'file_public',
  'file_shared',
  'file_unshared',
  'grid_migration_finished',
  'grid_migration_started',
  'group_archive',
  'group_close',
  'group_deleted',
  'group_history_changed',
  'group_left',
  'group_open',
  'group_rename',
  'group_unarchive',
  'im_close',
  'im_created',
  'im_history_changed',
  'im_open',
  'invite_requested',
  'link_shared',
  'member_joined_channel',
  'member_left_channel',
  'message',
  'message.app_home',
  'message.channels',
  'message.groups',
  'message.im',
  'message.mpim',
  'message_metadata_deleted',
  'message_metadata_posted',
  'message_metadata_updated',
  'pin_added',
  'pin_removed',
  'reaction_added',
  'reaction_removed',
  'scope_denied',
  'scope_granted',
  'shared_channel_invite_accepted',
  'shared_channel_invite_approved',
  'shared_channel_invite_declined',
  'shared_channel_invite_received',
  'star_added',
  'star_removed',
  'subteam_created',
  'subteam_members_changed',
  'subteam_self_added',
  'subteam_self_removed',
  'subteam_updated',
  'team_access_granted',
  'team_access_revoked',
  'team_domain_change',
  'team_join',
  'team_rename',
  'tokens_revoked',
  'user_change',
  'user_huddle_changed',
  'user_profile_changed',
  'user_resource_denied',
  'user_resource_granted',
  'user_resource_removed',
  'user_status_changed',
  'workflow_deleted',
  'workflow_published',
  'workflow_step_deleted',
  'workflow_step_execute',
  'workflow_unpublished',
] as const satisfies readonly SdkEvent[];

/** What Pacer requests, no more and no less (the product's contract with workspace admins). */
export const PACER_BOT_SCOPES = ['commands', 'chat:write', 'chat:write.public', 'im:write', 'users:read', 'users:read.email', 'files:read', 'files:write'] as const;
/** Events Pacer's Slack listener handles. */
export const PACER_BOT_EVENTS = ['app_home_opened', 'app_uninstalled', 'tokens_revoked'] as const;

/** Characters, not UTF-16 units, so that an emoji counts once. */
const len = (s: string) => [...s].length;
const text = (min: number, max: number, what: string) =>
  z
    .string()
    .refine((s) => len(s) >= min, { message: `${what} must be at least ${min} characters` })
    .refine((s) => len(s) <= max, { message: `${what} must be at most ${max} characters` });

/**
 * [S] allows http(s) for request URLs and anything for redirect URLs; [R] and [T] say "the full https URL".
 * Pacer takes the stricter rule: https, a host, no fragment. Max lengths from [S].
 */
const httpsUrl = (max: number) =>
  z
    .string()
    .max(max)
    .refine(
      (s) => {
        if (!URL.canParse(s)) return false;
        const u = new URL(s);
        return u.protocol === 'https:' && u.hostname !== '' && u.hash === '';
      },
      { message: 'must be a full https:// URL' },
    );

const uniqueStrings = <T extends z.ZodType<string>>(item: T) =>
  z.array(item).superRefine((xs, ctx) => {
    xs.forEach((x, i) => {
      if (xs.indexOf(x) !== i) ctx.addIssue({ code: 'custom', path: [i], message: `duplicate ${x}` });
    });
  });

const slashCommand = z.strictObject({
  // [S]: pattern ^/, 2–32 characters. "Lowercase, no spaces": the rule the app config page states
  // when saving a command; it is not in [S] or [R] (could not be confirmed from docs; from the brief).
  command: z
    .string()
    .min(2)
    .max(32, { message: 'command must be at most 32 characters including the /' })
    .regex(/^\//, { message: 'command must start with /' })
    .regex(/^\/[^\s\p{Lu}]+$/u, { message: 'command must be lowercase with no spaces' }),
  // [S]/[T]: optional; required when Socket Mode is off (refinement below).
  url: httpsUrl(3000).optional(),
  description: text(1, 2000, 'description'), // [S], [T]
  usage_hint: text(1, 1000, 'usage_hint').optional(), // [S], [T]
  should_escape: z.boolean().optional(),
});

export const slackManifestSchema = z
  .strictObject({
    _metadata: z
      .strictObject({
        // [T]: only 1 and 2 exist. [R]'s example uses 2.1.
        major_version: z.union([z.literal(1), z.literal(2)]),
        minor_version: z.int().nonnegative().optional(),
      })
      .optional(),
    display_information: z.strictObject({
      name: text(1, 35, 'name'), // [S], [T]
      description: text(1, 140, 'description').optional(), // [S], [T]
      // [S]: 175–4000. [R]'s example text says "minimum 174" (App Settings rejects shorter); 175 is the stricter.
      long_description: text(175, 4000, 'long_description').optional(),
      // [S]/[T] accept #RGB or #RRGGBB; Pacer writes the 6-digit form.
      background_color: z
        .string()
        .regex(/^#[0-9a-fA-F]{6}$/, { message: 'background_color must be #RRGGBB' })
        .optional(),
    }),
    features: z
      .strictObject({
        app_home: z
          .strictObject({
            home_tab_enabled: z.boolean().optional(),
            messages_tab_enabled: z.boolean().optional(),
            messages_tab_read_only_enabled: z.boolean().optional(),
          })
          .optional(),
        bot_user: z
          .strictObject({
            // [S]/[T]: 1–80. [T]'s comment also says "allowed characters a-z, 0-9, -, _ and .", but
            // [R]'s own example uses "Your Amazingly Helpful Bot" and Slack accepts capitals and
            // spaces, so only the length and surrounding whitespace are enforced here.
            display_name: text(1, 80, 'display_name').refine((s) => s.trim() === s, {
              message: 'display_name must not start or end with whitespace',
            }),
            always_online: z.boolean().optional(),
          })
          .optional(),
        slash_commands: z.array(slashCommand).min(1).max(50).optional(), // [S]: 1–50 items
      })
      .optional(),
    oauth_config: z
      .strictObject({
        redirect_urls: uniqueStrings(httpsUrl(2500)).max(1000).optional(), // [S]
        scopes: z
          .strictObject({
            bot: uniqueStrings(z.enum(KNOWN_BOT_SCOPES, { message: 'unknown bot scope' }))
              .max(255)
              .optional(),
            bot_optional: uniqueStrings(z.enum(KNOWN_BOT_SCOPES, { message: 'unknown bot scope' }))
              .max(255)
              .optional(),
            // User scopes are not modelled (Pacer requests none, and listing Slack's ~90 names buys
            // nothing): only an empty list passes, so adding one makes this file grow the list first.
            user: z.tuple([], { message: 'user scopes are not modelled here' }).optional(),
            user_optional: z.tuple([], { message: 'user scopes are not modelled here' }).optional(),
          })
          .optional(),
        token_management_enabled: z.boolean().optional(),
        pkce_enabled: z.boolean().optional(),
      })
      .optional(),
    settings: z
      .strictObject({
        allowed_ip_address_ranges: z.array(z.string()).min(1).max(50).optional(),
        event_subscriptions: z
          .strictObject({
            request_url: httpsUrl(3500).optional(), // [S]
            bot_events: uniqueStrings(z.enum(KNOWN_EVENTS, { message: 'unknown event type' }))
              .max(100)
              .optional(),
            user_events: uniqueStrings(z.enum(KNOWN_EVENTS, { message: 'unknown event type' }))
              .max(100)
              .optional(),
          })
          .optional(),
        incoming_webhooks: z.strictObject({ incoming_webhooks_enabled: z.boolean().optional() }).optional(),
        interactivity: z
          .strictObject({
            is_enabled: z.boolean(), // [S]: required in the group
            request_url: httpsUrl(3500).optional(),
            message_menu_options_url: httpsUrl(3500).optional(),
          })
          .optional(),
        org_deploy_enabled: z.boolean().optional(),
        socket_mode_enabled: z.boolean().optional(),
        token_rotation_enabled: z.boolean().optional(),
        is_hosted: z.boolean().optional(),
        function_runtime: z.string().optional(),
      })
      .optional(),
  })
  .superRefine((m, ctx) => {
    const commands = m.features?.slash_commands ?? [];
    commands.forEach((c, i) => {
      if (commands.findIndex((d) => d.command === c.command) !== i) {
        ctx.addIssue({ code: 'custom', path: ['features', 'slash_commands', i, 'command'], message: `duplicate command ${c.command}` });
      }
    });
    if (m.settings?.socket_mode_enabled === true) return;
    // HTTP delivery: Slack needs a Request URL for each command ([R]: url is "the slash command's
    // request URL"; optional only with Socket Mode). Events and interactivity likewise have nowhere
    // else to go; that these two are rejected at import is not confirmed from docs.
    commands.forEach((c, i) => {
      if (!c.url) ctx.addIssue({ code: 'custom', path: ['features', 'slash_commands', i, 'url'], message: 'url is required when socket_mode_enabled is not true' });
    });
    const ev = m.settings?.event_subscriptions;
    if (ev && ((ev.bot_events?.length ?? 0) > 0 || (ev.user_events?.length ?? 0) > 0) && !ev.request_url) {
      ctx.addIssue({ code: 'custom', path: ['settings', 'event_subscriptions', 'request_url'], message: 'request_url is required for events when socket_mode_enabled is not true' });
    }
    const ia = m.settings?.interactivity;
    if (ia?.is_enabled && !ia.request_url) {
      ctx.addIssue({ code: 'custom', path: ['settings', 'interactivity', 'request_url'], message: 'request_url is required for interactivity when socket_mode_enabled is not true' });
    }
  });

export type SlackManifest = z.output<typeof slackManifestSchema>;
// Compile-time: everything this schema accepts is a manifest by the SDK's own type.
export const _sdkConforms = (m: SlackManifest): SdkManifest => m;

const sameSet = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x) => b.includes(x));

/** Slack's rules plus Pacer's: what Pacer's code and README rely on. */
export const pacerManifestSchema = slackManifestSchema.superRefine((m, ctx) => {
  const add = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message });
  if (m._metadata?.major_version !== 2) add(['_metadata', 'major_version'], 'Pacer targets manifest schema version 2');
  if (m.display_information.name !== 'Pacer') add(['display_information', 'name'], 'must be "Pacer"');
  if (!m.display_information.description) add(['display_information', 'description'], 'Pacer has a description');

  const bot = m.features?.bot_user;
  if (bot?.display_name !== 'Pacer') add(['features', 'bot_user', 'display_name'], 'the bot user must be "Pacer"');
  if (bot?.always_online !== true) add(['features', 'bot_user', 'always_online'], 'must be true');

  const home = m.features?.app_home;
  for (const k of ['home_tab_enabled', 'messages_tab_enabled', 'messages_tab_read_only_enabled'] as const) {
    if (home?.[k] !== true) add(['features', 'app_home', k], 'must be true (Home tab; DMs from Pacer, read-only)');
  }

  const commands = m.features?.slash_commands ?? [];
  const wanted: Record<string, string> = { '/mykpis': '[last week | @rep | help]', '/teamkpis': '[last week | help]' };
  for (const [name, hint] of Object.entries(wanted)) {
    const i = commands.findIndex((c) => c.command === name);
    if (i < 0) {
      add(['features', 'slash_commands'], `missing ${name}`);
      continue;
    }
    if (commands[i]!.usage_hint !== hint) add(['features', 'slash_commands', i, 'usage_hint'], `must be "${hint}"`);
    // With should_escape Slack sends `@rep` as an escaped user id (<@U…|name>) rather than plain text.
    if (commands[i]!.should_escape !== true) add(['features', 'slash_commands', i, 'should_escape'], 'must be true');
  }
  commands.forEach((c, i) => {
    if (!(c.command in wanted)) add(['features', 'slash_commands', i, 'command'], `Pacer has no handler for ${c.command}`);
  });

  const scopes = m.oauth_config?.scopes?.bot ?? [];
  if (!sameSet(scopes, PACER_BOT_SCOPES)) {
    const missing = PACER_BOT_SCOPES.filter((s) => !scopes.includes(s));
    const extra = scopes.filter((s) => !(PACER_BOT_SCOPES as readonly string[]).includes(s));
    add(
      ['oauth_config', 'scopes', 'bot'],
      `must be exactly ${PACER_BOT_SCOPES.join(', ')}` + (missing.length ? `; missing ${missing.join(', ')}` : '') + (extra.length ? `; not wanted ${extra.join(', ')}` : ''),
    );
  }

  const events = m.settings?.event_subscriptions?.bot_events ?? [];
  for (const e of PACER_BOT_EVENTS) {
    if (!events.includes(e)) add(['settings', 'event_subscriptions', 'bot_events'], `missing ${e}`);
  }

  const s = m.settings;
  if (s?.interactivity?.is_enabled !== true) add(['settings', 'interactivity', 'is_enabled'], 'must be true');
  if (s?.org_deploy_enabled !== false) add(['settings', 'org_deploy_enabled'], 'must be false');
  if (s?.socket_mode_enabled !== true) add(['settings', 'socket_mode_enabled'], 'must be true in the committed manifest');
  if (s?.token_rotation_enabled !== false) add(['settings', 'token_rotation_enabled'], 'must be false');

  // Bolt's defaults: events, commands and interactivity on /slack/events, OAuth on /slack/oauth_redirect.
  // The host is whatever the operator deploys on, but every URL must name the same one.
  const requestUrls: [(string | number)[], string | undefined][] = [
    ...commands.map((c, i): [(string | number)[], string | undefined] => [['features', 'slash_commands', i, 'url'], c.url]),
    [['settings', 'event_subscriptions', 'request_url'], s?.event_subscriptions?.request_url],
    [['settings', 'interactivity', 'request_url'], s?.interactivity?.request_url],
  ];
  const redirects = m.oauth_config?.redirect_urls ?? [];
  if (redirects.length === 0) add(['oauth_config', 'redirect_urls'], 'needs the OAuth redirect URL for multi-workspace installs');
  const origins = new Set<string>();
  for (const [path, url] of requestUrls) {
    if (url === undefined) continue;
    if (!URL.canParse(url)) continue; // reported by the Slack layer
    const u = new URL(url);
    origins.add(u.origin);
    if (u.pathname !== '/slack/events') add(path, 'Pacer receives Slack requests on /slack/events');
  }
  redirects.forEach((url, i) => {
    if (!URL.canParse(url)) return;
    const u = new URL(url);
    origins.add(u.origin);
    if (u.pathname !== '/slack/oauth_redirect') add(['oauth_config', 'redirect_urls', i], 'Pacer completes OAuth on /slack/oauth_redirect');
  });
  if (origins.size > 1) add(['settings'], `all URLs must use one host, found ${[...origins].join(', ')}`);
});

/** Each issue as "dotted.path: message". */
export function issueLines(error: z.ZodError): string[] {
  return error.issues.map((i) => `${i.path.map(String).join('.')}: ${i.message}`);
}
