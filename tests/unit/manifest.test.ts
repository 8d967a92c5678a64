import { readFileSync } from 'node:fs';
import { describe, it, expect } from 'vitest';
import { parse } from 'yaml';
import type { z } from 'zod';
import { BOT_SCOPES } from '../../src/slack/scopes.js';
import { issueLines, pacerManifestSchema, PACER_BOT_EVENTS, PACER_BOT_SCOPES, slackManifestSchema } from '../helpers/slack-manifest-schema.js';

// Rules and their sources are in tests/helpers/slack-manifest-schema.ts.
const manifestPath = new URL('../../manifest.yml', import.meta.url);
const raw = readFileSync(manifestPath, 'utf8');
const manifest: any = parse(raw);

/** A fresh deep copy of the committed manifest, changed by `mutate`. */
function mutated(mutate: (m: any) => void): unknown {
  const copy = structuredClone(manifest);
  mutate(copy);
  return copy;
}

function errorsOf(schema: z.ZodType, value: unknown): string[] {
  const r = schema.safeParse(value);
  return r.success ? [] : issueLines(r.error);
}

const chars = (n: number) => 'x'.repeat(n);

describe('manifest.yml', () => {
  it('parses as one YAML mapping (yaml rejects duplicate keys)', () => {
    expect(manifest).toBeTypeOf('object');
    expect(Array.isArray(manifest)).toBe(false);
  });

  it("satisfies Slack's manifest rules", () => {
    expect(errorsOf(slackManifestSchema, manifest)).toEqual([]);
  });

  it("satisfies Pacer's rules", () => {
    expect(errorsOf(pacerManifestSchema, manifest)).toEqual([]);
  });

  it('declares what Pacer needs', () => {
    const m = pacerManifestSchema.parse(manifest);
    expect(m.display_information.name).toBe('Pacer');
    expect(m.features?.slash_commands?.map((c) => c.command).sort()).toEqual(['/mykpis', '/teamkpis']);
    expect([...(m.oauth_config?.scopes?.bot ?? [])].sort()).toEqual([...PACER_BOT_SCOPES].sort());
    // OAuth installs ask for what the manifest declares.
    expect([...BOT_SCOPES].sort()).toEqual([...PACER_BOT_SCOPES].sort());
    expect(m.settings?.event_subscriptions?.bot_events).toEqual(expect.arrayContaining([...PACER_BOT_EVENTS]));
    expect(m.settings?.socket_mode_enabled).toBe(true);
  });

  it('uses the placeholder host everywhere, as the README says', () => {
    const urls = raw.match(/https?:\/\/[^\s"']+/g) ?? [];
    const inValues = urls.filter((u) => !u.startsWith('https://docs.slack.dev/'));
    expect(inValues.length).toBeGreaterThanOrEqual(5);
    for (const u of inValues) expect(new URL(u).origin).toBe('https://pacer.example.com');
  });

  it('also passes in HTTP mode (socket mode off) because every request URL is present', () => {
    const http = mutated((m) => {
      m.settings.socket_mode_enabled = false;
    });
    expect(errorsOf(slackManifestSchema, http)).toEqual([]);
  });
});

describe('the validator rejects broken manifests, naming the path', () => {
  type Case = { name: string; mutate: (m: any) => void; path: string; slackRule: boolean };
  const cases: Case[] = [
    {
      name: 'a command without its leading slash',
      path: 'features.slash_commands.0.command',
      slackRule: true,
      mutate: (m) => {
        m.features.slash_commands[0].command = 'mykpis';
      },
    },
    {
      name: 'an uppercase command',
      path: 'features.slash_commands.0.command',
      slackRule: true,
      mutate: (m) => {
        m.features.slash_commands[0].command = '/MyKPIs';
      },
    },
    {
      name: 'a command with a space',
      path: 'features.slash_commands.1.command',
      slackRule: true,
      mutate: (m) => {
        m.features.slash_commands[1].command = '/team kpis';
      },
    },
    {
      name: 'a command of 33 characters',
      path: 'features.slash_commands.0.command',
      slackRule: true,
      mutate: (m) => {
        m.features.slash_commands[0].command = `/${chars(32)}`;
      },
    },
    {
      name: 'a duplicate command',
      path: 'features.slash_commands.1.command',
      slackRule: true,
      mutate: (m) => {
        m.features.slash_commands[1].command = '/mykpis';
      },
    },
    {
      name: 'a command description of 2001 characters',
      path: 'features.slash_commands.0.description',
      slackRule: true,
      mutate: (m) => {
        m.features.slash_commands[0].description = chars(2001);
      },
    },
    {
      name: 'a usage hint of 1001 characters',
      path: 'features.slash_commands.1.usage_hint',
      slackRule: true,
      mutate: (m) => {
        m.features.slash_commands[1].usage_hint = chars(1001);
      },
    },
    {
      name: 'a command without url in HTTP mode',
      path: 'features.slash_commands.0.url',
      slackRule: true,
      mutate: (m) => {
        m.settings.socket_mode_enabled = false;
        delete m.features.slash_commands[0].url;
      },
    },
    {
      name: 'a description of 141 characters',
      path: 'display_information.description',
      slackRule: true,
      mutate: (m) => {
        m.display_information.description = chars(141);
      },
    },
    {
      name: 'a name of 36 characters',
      path: 'display_information.name',
      slackRule: true,
      mutate: (m) => {
        m.display_information.name = chars(36);
      },
    },
    {
      name: 'no name',
      path: 'display_information.name',
      slackRule: true,
      mutate: (m) => {
        delete m.display_information.name;
      },
    },
    {
      name: 'a long description of 174 characters',
      path: 'display_information.long_description',
      slackRule: true,
      mutate: (m) => {
        m.display_information.long_description = chars(174);
      },
    },
    {
      name: 'a long description of 4001 characters',
      path: 'display_information.long_description',
      slackRule: true,
      mutate: (m) => {
        m.display_information.long_description = chars(4001);
      },
    },
    {
      name: 'a colour that is not #RRGGBB',
      path: 'display_information.background_color',
      slackRule: true,
      mutate: (m) => {
        m.display_information.background_color = 'navy';
      },
    },
    {
      name: 'a bot display name of 81 characters',
      path: 'features.bot_user.display_name',
      slackRule: true,
      mutate: (m) => {
        m.features.bot_user.display_name = chars(81);
      },
    },
    {
      name: 'an unknown event',
      path: 'settings.event_subscriptions.bot_events.3',
      slackRule: true,
      mutate: (m) => {
        m.settings.event_subscriptions.bot_events.push('app_home_closed');
      },
    },
    {
      name: 'an unknown scope name',
      path: 'oauth_config.scopes.bot.5',
      slackRule: true,
      mutate: (m) => {
        m.oauth_config.scopes.bot[5] = 'files:writ';
      },
    },
    {
      name: 'an http:// event URL',
      path: 'settings.event_subscriptions.request_url',
      slackRule: true,
      mutate: (m) => {
        m.settings.event_subscriptions.request_url = 'http://pacer.example.com/slack/events';
      },
    },
    {
      name: 'a redirect URL that is not a URL',
      path: 'oauth_config.redirect_urls.0',
      slackRule: true,
      mutate: (m) => {
        m.oauth_config.redirect_urls[0] = 'pacer.example.com/slack/oauth_redirect';
      },
    },
    {
      name: 'a misspelt key',
      path: 'features',
      slackRule: true,
      mutate: (m) => {
        m.features.slash_command = m.features.slash_commands;
      },
    },
    {
      name: 'interactivity without is_enabled',
      path: 'settings.interactivity.is_enabled',
      slackRule: true,
      mutate: (m) => {
        delete m.settings.interactivity.is_enabled;
      },
    },
    // Pacer's own rules: valid for Slack, wrong for Pacer.
    {
      name: 'a missing scope',
      path: 'oauth_config.scopes.bot',
      slackRule: false,
      mutate: (m) => {
        m.oauth_config.scopes.bot = m.oauth_config.scopes.bot.filter((s: string) => s !== 'files:write');
      },
    },
    {
      name: 'an extra scope',
      path: 'oauth_config.scopes.bot',
      slackRule: false,
      mutate: (m) => {
        m.oauth_config.scopes.bot.push('channels:history');
      },
    },
    {
      name: 'a missing product event',
      path: 'settings.event_subscriptions.bot_events',
      slackRule: false,
      mutate: (m) => {
        m.settings.event_subscriptions.bot_events = ['app_home_opened', 'app_uninstalled'];
      },
    },
    {
      name: 'a missing /teamkpis',
      path: 'features.slash_commands',
      slackRule: false,
      mutate: (m) => {
        m.features.slash_commands.pop();
      },
    },
    {
      name: 'should_escape off',
      path: 'features.slash_commands.0.should_escape',
      slackRule: false,
      mutate: (m) => {
        m.features.slash_commands[0].should_escape = false;
      },
    },
    {
      name: 'a writable Messages tab',
      path: 'features.app_home.messages_tab_read_only_enabled',
      slackRule: false,
      mutate: (m) => {
        m.features.app_home.messages_tab_read_only_enabled = false;
      },
    },
    {
      name: 'a request URL on another path',
      path: 'settings.interactivity.request_url',
      slackRule: false,
      mutate: (m) => {
        m.settings.interactivity.request_url = 'https://pacer.example.com/slack/actions';
      },
    },
    {
      name: 'URLs on two hosts',
      path: 'settings',
      slackRule: false,
      mutate: (m) => {
        m.oauth_config.redirect_urls[0] = 'https://other.example.com/slack/oauth_redirect';
      },
    },
  ];

  it.each(cases)('$name → $path', ({ mutate, path, slackRule }) => {
    const bad = mutated(mutate);
    const expected = expect.arrayContaining([expect.stringMatching(new RegExp(`^${path.replace(/\./g, '\\.')}: `))]);
    expect(errorsOf(pacerManifestSchema, bad)).toEqual(expected);
    // Slack-rule cases fail on Slack's layer alone; Pacer-rule cases are valid Slack manifests.
    if (slackRule) expect(errorsOf(slackManifestSchema, bad)).toEqual(expected);
    else expect(errorsOf(slackManifestSchema, bad)).toEqual([]);
  });

  it('names the limit in the message', () => {
    const errors = errorsOf(
      slackManifestSchema,
      mutated((m) => {
        m.display_information.description = chars(141);
      }),
    );
    expect(errors).toEqual(['display_information.description: description must be at most 140 characters']);
  });
});

describe("the limits are Slack's, not off by one", () => {
  const accepted: [string, (m: any) => void][] = [
    [
      'a name of exactly 35 characters',
      (m) => {
        m.display_information.name = chars(35);
      },
    ],
    [
      'a description of exactly 140 characters',
      (m) => {
        m.display_information.description = chars(140);
      },
    ],
    [
      '140 characters counted as characters, not UTF-16 units',
      (m) => {
        m.display_information.description = '📈'.repeat(140);
      },
    ],
    [
      'a long description of exactly 175 characters',
      (m) => {
        m.display_information.long_description = chars(175);
      },
    ],
    [
      'a long description of exactly 4000 characters',
      (m) => {
        m.display_information.long_description = chars(4000);
      },
    ],
    [
      'a command of exactly 32 characters',
      (m) => {
        m.features.slash_commands[0].command = `/${chars(31)}`;
      },
    ],
    [
      'a command with digits, - and _',
      (m) => {
        m.features.slash_commands[0].command = '/my-kpis_2';
      },
    ],
    [
      'a bot display name of exactly 80 characters',
      (m) => {
        m.features.bot_user.display_name = chars(80);
      },
    ],
    [
      'no long description (optional)',
      (m) => {
        delete m.display_information.long_description;
      },
    ],
    [
      'commands without url in Socket Mode',
      (m) => {
        for (const c of m.features.slash_commands) delete c.url;
      },
    ],
  ];
  it.each(accepted)('accepts %s', (_name, mutate) => {
    expect(errorsOf(slackManifestSchema, mutated(mutate))).toEqual([]);
  });
});
