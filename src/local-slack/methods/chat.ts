import type { Conversation, Workspace } from '../directory.js';
import { SlackApiError } from '../params.js';
import type { LocalSlackState } from '../state.js';
import type { StoredMessage } from '../types.js';
import type { AuthedContext, MethodDefinition } from './context.js';
import { checkMessageBlocks, checkMessageContent } from './message-content.js';
import { checkSlackFiles } from './slack-files.js';

/**
 * Where a post goes, or the Slack error (channel_not_found, not_in_channel, is_archived,
 * account_inactive…); `publicReach` as in Directory.resolveForPosting.
 */
export function resolveConversation(state: LocalSlackState, workspace: Workspace, channelArg: string, publicReach = false): Conversation {
  const resolved = state.directory.resolveForPosting(workspace, channelArg, publicReach);
  if (typeof resolved === 'string') throw new SlackApiError(resolved);
  return resolved;
}

/** The message object Slack returns with chat.postMessage and chat.update. */
function messageObject(workspace: Workspace, message: StoredMessage): Record<string, unknown> {
  return {
    type: 'message',
    user: workspace.botUserId,
    bot_id: workspace.botId,
    app_id: workspace.appId,
    team: workspace.teamId,
    ts: message.ts,
    text: message.text,
    ...(message.blocks ? { blocks: message.blocks } : {}),
    ...(message.attachments ? { attachments: message.attachments } : {}),
    ...(message.threadTs ? { thread_ts: message.threadTs } : {}),
    ...(message.metadata !== undefined ? { metadata: message.metadata } : {}),
    ...(message.edited ? { edited: { user: workspace.botUserId, ts: message.edited.ts } } : {}),
  };
}

/**
 * The key of a post's per-channel rate-limit bucket: the channel id, or the user for DMs, so a
 * post by user id and one by DM id share a bucket as they share a conversation.
 */
function bucketKey(workspace: Workspace, channelArg: string): string {
  const dmUser = workspace.userByDm.get(channelArg);
  if (dmUser) return dmUser;
  return channelArg;
}

function checkRateLimit({ state, workspace }: AuthedContext, channelArg: string): void {
  if (!state.limiter) return;
  const verdict = state.limiter.tryPost(workspace.teamId, bucketKey(workspace, channelArg), state.now());
  if (!verdict.ok) {
    throw new SlackApiError('ratelimited', {}, 429, { 'Retry-After': String(verdict.retryAfterSeconds) });
  }
}

/** The channel a chat.update or chat.delete names: a conversation id, or a user id for its DM. */
function existingConversationId(workspace: Workspace, channelArg: string): string {
  if (workspace.channels.has(channelArg) || workspace.userByDm.has(channelArg)) return channelArg;
  const dm = workspace.dmByUser.get(channelArg);
  if (dm) return dm;
  throw new SlackApiError('channel_not_found');
}

function findOwnMessage(state: LocalSlackState, workspace: Workspace, channel: string, ts: string): StoredMessage {
  const message = state.records.findMessage(workspace.teamId, channel, ts);
  if (!message || message.ephemeral) throw new SlackApiError('message_not_found');
  return message;
}

const postMessage: MethodDefinition = {
  auth: 'bot',
  scope: 'chat:write',
  handle(ctx) {
    const { params, state, workspace } = ctx;
    const channelArg = params.required('channel', 'channel_not_found');
    checkRateLimit(ctx, channelArg);
    const conversation = resolveConversation(state, workspace, channelArg, true);
    const content = checkMessageContent(params.string('text'), params.raw('blocks'), params.raw('attachments'));
    checkSlackFiles(state, workspace, content.blocks, '/blocks', 'invalid_blocks');
    const threadTs = params.string('thread_ts') || undefined;
    const message: StoredMessage = {
      teamId: workspace.teamId,
      channel: conversation.id,
      ...(conversation.kind === 'dm' ? { dmUserId: conversation.user.id } : {}),
      ts: state.nextTs(),
      ...(threadTs ? { threadTs } : {}),
      ...content,
      ...(params.has('metadata') ? { metadata: params.raw('metadata') } : {}),
      ephemeral: false,
    };
    state.records.messages.push(message);
    return { channel: message.channel, ts: message.ts, message: messageObject(workspace, message) };
  },
};

const postEphemeral: MethodDefinition = {
  auth: 'bot',
  scope: 'chat:write',
  handle({ params, state, workspace }) {
    const channelArg = params.required('channel', 'channel_not_found');
    const userId = params.required('user', 'user_not_found');
    const user = workspace.users.get(userId);
    if (!user) throw new SlackApiError('user_not_found');
    if (user.deleted) throw new SlackApiError('account_inactive');
    const conversation = resolveConversation(state, workspace, channelArg);
    if (conversation.kind === 'dm' && conversation.user.id !== userId) throw new SlackApiError('user_not_in_channel');
    const content = checkMessageContent(params.string('text'), params.raw('blocks'), params.raw('attachments'));
    checkSlackFiles(state, workspace, content.blocks, '/blocks', 'invalid_blocks');
    const threadTs = params.string('thread_ts') || undefined;
    const message: StoredMessage = {
      teamId: workspace.teamId,
      channel: conversation.id,
      ...(conversation.kind === 'dm' ? { dmUserId: conversation.user.id } : {}),
      ts: state.nextTs(),
      ...(threadTs ? { threadTs } : {}),
      ...content,
      ephemeral: true,
      ephemeralUserId: userId,
    };
    state.records.messages.push(message);
    return { message_ts: message.ts };
  },
};

/**
 * chat.update: text and blocks not sent are kept, as Slack does (an empty blocks array removes
 * them); the result must still carry a fallback text.
 */
const update: MethodDefinition = {
  auth: 'bot',
  scope: 'chat:write',
  handle({ params, state, workspace }) {
    const channel = existingConversationId(workspace, params.required('channel', 'channel_not_found'));
    const message = findOwnMessage(state, workspace, channel, params.required('ts', 'message_not_found'));
    const blocksArg = params.raw('blocks');
    const blocks = blocksArg === undefined ? message.blocks : checkMessageBlocks(blocksArg);
    const text = params.string('text') ?? message.text;
    const content = checkMessageContent(text, blocks && blocks.length > 0 ? blocks : undefined, params.raw('attachments') ?? message.attachments);
    checkSlackFiles(state, workspace, content.blocks, '/blocks', 'invalid_blocks');
    message.text = content.text;
    if (content.blocks) message.blocks = content.blocks;
    else delete message.blocks;
    if (content.attachments) message.attachments = content.attachments;
    if (params.has('metadata')) message.metadata = params.raw('metadata');
    message.edited = { ts: state.nextTs() };
    return { channel, ts: message.ts, text: message.text, message: messageObject(workspace, message) };
  },
};

const remove: MethodDefinition = {
  auth: 'bot',
  scope: 'chat:write',
  handle({ params, state, workspace }) {
    const channel = existingConversationId(workspace, params.required('channel', 'channel_not_found'));
    const message = findOwnMessage(state, workspace, channel, params.required('ts', 'message_not_found'));
    state.records.messages.splice(state.records.messages.indexOf(message), 1);
    return { channel, ts: message.ts };
  },
};

export const chatMethods: Record<string, MethodDefinition> = {
  'chat.postMessage': postMessage,
  'chat.postEphemeral': postEphemeral,
  'chat.update': update,
  'chat.delete': remove,
};
