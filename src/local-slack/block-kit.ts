/**
 * Block Kit validation for the local Slack server, and for tests of Pacer's renderers.
 *
 * Slack rejects a message or view that breaks Block Kit's limits (`invalid_blocks` for messages,
 * `invalid_arguments` for views), and it does so only in production, at the worst moment: a
 * report that grew past 50 blocks, a rep's name that pushed a header over 150 characters. The
 * local server applies the same limits, so tests fail first. The rules follow Slack's Block Kit
 * reference (blocks, block elements, composition objects, views); each problem names where it is
 * (`blocks[3].text.text`) and what is wrong, in Slack's wording where Slack has one.
 *
 * This checks the documented limits and shapes Pacer can break, not the whole schema: rich text
 * contents, select option groups' nesting and the like are only checked for being present.
 */

export type Surface = 'message' | 'home' | 'modal';

export interface BlockKitOptions {
  surface: Surface;
}

/** One thing wrong, where it is: `path` like `blocks[3].text.text`, `pointer` like `/blocks/3/text/text`. */
export interface BlockProblem {
  path: string;
  pointer: string;
  message: string;
}

/** The limits enforced, named so renderers can share them instead of repeating the numbers. */
export const BLOCK_KIT_LIMITS = {
  messageBlocks: 50,
  viewBlocks: 100,
  sectionText: 3000,
  sectionFields: 10,
  sectionFieldText: 2000,
  headerText: 150,
  contextElements: 10,
  actionsElements: 25,
  buttonText: 75,
  buttonValue: 2000,
  url: 3000,
  actionId: 255,
  blockId: 255,
  imageAltText: 2000,
  imageTitle: 2000,
  inputLabel: 2000,
  inputHint: 2000,
  markdownText: 12000,
  placeholder: 150,
  selectOptions: 100,
  overflowOptions: 5,
  choiceOptions: 10,
  optionText: 75,
  optionValue: 150,
  confirmTitle: 100,
  confirmText: 300,
  confirmButton: 30,
  modalTitle: 24,
  modalButton: 24,
  privateMetadata: 3000,
  callbackId: 255,
  externalId: 255,
} as const;

const MESSAGE_BLOCKS = ['section', 'divider', 'image', 'actions', 'context', 'input', 'header', 'rich_text', 'file', 'video', 'markdown'];
const VIEW_BLOCKS = ['section', 'divider', 'image', 'actions', 'context', 'input', 'header', 'rich_text', 'video'];
const ALLOWED_BLOCKS: Record<Surface, readonly string[]> = { message: MESSAGE_BLOCKS, home: VIEW_BLOCKS, modal: VIEW_BLOCKS };
const ALL_BLOCKS = new Set(MESSAGE_BLOCKS);

const SELECTS = ['static_select', 'external_select', 'users_select', 'conversations_select', 'channels_select'];
const MULTI_SELECTS = SELECTS.map((s) => `multi_${s}`);
const PICKERS = ['datepicker', 'timepicker', 'datetimepicker'];
const CHOICES = ['checkboxes', 'radio_buttons'];
/** Elements an actions block (and a section's accessory) takes: the interactive ones. */
const INTERACTIVE_ELEMENTS = new Set(['button', 'overflow', 'workflow_button', ...SELECTS, ...MULTI_SELECTS, ...PICKERS, ...CHOICES, 'rich_text_input']);
const ACCESSORY_ELEMENTS = new Set(['button', 'overflow', 'workflow_button', 'image', ...SELECTS, ...MULTI_SELECTS, ...PICKERS, ...CHOICES]);
const INPUT_ELEMENTS = new Set([...SELECTS, ...MULTI_SELECTS, ...PICKERS, ...CHOICES, 'plain_text_input', 'email_text_input', 'url_text_input', 'number_input', 'rich_text_input', 'file_input']);

type Path = readonly (string | number)[];
type Json = Record<string, unknown>;

function pathString(path: Path): string {
  return path.reduce<string>((out, seg) => (typeof seg === 'number' ? `${out}[${seg}]` : out ? `${out}.${seg}` : seg), '');
}

