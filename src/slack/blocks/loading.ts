import type { ModalView } from '@slack/types';
import { clip, MAX_MODAL_TITLE } from './limits.js';

/**
 * A modal opened at once (a trigger id lives 3 s) and filled by views.update when the numbers
 * are ready.
 */
export function renderLoadingModal(title: string): ModalView {
  return {
    type: 'modal',
    title: { type: 'plain_text', text: clip(title, MAX_MODAL_TITLE) },
    close: { type: 'plain_text', text: 'Close' },
    blocks: [{ type: 'section', text: { type: 'mrkdwn', text: ':hourglass_flowing_sand: Working out the numbers…' } }],
  };
}

/** Wraps message blocks (e.g. a rep's /mykpis) in a modal, for a manager opening a rep from the App Home. */
export function renderMessageModal(title: string, message: { blocks?: ModalView['blocks'] }): ModalView {
  return {
    type: 'modal',
    title: { type: 'plain_text', text: clip(title, MAX_MODAL_TITLE) },
    close: { type: 'plain_text', text: 'Close' },
    blocks: message.blocks ?? [],
  };
}
