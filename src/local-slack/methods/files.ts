import type { Workspace } from '../directory.js';
import { SlackApiError } from '../params.js';
import type { LocalSlackState } from '../state.js';
import type { StoredFile, StoredMessage } from '../types.js';
import { resolveConversation } from './chat.js';
import type { MethodDefinition } from './context.js';

/** Path of the upload URLs handed out by files.getUploadURLExternal; the server accepts the bytes there. */
export const UPLOAD_PATH = '/upload';

function fileObject(workspace: Workspace, file: StoredFile): Record<string, unknown> {
  return {
    id: file.id,
    name: file.filename,
    title: file.title ?? file.filename,
    mimetype: file.contentType ?? 'application/octet-stream',
    size: file.bytes?.length ?? file.length,
    user: workspace.botUserId,
    channels: file.channels,
    ...(file.altText ? { alt_txt: file.altText } : {}),
  };
}

/** files.getUploadURLExternal: announces a file (filename, length in bytes) and hands out where to send it. */
const getUploadUrl: MethodDefinition = {
  auth: 'bot',
  handle({ params, state, workspace }) {
    const filename = params.required('filename');
    const lengthArg = params.required('length');
    const length = Number(lengthArg);
    if (!Number.isInteger(length) || length < 1) {
      throw new SlackApiError('invalid_arguments', { response_metadata: { messages: [`[ERROR] length must be a positive integer, got ${lengthArg} [json-pointer:/length]`] } });
    }
    const id = state.nextId('F');
    const altText = params.string('alt_text') || undefined;
    state.records.files.set(id, { id, teamId: workspace.teamId, filename, length, completed: false, channels: [], ...(altText ? { altText } : {}) });
    return { upload_url: `${state.baseUrl}${UPLOAD_PATH}/${id}`, file_id: id };
  },
};

/**
 * The files to complete: each must have been announced by this workspace, uploaded, and not
 * completed before ("this method can only be called once"); otherwise `file_not_found`.
 */
function filesToComplete(state: LocalSlackState, workspace: Workspace, raw: unknown): { file: StoredFile; title?: string }[] {
  if (!Array.isArray(raw) || raw.length === 0) throw SlackApiError.missing('files');
  return raw.map((entry: unknown) => {
    const id = typeof entry === 'object' && entry !== null ? (entry as { id?: unknown }).id : undefined;
    const file = typeof id === 'string' ? state.records.files.get(id) : undefined;
    if (!file || file.teamId !== workspace.teamId || file.completed || !file.bytes) throw new SlackApiError('file_not_found');
    const title = (entry as { title?: unknown }).title;
    return { file, ...(typeof title === 'string' && title !== '' ? { title } : {}) };
  });
}

/**
 * files.completeUploadExternal: finishes the uploads and, with channel_id (or channels), shares
 * them there in one message carrying initial_comment, like Slack's file share message.
 */
const completeUpload: MethodDefinition = {
  auth: 'bot',
  handle({ params, state, workspace }) {
    const entries = filesToComplete(state, workspace, params.raw('files'));
    const channelArgs = [params.string('channel_id'), ...(params.string('channels') ?? '').split(',')].map((c) => c?.trim()).filter((c): c is string => !!c);
    const conversations = channelArgs.map((arg) => resolveConversation(state, workspace, arg));
    const initialComment = params.string('initial_comment') || undefined;
    const threadTs = params.string('thread_ts') || undefined;
    for (const { file, title } of entries) {
      file.completed = true;
      if (title) file.title = title;
      file.channels = conversations.map((c) => c.id);
      if (initialComment) file.initialComment = initialComment;
      if (threadTs) file.threadTs = threadTs;
    }
    for (const conversation of conversations) {
      const message: StoredMessage = {
        teamId: workspace.teamId,
        channel: conversation.id,
        ...(conversation.kind === 'dm' ? { dmUserId: conversation.user.id } : {}),
        ts: state.nextTs(),
        ...(threadTs ? { threadTs } : {}),
        text: initialComment ?? '',
        ephemeral: false,
        fileIds: entries.map((e) => e.file.id),
      };
      state.records.messages.push(message);
    }
    return { files: entries.map(({ file }) => ({ id: file.id, title: file.title ?? file.filename })) };
  },
};

const info: MethodDefinition = {
  auth: 'bot',
  read: true,
  handle({ params, state, workspace }) {
    const file = state.records.files.get(params.required('file', 'file_not_found'));
    if (!file || file.teamId !== workspace.teamId || !file.completed) throw new SlackApiError('file_not_found');
    return { file: fileObject(workspace, file) };
  },
};

export const fileMethods: Record<string, MethodDefinition> = {
  'files.getUploadURLExternal': getUploadUrl,
  'files.completeUploadExternal': completeUpload,
  'files.info': info,
};