function pointerString(path: Path): string {
  return `/${path.map((seg) => String(seg).replaceAll('~', '~0').replaceAll('/', '~1')).join('/')}`;
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Collects problems while walking one payload; the helpers report and return the value when it has the right shape. */
class Checker {
  readonly problems: BlockProblem[] = [];

  report(path: Path, message: string): void {
    this.problems.push({ path: pathString(path), pointer: pointerString(path), message });
  }

  object(value: unknown, path: Path): Json | undefined {
    if (isObject(value)) return value;
    this.report(path, 'must provide an object');
    return undefined;
  }

  /** A string field: checked when present, reported when missing and required. */
  string(parent: Json, key: string, path: Path, opts: { max?: number; min?: number; required?: boolean } = {}): string | undefined {
    const value = parent[key];
    if (value === undefined || value === null) {
      if (opts.required) this.report(path, `missing required field: ${key}`);
      return undefined;
    }
    const at = [...path, key];
    if (typeof value !== 'string') {
      this.report(at, 'must provide a string');
      return undefined;
    }
    if (opts.min !== undefined && value.length < opts.min) this.report(at, `must be more than ${opts.min - 1} characters`);
    if (opts.max !== undefined && value.length > opts.max) this.report(at, `must be less than ${opts.max + 1} characters`);
    return value;
  }

  array(parent: Json, key: string, path: Path, opts: { max?: number; min?: number; required?: boolean } = {}): unknown[] | undefined {
    const value = parent[key];
    if (value === undefined || value === null) {
      if (opts.required) this.report(path, `missing required field: ${key}`);
      return undefined;
    }
    const at = [...path, key];
    if (!Array.isArray(value)) {
      this.report(at, 'must provide an array');
      return undefined;
    }
    if (opts.min !== undefined && value.length < opts.min) this.report(at, `must provide at least ${opts.min} items`);
    if (opts.max !== undefined && value.length > opts.max) this.report(at, `no more than ${opts.max} items allowed`);
    return value as unknown[];
  }

  /** A text composition object: `{ type: 'plain_text' | 'mrkdwn', text }`, non-empty and within `max`. */
  text(parent: Json, key: string, path: Path, opts: { max: number; plainOnly?: boolean; required?: boolean }): void {
    const value = parent[key];
    if (value === undefined || value === null) {
      if (opts.required) this.report(path, `missing required field: ${key}`);
      return;
    }
    const at = [...path, key];
    const text = this.object(value, at);
    if (!text) return;
    this.textObject(text, at, opts);
  }

  textObject(text: Json, at: Path, opts: { max: number; plainOnly?: boolean }): void {
    const allowed = opts.plainOnly ? ['plain_text'] : ['plain_text', 'mrkdwn'];
    if (typeof text.type !== 'string' || !allowed.includes(text.type)) {
      this.report([...at, 'type'], `must be a valid enum value (${allowed.join(', ')})`);
    }
    this.string(text, 'text', at, { required: true, min: 1, max: opts.max });
  }

  enumValue(parent: Json, key: string, path: Path, allowed: readonly string[]): void {
    const value = parent[key];
    if (value === undefined) return;
    if (typeof value !== 'string' || !allowed.includes(value)) this.report([...path, key], `must be a valid enum value (${allowed.join(', ')})`);
  }
}

const L = BLOCK_KIT_LIMITS;

function checkConfirm(c: Checker, element: Json, path: Path): void {
  if (element.confirm === undefined) return;
  const at = [...path, 'confirm'];
  const confirm = c.object(element.confirm, at);
  if (!confirm) return;
  c.text(confirm, 'title', at, { max: L.confirmTitle, plainOnly: true, required: true });
  c.text(confirm, 'text', at, { max: L.confirmText, required: true });
  c.text(confirm, 'confirm', at, { max: L.confirmButton, plainOnly: true, required: true });
  c.text(confirm, 'deny', at, { max: L.confirmButton, plainOnly: true, required: true });
  c.enumValue(confirm, 'style', at, ['primary', 'danger']);
}

function checkOptions(c: Checker, element: Json, path: Path, opts: { max: number; min?: number; required: boolean; plainOnly: boolean }): void {
  const options = c.array(element, 'options', path, { max: opts.max, min: opts.min ?? 1, required: opts.required });
  options?.forEach((raw, i) => {
    const at = [...path, 'options', i];
    const option = c.object(raw, at);
    if (!option) return;
    c.text(option, 'text', at, { max: L.optionText, plainOnly: opts.plainOnly, required: true });
    c.string(option, 'value', at, { max: L.optionValue, min: 1, required: true });
    c.text(option, 'description', at, { max: L.optionText, plainOnly: opts.plainOnly });
    c.string(option, 'url', at, { max: L.url });
  });
}

function checkImageSource(c: Checker, image: Json, path: Path): void {
  if (image.image_url === undefined && image.slack_file === undefined) {
    c.report(path, 'missing required field: image_url or slack_file');
    return;
  }
  c.string(image, 'image_url', path, { max: L.url, min: 1 });
  if (image.slack_file !== undefined) {
    const file = c.object(image.slack_file, [...path, 'slack_file']);
    if (file && typeof file.url !== 'string' && typeof file.id !== 'string') c.report([...path, 'slack_file'], 'missing required field: url or id');
  }
  c.string(image, 'alt_text', path, { max: L.imageAltText, min: 1, required: true });
}

/** One block element (button, select, input, image…): known type, allowed where it is, within its limits. */
function checkElement(c: Checker, raw: unknown, path: Path, allowed: ReadonlySet<string>, where: string, actionIds: Map<string, string>): void {
  const element = c.object(raw, path);
  if (!element) return;
  const type = element.type;
  if (typeof type !== 'string') {
    c.report(path, 'missing required field: type');
    return;
  }
  if (!allowed.has(type)) {
    c.report([...path, 'type'], `element type "${type}" is not allowed in ${where}`);
    return;
  }
  const actionId = c.string(element, 'action_id', path, { max: L.actionId, min: 1 });
  if (actionId !== undefined) {
    const first = actionIds.get(actionId);
    if (first) c.report([...path, 'action_id'], `action_id "${actionId}" is already used at ${first}; it must be unique within the block`);
    else actionIds.set(actionId, pathString(path));
  }
  checkConfirm(c, element, path);
  c.text(element, 'placeholder', path, { max: L.placeholder, plainOnly: true });

  switch (type) {
    case 'button':
    case 'workflow_button':
      c.text(element, 'text', path, { max: L.buttonText, plainOnly: true, required: true });
      c.string(element, 'value', path, { max: L.buttonValue });
      c.string(element, 'url', path, { max: L.url });
      c.enumValue(element, 'style', path, ['primary', 'danger']);
      return;
    case 'image':
      checkImageSource(c, element, path);
      return;
    case 'overflow':
      checkOptions(c, element, path, { max: L.overflowOptions, min: 1, required: true, plainOnly: true });
      return;
    case 'checkboxes':
    case 'radio_buttons':
      checkOptions(c, element, path, { max: L.choiceOptions, required: true, plainOnly: false });
      return;
    case 'static_select':
    case 'multi_static_select':
      if (element.options === undefined && element.option_groups === undefined) c.report(path, 'missing required field: options or option_groups');
      checkOptions(c, element, path, { max: L.selectOptions, required: false, plainOnly: true });
      c.array(element, 'option_groups', path, { max: L.selectOptions, min: 1 });
      return;
    default:
      return;
  }
}

function checkBlock(c: Checker, block: Json, type: string, path: Path): void {
  const actionIds = new Map<string, string>();
  switch (type) {
    case 'section': {
      c.text(block, 'text', path, { max: L.sectionText });
      const fields = c.array(block, 'fields', path, { max: L.sectionFields, min: 1 });
      fields?.forEach((raw, i) => {
        const at = [...path, 'fields', i];
        const field = c.object(raw, at);
        if (field) c.textObject(field, at, { max: L.sectionFieldText });
      });
      if (block.text === undefined && block.fields === undefined && block.expand === undefined) c.report(path, 'missing required field: text or fields');
      if (block.accessory !== undefined) checkElement(c, block.accessory, [...path, 'accessory'], ACCESSORY_ELEMENTS, 'a section accessory', actionIds);
      return;
    }
    case 'header':
      c.text(block, 'text', path, { max: L.headerText, plainOnly: true, required: true });
      return;
    case 'divider':
      return;
    case 'image':
      checkImageSource(c, block, path);
      c.text(block, 'title', path, { max: L.imageTitle, plainOnly: true });
      return;
    case 'context': {
      const elements = c.array(block, 'elements', path, { max: L.contextElements, min: 1, required: true });
      elements?.forEach((raw, i) => {
        const at = [...path, 'elements', i];
        const element = c.object(raw, at);
        if (!element) return;
        if (element.type === 'image') checkImageSource(c, element, at);
        else if (element.type === 'plain_text' || element.type === 'mrkdwn') c.textObject(element, at, { max: L.sectionText });
        else c.report([...at, 'type'], 'must be a valid enum value (image, plain_text, mrkdwn)');
      });
      return;
    }
    case 'actions': {
      const elements = c.array(block, 'elements', path, { max: L.actionsElements, min: 1, required: true });
      elements?.forEach((raw, i) => checkElement(c, raw, [...path, 'elements', i], INTERACTIVE_ELEMENTS, 'an actions block', actionIds));
      return;
    }
    case 'input':
      c.text(block, 'label', path, { max: L.inputLabel, plainOnly: true, required: true });
      c.text(block, 'hint', path, { max: L.inputHint, plainOnly: true });
      if (block.element === undefined) c.report(path, 'missing required field: element');
      else checkElement(c, block.element, [...path, 'element'], INPUT_ELEMENTS, 'an input block', actionIds);
      return;
    case 'rich_text':
      c.array(block, 'elements', path, { required: true });
      return;
    case 'markdown':
      c.string(block, 'text', path, { max: L.markdownText, min: 1, required: true });
      return;
    case 'file':
      c.string(block, 'external_id', path, { required: true, min: 1 });
      c.enumValue(block, 'source', path, ['remote']);
      if (block.source === undefined) c.report(path, 'missing required field: source');
      return;
    case 'video':
      for (const key of ['video_url', 'thumbnail_url', 'alt_text']) c.string(block, key, path, { required: true, min: 1, max: L.url });
      c.text(block, 'title', path, { max: 200, plainOnly: true, required: true });
      return;
    default:
      return;
  }
}

/** Walks a blocks array found at `path` (`['blocks']` or `['view', 'blocks']`). */
function checkBlocks(c: Checker, blocks: unknown, path: Path, surface: Surface): void {
  if (!Array.isArray(blocks)) {
    c.report(path, 'must provide an array');
    return;
  }
  const max = surface === 'message' ? L.messageBlocks : L.viewBlocks;
  if (blocks.length > max) c.report(path, `no more than ${max} items allowed`);
  const blockIds = new Map<string, string>();
  const surfaceName = surface === 'message' ? 'a message' : surface === 'home' ? 'a home view' : 'a modal';
  blocks.forEach((raw, i) => {
    const at = [...path, i];
    const block = c.object(raw, at);
    if (!block) return;
    const type = block.type;
    if (typeof type !== 'string') {
      c.report(at, 'missing required field: type');
      return;
    }
    if (!ALL_BLOCKS.has(type)) {
      c.report([...at, 'type'], `unknown block type "${type}"`);
      return;
    }
    if (!ALLOWED_BLOCKS[surface].includes(type)) {
      c.report([...at, 'type'], `block type "${type}" is not allowed in ${surfaceName}`);
      return;
    }
    const blockId = c.string(block, 'block_id', at, { max: L.blockId, min: 1 });
    if (blockId !== undefined) {
      const first = blockIds.get(blockId);
      if (first) c.report([...at, 'block_id'], `block_id "${blockId}" is already used at ${first}; it must be unique within ${surfaceName}`);
      else blockIds.set(blockId, pathString(at));
    }
    checkBlock(c, block, type, at);
  });
}

export function formatProblem(problem: BlockProblem): string {
  return `${problem.path}: ${problem.message}`;
}

/** Problems with a message's or view's `blocks`, with their paths; empty when Slack would take them. */
export function findBlockProblems(blocks: unknown, options: BlockKitOptions): BlockProblem[] {
  const c = new Checker();
  checkBlocks(c, blocks, ['blocks'], options.surface);
  return c.problems;
}

/**
 * Problems with a blocks array, as `blocks[3].text.text: must be less than 3001 characters`;
 * empty when it is fine. Messages take at most 50 blocks, home tabs and modals 100.
 */
export function validateBlocks(blocks: unknown, options: BlockKitOptions): string[] {
  return findBlockProblems(blocks, options).map(formatProblem);
}

/**
 * Problems with a whole view payload (views.publish, views.open, views.push, views.update), paths
 * under `view`. `expected` restricts the type: views.publish takes home views, the others modals.
 */
export function findViewProblems(view: unknown, expected?: 'home' | 'modal'): BlockProblem[] {
  const c = new Checker();
  const path = ['view'];
  const v = c.object(view, path);
  if (!v) return c.problems;
  const allowed = expected ? [expected] : ['home', 'modal'];
  if (typeof v.type !== 'string' || !allowed.includes(v.type)) {
    c.report([...path, 'type'], `must be a valid enum value (${allowed.join(', ')})`);
    return c.problems;
  }
  const surface = v.type as 'home' | 'modal';
  c.string(v, 'private_metadata', path, { max: L.privateMetadata });
  c.string(v, 'callback_id', path, { max: L.callbackId });
  c.string(v, 'external_id', path, { max: L.externalId });
  if (surface === 'modal') {
    c.text(v, 'title', path, { max: L.modalTitle, plainOnly: true, required: true });
    c.text(v, 'submit', path, { max: L.modalButton, plainOnly: true });
    c.text(v, 'close', path, { max: L.modalButton, plainOnly: true });
    const hasInput = Array.isArray(v.blocks) && v.blocks.some((b) => isObject(b) && b.type === 'input');
    if (hasInput && v.submit === undefined) c.report(path, 'missing required field: submit (a modal with input blocks needs a submit button)');
  }
  if (v.blocks === undefined) c.report(path, 'missing required field: blocks');
  else checkBlocks(c, v.blocks, [...path, 'blocks'], surface);
  return c.problems;
}

/** {@link findViewProblems}, formatted like {@link validateBlocks}. */
export function validateView(view: unknown, expected?: 'home' | 'modal'): string[] {
  return findViewProblems(view, expected).map(formatProblem);
}
