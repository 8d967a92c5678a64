import type { ImageBlock } from '@slack/types';
import { plain } from '../slack/blocks/kit.js';
import { clip } from '../slack/blocks/limits.js';

/** Slack's limit on an image block's alt text and on its title. */
const MAX_IMAGE_TEXT = 2000;

/** An image block showing a file uploaded to Slack (files.completeUploadExternal), by its id. */
export function imageBlock(fileId: string, altText: string, title?: string): ImageBlock {
  return {
    type: 'image',
    slack_file: { id: fileId },
    alt_text: clip(altText, MAX_IMAGE_TEXT),
    ...(title ? { title: plain(title, MAX_IMAGE_TEXT) } : {}),
  };
}
