/**
 * Block Kit as HTML for the sandbox page: what Slack would show, faithfully enough to read and
 * click. Pure functions over untrusted JSON: every text and attribute value is HTML-escaped, links
 * are limited to http(s), and nothing in a message can add markup of its own. The output carries
 * classes only (no inline styles), so the page can run under a strict Content-Security-Policy.
 *
 * Covered: header, section (text, fields in a two-column grid, accessory), context, divider,
 * actions (buttons, static selects, overflow menus), image; mrkdwn with bold, italic, strike,
 * code, preformatted blocks, quotes, links, mentions, dates (their fallback) and a few emoji
 * shortcodes. Anything else is shown as "[unsupported block: type]" rather than guessed at.
 */

export interface BlockHtmlOptions {
  /** URL the page can load for a Slack file (an image block's `slack_file.id`). */
  imageUrl?: (fileId: string) => string;
  /** A user's display name for `<@U123>` mentions; the id is shown when it gives none. */
  userName?: (userId: string) => string | undefined;
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text made literal in HTML, in element content and in quoted attribute values alike. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
}

/** Slack's own escapes in mrkdwn (the only three it uses) back to characters. */
function decodeSlackEntities(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

/** The shortcodes Pacer's messages use, as the characters Slack shows; others stay as typed. */
const EMOJI: Record<string, string> = {
  white_check_mark: '✅',
  zzz: '💤',
  wave: '👋',
  '+1': '👍',
  thumbsup: '👍',
  '-1': '👎',
  thumbsdown: '👎',
  memo: '📝',
  hourglass_flowing_sand: '⏳',
  warning: '⚠️',
  tada: '🎉',
  chart_with_upwards_trend: '📈',
  dart: '🎯',
  star: '⭐',
};

/** Shortcodes in already-escaped text (escaping leaves `:name:` untouched). */
function emojify(escaped: string): string {
  return escaped.replace(/:([a-z0-9_+-]+):/g, (whole, name: string) => EMOJI[name] ?? whole);
}

/** Plain text (plain_text objects, button labels): escaped, with emoji shortcodes shown. */
function plainToHtml(text: string): string {
  return emojify(escapeHtml(text));
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (o: Record<string, unknown>, key: string): string | undefined => (typeof o[key] === 'string' ? o[key] : undefined);

/** http(s) URLs only (parsed, so `javascript:` or `slack://` never become links); null otherwise. */
function httpUrl(raw: string): string | null {
  try {
    const url = new URL(raw);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
  } catch {
    return null;
  }
}

/** An image source: http(s), or a path on this server (files the sandbox serves). */
function imageSrc(raw: string): string | null {
  if (/^\/(?!\/)/.test(raw) && !raw.includes('\\')) return raw;
  return httpUrl(raw);
}

// Placeholders for rendered tokens while emphasis is applied around them: private-use
// characters, removed from the input first, so text can never forge one.
const OPEN = '\uE000';
const CLOSE = '\uE001';
const PLACEHOLDER = /\uE000(\d+)\uE001/g;

/** `*bold*`, `_italic_`, `~strike~` where Slack reads them: not inside words, not across lines. */
function emphasis(escaped: string): string {
  const rule = (marker: string, tag: string) => {
    const m = marker === '*' ? '\\*' : marker;
    const re = new RegExp(`(^|[^\\p{L}\\p{N}${m}])${m}([^\\s${m}](?:[^\\n${m}]*?[^\\s${m}])?)${m}(?![\\p{L}\\p{N}${m}])`, 'gu');
    return (s: string) => s.replace(re, (_w, before: string, inner: string) => `${before}<${tag}>${inner}</${tag}>`);
  };
  return [rule('*', 'strong'), rule('_', 'em'), rule('~', 'del')].reduce((s, apply) => apply(s), escaped);
}

/** One `<…>` token: a date, a mention, a channel, a special mention or a link. */
function tokenToHtml(body: string, options: BlockHtmlOptions): string {
  const [target = '', ...rest] = body.split('|');
  const label = rest.length > 0 ? decodeSlackEntities(rest.join('|')) : null;
  if (target.startsWith('!date^')) {
    const [, ts = ''] = target.split('^');
    const seconds = Number(ts);
    const iso = Number.isFinite(seconds) && ts !== '' ? new Date(seconds * 1000).toISOString() : null;
    const shown = label ?? (iso ? `${iso.slice(0, 16).replace('T', ' ')} UTC` : '');
    return `<time class="sk-date"${iso ? ` datetime="${escapeHtml(iso)}"` : ''}>${escapeHtml(shown)}</time>`;
  }
  if (target.startsWith('!subteam^')) return `<span class="sk-mention">${escapeHtml(label ?? `@${target.slice('!subteam^'.length)}`)}</span>`;
  if (target.startsWith('!')) return `<span class="sk-mention">@${escapeHtml(label ?? target.slice(1))}</span>`;
  if (target.startsWith('@')) {
    const id = target.slice(1);
    const name = options.userName?.(id) ?? label ?? id;
    return `<span class="sk-mention" data-user-id="${escapeHtml(id)}">@${escapeHtml(name)}</span>`;
  }
  if (target.startsWith('#')) return `<span class="sk-mention">#${escapeHtml(label ?? target.slice(1))}</span>`;
  const url = decodeSlackEntities(target);
  const href = httpUrl(url);
  const text = label === null ? escapeHtml(url) : emphasis(emojify(escapeHtml(label)));
  if (href === null) return `<span class="sk-link-text" title="${escapeHtml(url)}">${text}</span>`;
  return `<a class="sk-link" href="${escapeHtml(href)}" target="_blank" rel="noopener noreferrer">${text}</a>`;
}

/** Inline mrkdwn (no preformatted blocks): tokens and code set aside, the rest escaped and emphasised. */
function inlineToHtml(text: string, options: BlockHtmlOptions): string {
  const rendered: string[] = [];
  const hold = (html: string) => `${OPEN}${rendered.push(html) - 1}${CLOSE}`;
  const held = text.replace(/`([^`\n]+)`|<([^<>\n]+)>/g, (_w, code: string | undefined, token: string | undefined) =>
    code !== undefined ? hold(`<code class="sk-code">${escapeHtml(decodeSlackEntities(code))}</code>`) : hold(tokenToHtml(token ?? '', options)),
  );
  const html = emphasis(emojify(escapeHtml(decodeSlackEntities(held))));
  return html.replace(PLACEHOLDER, (_w, i: string) => rendered[Number(i)] ?? '');
}

/** Lines of inline mrkdwn: `>` quotes grouped into blockquotes, line breaks kept. */
function linesToHtml(text: string, options: BlockHtmlOptions): string {
  const out: string[] = [];
  let quote: string[] = [];
  const flushQuote = () => {
    if (quote.length > 0) out.push(`<blockquote class="sk-quote">${quote.join('<br>')}</blockquote>`);
    quote = [];
  };
  const lines = text.split('\n');
  lines.forEach((line, i) => {
    const q = /^(?:>|&gt;) ?(.*)$/.exec(line);
    if (q) {
      quote.push(inlineToHtml(q[1] ?? '', options));
      return;
    }
    flushQuote();
    out.push(inlineToHtml(line, options) + (i < lines.length - 1 ? '<br>' : ''));
  });
  flushQuote();
  return out.join('');
}

/** Slack mrkdwn as safe HTML. */
export function mrkdwnToHtml(text: string, options: BlockHtmlOptions = {}): string {
  const clean = text.replace(/[\uE000\uE001]/g, '\uFFFD');
  const parts = clean.split(/```([\s\S]*?)```/);
  return parts.map((part, i) => (i % 2 === 1 ? `<pre class="sk-pre">${escapeHtml(decodeSlackEntities(part.replace(/^\n|\n$/g, '')))}</pre>` : linesToHtml(part, options))).join('');
}

/** A text object: mrkdwn rendered, plain text escaped. */
function textObjectToHtml(t: unknown, options: BlockHtmlOptions): string {
  if (typeof t === 'string') return plainToHtml(t);
  if (!isRecord(t)) return '';
  const text = str(t, 'text') ?? '';
  return t.type === 'mrkdwn' ? mrkdwnToHtml(text, options) : plainToHtml(text);
}

const plainOf = (t: unknown): string => (isRecord(t) ? (str(t, 'text') ?? '') : typeof t === 'string' ? t : '');

const attr = (name: string, value: string | undefined): string => (value === undefined ? '' : ` ${name}="${escapeHtml(value)}"`);

function unsupported(kind: 'block' | 'element', type: unknown): string {
  const name = typeof type === 'string' && type !== '' ? type : 'unknown';
  return `<div class="sk-unsupported">[unsupported ${kind}: ${escapeHtml(name)}]</div>`;
}

interface Option {
  text: string;
  value: string;
}

function optionsOf(element: Record<string, unknown>): Option[] {
  const list = (v: unknown): Option[] => (Array.isArray(v) ? v.filter(isRecord).map((o) => ({ text: plainOf(o.text), value: str(o, 'value') ?? '' })) : []);
  const groups = Array.isArray(element.option_groups) ? element.option_groups.filter(isRecord).flatMap((g) => list(g.options)) : [];
  return [...list(element.options), ...groups];
}

function selectToHtml(element: Record<string, unknown>, blockId: string, type: string): string {
  const initial = isRecord(element.initial_option) ? str(element.initial_option, 'value') : undefined;
  const placeholder = type === 'overflow' ? '⋯' : plainOf(element.placeholder) || 'Choose…';
  const options = optionsOf(element)
    .map((o) => `<option value="${escapeHtml(o.value)}"${o.value === initial ? ' selected' : ''}>${plainToHtml(o.text)}</option>`)
    .join('');
  return (
    `<select class="sk-select${type === 'overflow' ? ' sk-overflow' : ''}" data-type="${escapeHtml(type)}"` +
    `${attr('data-action-id', str(element, 'action_id') ?? '')}${attr('data-block-id', blockId)}` +
    ` aria-label="${escapeHtml(placeholder)}">` +
    `<option value=""${initial === undefined ? ' selected' : ''} disabled>${plainToHtml(placeholder)}</option>${options}</select>`
  );
}

function buttonToHtml(element: Record<string, unknown>, blockId: string): string {
  const style = str(element, 'style');
  const styleClass = style === 'primary' || style === 'danger' ? ` sk-button--${style}` : '';
  const confirm = isRecord(element.confirm) ? plainOf(element.confirm.text) || plainOf(element.confirm.title) : undefined;
  return (
    `<button type="button" class="sk-button${styleClass}"` +
    `${attr('data-action-id', str(element, 'action_id') ?? '')}${attr('data-block-id', blockId)}${attr('data-value', str(element, 'value'))}` +
    `${attr('data-url', str(element, 'url'))}${attr('data-confirm', confirm)}>${plainToHtml(plainOf(element.text))}</button>`
  );
}

/** An image element (context, accessory) or block's picture; null when it has no usable source. */
function imgTag(source: Record<string, unknown>, className: string, options: BlockHtmlOptions): string | null {
  let src: string | null = null;
  const imageUrl = str(source, 'image_url');
  if (imageUrl !== undefined) src = imageSrc(imageUrl);
  if (src === null && isRecord(source.slack_file)) {
    const id = str(source.slack_file, 'id');
    const url = str(source.slack_file, 'url');
    if (id !== undefined && options.imageUrl) src = imageSrc(options.imageUrl(id));
    else if (url !== undefined) src = imageSrc(url);
  }
  if (src === null) return null;
  return `<img class="${className}" src="${escapeHtml(src)}" alt="${escapeHtml(str(source, 'alt_text') ?? '')}" loading="lazy">`;
}

/** An interactive element (actions block, section accessory) or a context element. */
function elementToHtml(element: unknown, blockId: string, options: BlockHtmlOptions): string {
  if (!isRecord(element)) return unsupported('element', undefined);
  const type = str(element, 'type') ?? '';
  switch (type) {
    case 'button':
      return buttonToHtml(element, blockId);
    case 'static_select':
    case 'overflow':
      return selectToHtml(element, blockId, type);
    case 'image':
      return imgTag(element, 'sk-element-image', options) ?? `<span class="sk-image-missing">[image: ${escapeHtml(str(element, 'alt_text') ?? '')}]</span>`;
    case 'mrkdwn':
    case 'plain_text':
      return `<span class="sk-element-text">${textObjectToHtml(element, options)}</span>`;
    default:
      return unsupported('element', type);
  }
}

function blockToHtml(block: unknown, index: number, options: BlockHtmlOptions): string {
  if (!isRecord(block)) return unsupported('block', undefined);
  const type = str(block, 'type') ?? '';
  // Slack gives every block a block_id when the app sets none; these stand in for those.
  const blockId = str(block, 'block_id') ?? `b${index}`;
  const idAttr = attr('data-block-id', blockId);
  switch (type) {
    case 'header':
      return `<div class="sk-block sk-header"${idAttr}>${plainToHtml(plainOf(block.text))}</div>`;
    case 'divider':
      return `<hr class="sk-block sk-divider"${idAttr}>`;
    case 'section': {
      const text = block.text === undefined ? '' : `<div class="sk-text">${textObjectToHtml(block.text, options)}</div>`;
      const fields = Array.isArray(block.fields) ? `<div class="sk-fields">${block.fields.map((f) => `<div class="sk-field">${textObjectToHtml(f, options)}</div>`).join('')}</div>` : '';
      const accessory = block.accessory === undefined ? '' : `<div class="sk-accessory">${elementToHtml(block.accessory, blockId, options)}</div>`;
      return `<div class="sk-block sk-section"${idAttr}><div class="sk-section-body">${text}${fields}</div>${accessory}</div>`;
    }
    case 'context': {
      const elements = Array.isArray(block.elements) ? block.elements : [];
      return `<div class="sk-block sk-context"${idAttr}>${elements.map((e) => elementToHtml(e, blockId, options)).join('')}</div>`;
    }
    case 'actions': {
      const elements = Array.isArray(block.elements) ? block.elements : [];
      return `<div class="sk-block sk-actions"${idAttr}>${elements.map((e) => elementToHtml(e, blockId, options)).join('')}</div>`;
    }
    case 'image': {
      const title = block.title === undefined ? '' : `<div class="sk-image-title">${plainToHtml(plainOf(block.title))}</div>`;
      const img = imgTag(block, 'sk-image-img', options) ?? `<div class="sk-image-missing">[image: ${escapeHtml(str(block, 'alt_text') ?? '')}]</div>`;
      return `<figure class="sk-block sk-image"${idAttr}>${title}${img}</figure>`;
    }
    default:
      return unsupported('block', type);
  }
}

/** Blocks as HTML, one after another, in a `.sk-blocks` container. */
export function blocksToHtml(blocks: unknown[], options: BlockHtmlOptions = {}): string {
  return `<div class="sk-blocks">${blocks.map((b, i) => blockToHtml(b, i, options)).join('')}</div>`;
}

/** A view's title (a modal's), or null for views without one (the App Home). */
export function viewTitle(view: unknown): string | null {
  return isRecord(view) && view.title !== undefined ? plainOf(view.title) : null;
}

/** A view (App Home or modal): its blocks, with the modal's title above them. */
export function viewToHtml(view: unknown, options: BlockHtmlOptions = {}): string {
  if (!isRecord(view)) return `<div class="sk-view">${unsupported('block', 'view')}</div>`;
  const type = str(view, 'type') ?? 'home';
  const title = viewTitle(view);
  const heading = title === null ? '' : `<div class="sk-view-title">${plainToHtml(title)}</div>`;
  const blocks = Array.isArray(view.blocks) ? view.blocks : [];
  return `<div class="sk-view sk-view--${type === 'modal' ? 'modal' : 'home'}">${heading}${blocksToHtml(blocks, options)}</div>`;
}

/** A message as Slack shows it: its blocks, or its text when it has none, and shared images. */
export function messageToHtml(message: { text: string; blocks: unknown[]; imageUrls?: readonly string[] }, options: BlockHtmlOptions = {}): string {
  const body = message.blocks.length > 0 ? blocksToHtml(message.blocks, options) : `<div class="sk-blocks"><div class="sk-block sk-text">${mrkdwnToHtml(message.text, options)}</div></div>`;
  const images = (message.imageUrls ?? [])
    .map(imageSrc)
    .filter((src): src is string => src !== null)
    .map((src) => `<img class="sk-file-image" src="${escapeHtml(src)}" alt="Shared image" loading="lazy">`)
    .join('');
  return images === '' ? body : `${body}<div class="sk-files">${images}</div>`;
}
