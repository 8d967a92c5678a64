import type { Workspace } from '../directory.js';
import { SlackApiError } from '../params.js';
import type { LocalSlackState } from '../state.js';
import type { StoredFile, StoredMessage } from '../types.js';
import { resolveConversation } from './chat.js';
import type { MethodDefinition } from './context.js';

/** Path of the upload URLs handed out by files.getUploadURLExternal; the server accepts the bytes there. */
export const UPLOAD_PATH = '/upload';
/**
 * Path where a completed file's bytes are served (its `url_private`). Unlike Slack's, it needs
 * no token, so a local page can show the image with a plain `<img src>`.
 */
export const FILE_PATH = '/files';

const EXTENSION_TYPES: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  svg: 'image/svg+xml',
  pdf: 'application/pdf',
  csv: 'text/csv',
  txt: 'text/plain',
  json: 'application/json',
};

/**
 * The file's type as Slack settles it once the upload is processed: from the bytes for common
 * images, else the type it was sent with, else the name's extension.
 */
export function fileMimetype(file: StoredFile): string {
  const b = file.bytes;
  if (b && b.length >= 8 && b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png';
  if (b && b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'image/jpeg';
  if (b && b.length >= 6 && (b.subarray(0, 6).toString('latin1') === 'GIF87a' || b.subarray(0, 6).toString('latin1') === 'GIF89a')) return 'image/gif';
  if (file.contentType) return file.contentType;
  const ext = /\.([a-z0-9]+)$/i.exec(file.filename)?.[1]?.toLowerCase();
  return (ext && EXTENSION_TYPES[ext]) || 'application/octet-stream';
}

function fileObject(state: LocalSlackState, workspace: Workspace, file: StoredFile): Record<string, unknown> {
  const mimetype = fileMimetype(file);
  const url = `${state.baseUrl}${FILE_PATH}/${file.id}`;
  return {
    id: file.id,
    name: file.filename,
    title: file.title ?? file.filename,
    mimetype,
    filetype: mimetype.split('/')[1]?.replace('jpeg', 'jpg').replace('svg+xml', 'svg') ?? 'binary',
    size: file.bytes?.length ?? file.length,
    user: workspace.botUserId,
    channels: file.channels,
    url_private: url,
    url_private_download: `${url}?download=1`,
    ...(file.altText ? { alt_txt: file.altText } : {}),
  };
}

/** files.getUploadURLExternal: announces a file (filename, length in bytes) and hands out where to send it. */
const getUploadUrl: MethodDefinition = {
  auth: 'bot',
  scope: 'files:write',
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
  scope: 'files:write',
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
  scope: 'files:read',
  read: true,
  handle({ params, state, workspace }) {
    const file = state.records.files.get(params.required('file', 'file_not_found'));
    if (!file || file.teamId !== workspace.teamId || !file.completed) throw new SlackApiError('file_not_found');
    return { file: fileObject(state, workspace, file) };
  },
};

export const fileMethods: Record<string, MethodDefinition> = {
  'files.getUploadURLExternal': getUploadUrl,
  'files.completeUploadExternal': completeUpload,
  'files.info': info,
};
