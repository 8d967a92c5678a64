import { context, message, section, type SlackMessage } from './kit.js';
import { clip, escapeMrkdwn } from './limits.js';

/**
 * Short answers for when there is no report to show. They are kind (nobody did anything wrong),
 * say what to do next, and never reveal anything about another person: a refusal reads the same
 * whoever was asked about and whether or not they exist.
 */

const CONFIG_STEPS =
  'ask your manager (or whoever runs Pacer) to add your email to the coaching config, `pacer.config.yaml`, and apply it with `pacer config apply` (or send the server SIGHUP to reload it).';

/** Why a Slack user sees nothing, and how to get added; shared with the App Home of an unlinked user. */
export function notMappedText(email: string | null, workspaceName?: string): string {
  const where = workspaceName ? ` for ${escapeMrkdwn(clip(workspaceName, 100))}` : '';
  const who = email ? `Your Slack email, *${escapeMrkdwn(clip(email, 254))}*, isn’t` : 'Your Slack account isn’t';
  return `${who} in Pacer’s coaching config${where} yet, so there are no KPIs to show you. To get set up, ${CONFIG_STEPS}`;
}

/** The viewer is not in the coaching config. */
export function renderNotMapped(input: { email: string | null; workspaceName?: string }): SlackMessage {
  return message(`You’re not in Pacer’s coaching config yet: ask your manager to add your email.`, [
    section(`👋 ${notMappedText(input.email, input.workspaceName)}`),
    context('Pacer coaches on leading indicators: calls, meetings, speed to lead and conversion, next to your team’s top performers.'),
  ]);
}

const NOT_ALLOWED = {
  other_rep: 'You can see your own KPIs with `/mykpis`, and managers can see the reps of the teams they manage. This one isn’t available to you.',
  teamkpis_non_manager: '`/teamkpis` is for managers of a team in the coaching config. Your own KPIs are one `/mykpis` away.',
} as const;

/** A polite refusal that says nothing about the person asked about. */
export function renderNotAllowed(input: { subject: keyof typeof NOT_ALLOWED }): SlackMessage {
  return message(NOT_ALLOWED[input.subject].replace(/`/g, ''), [section(`🔒 ${NOT_ALLOWED[input.subject]}`)]);
}

/** The report cannot be computed (no team, an inactive member, an unknown indicator): `reason` says why, in a sentence. */
export function renderNoData(input: { reason: string }): SlackMessage {
  const reason = escapeMrkdwn(clip(input.reason, 1000));
  return message(`No numbers to show: ${reason}`, [
    section(`ℹ️ There are no numbers to show here: ${reason}`),
    context('If that looks wrong, whoever runs Pacer can check the coaching config (`pacer.config.yaml`).'),
  ]);
}

/** A manager who is not a rep asked /mykpis: point them to their team. */
export function renderManagerHint(input: { teams: readonly string[] }): SlackMessage {
  const teams = input.teams.map((t) => `*${escapeMrkdwn(clip(t, 100))}*`).join(', ');
  const text = `You manage ${teams || 'a team'} and aren’t a rep yourself, so \`/mykpis\` has no KPIs of yours. Try \`/teamkpis\` for your team, or \`/mykpis @rep\` for one of your reps.`;
  return message(text.replace(/[`*]/g, ''), [section(`👋 ${text}`)]);
}

/** This Slack workspace is not in any coaching config. */
export function renderNoWorkspace(input: { slackTeamId: string }): SlackMessage {
  const id = escapeMrkdwn(clip(input.slackTeamId, 40));
  return message(`Pacer isn’t set up for this Slack workspace (${id}) yet.`, [
    section(`ℹ️ Pacer isn’t set up for this Slack workspace yet. Whoever runs Pacer can add it to the coaching config (\`workspace: { id: ${id} }\`) and apply it with \`pacer config apply\`.`),
  ]);
}

/** Something went wrong; the request id lets an admin find the log line. */
export function renderError(input: { requestId: string }): SlackMessage {
  const id = escapeMrkdwn(clip(input.requestId, 100));
  return message(`Sorry, something went wrong on Pacer’s side (request ${id}). Please try again in a minute.`, [
    section('😕 Sorry, something went wrong on Pacer’s side. Please try again in a minute.'),
    context(`If it keeps happening, give this reference to whoever runs Pacer: \`${id}\``),
  ]);
}
