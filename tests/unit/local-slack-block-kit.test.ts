import { describe, expect, it } from 'vitest';
import { BLOCK_KIT_LIMITS, findBlockProblems, validateBlocks, validateView } from '../../src/local-slack/block-kit.js';

const section = (text: string, extra: Record<string, unknown> = {}) => ({ type: 'section', text: { type: 'mrkdwn', text }, ...extra });
const divider = { type: 'divider' };
const button = (text: string, extra: Record<string, unknown> = {}) => ({ type: 'button', text: { type: 'plain_text', text }, ...extra });
const many = (n: number, make: (i: number) => unknown) => Array.from({ length: n }, (_, i) => make(i));

describe('validateBlocks', () => {
  it('accepts a message using each kind of block within the limits', () => {
    const blocks = [
      { type: 'header', text: { type: 'plain_text', text: 'h'.repeat(150) } },
      section('s'.repeat(3000), { block_id: 'b'.repeat(255), accessory: button('Open', { action_id: 'open', value: 'v'.repeat(2000) }) }),
      { type: 'section', fields: many(10, (i) => ({ type: 'mrkdwn', text: `${i}`.padEnd(2000, 'f') })) },
      divider,
      { type: 'context', elements: [...many(9, () => ({ type: 'mrkdwn', text: 'c' })), { type: 'image', image_url: 'https://x/y.png', alt_text: 'y' }] },
      { type: 'actions', elements: many(25, (i) => button('b'.repeat(75), { action_id: `a${i}` })) },
      { type: 'image', slack_file: { id: 'F1' }, alt_text: 'chart', title: { type: 'plain_text', text: 'Chart' } },
      { type: 'rich_text', elements: [] },
      { type: 'markdown', text: '**bold**' },
      { type: 'actions', elements: [{ type: 'static_select', action_id: 'pick', options: [{ text: { type: 'plain_text', text: 'One' }, value: '1' }] }] },
    ];
    expect(validateBlocks(blocks, { surface: 'message' })).toEqual([]);
  });

  it('allows 50 blocks in a message and 100 in a home tab or modal, not one more', () => {
    expect(
      validateBlocks(
        many(50, () => divider),
        { surface: 'message' },
      ),
    ).toEqual([]);
    expect(
      validateBlocks(
        many(51, () => divider),
        { surface: 'message' },
      ),
    ).toEqual(['blocks: no more than 50 items allowed']);
    for (const surface of ['home', 'modal'] as const) {
      expect(
        validateBlocks(
          many(100, () => divider),
          { surface },
        ),
      ).toEqual([]);
      expect(
        validateBlocks(
          many(101, () => divider),
          { surface },
        ),
      ).toEqual(['blocks: no more than 100 items allowed']);
    }
  });

  it('names the path of an over-long section text, and refuses an empty one', () => {
    const blocks = [divider, divider, divider, section('x'.repeat(3001)), section('')];
    expect(validateBlocks(blocks, { surface: 'message' })).toEqual(['blocks[3].text.text: must be less than 3001 characters', 'blocks[4].text.text: must be more than 0 characters']);
    expect(findBlockProblems(blocks, { surface: 'message' })[0]?.pointer).toBe('/blocks/3/text/text');
  });

  it('limits section fields to 10 of at most 2000 characters, and needs text or fields', () => {
    const fields = many(11, (i) => ({ type: 'plain_text', text: i === 2 ? 'f'.repeat(2001) : 'f' }));
    expect(validateBlocks([{ type: 'section', fields }, { type: 'section' }], { surface: 'message' })).toEqual([
      'blocks[0].fields: no more than 10 items allowed',
      'blocks[0].fields[2].text: must be less than 2001 characters',
      'blocks[1]: missing required field: text or fields',
    ]);
  });

  it('holds headers to plain_text of at most 150 characters', () => {
    const problems = validateBlocks([{ type: 'header', text: { type: 'plain_text', text: 'h'.repeat(151) } }, { type: 'header', text: { type: 'mrkdwn', text: '*h*' } }, { type: 'header' }], {
      surface: 'message',
    });
    expect(problems).toEqual(['blocks[0].text.text: must be less than 151 characters', 'blocks[1].text.type: must be a valid enum value (plain_text)', 'blocks[2]: missing required field: text']);
  });

  it('limits context to 10 elements and actions to 25', () => {
    const problems = validateBlocks(
      [
        { type: 'context', elements: many(11, () => ({ type: 'mrkdwn', text: 'c' })) },
        { type: 'actions', elements: many(26, (i) => button('b', { action_id: `a${i}` })) },
        { type: 'actions', elements: [] },
      ],
      { surface: 'message' },
    );
    expect(problems).toEqual(['blocks[0].elements: no more than 10 items allowed', 'blocks[1].elements: no more than 25 items allowed', 'blocks[2].elements: must provide at least 1 items']);
  });

  it('checks buttons: text at most 75, value at most 2000, action_id at most 255 and unique in the block', () => {
    const problems = validateBlocks(
      [
        {
          type: 'actions',
          elements: [button('b'.repeat(76), { action_id: 'same' }), button('ok', { action_id: 'same', value: 'v'.repeat(2001) }), button('ok', { action_id: 'a'.repeat(256), style: 'loud' })],
        },
      ],
      { surface: 'message' },
    );
    expect(problems).toEqual([
      'blocks[0].elements[0].text.text: must be less than 76 characters',
      'blocks[0].elements[1].action_id: action_id "same" is already used at blocks[0].elements[0]; it must be unique within the block',
      'blocks[0].elements[1].value: must be less than 2001 characters',
      'blocks[0].elements[2].action_id: must be less than 256 characters',
      'blocks[0].elements[2].style: must be a valid enum value (primary, danger)',
    ]);
  });

  it('limits block_id to 255 characters and requires it unique within the message', () => {
    const problems = validateBlocks([section('a', { block_id: 'dup' }), section('b', { block_id: 'dup' }), section('c', { block_id: 'x'.repeat(256) })], {
      surface: 'message',
    });
    expect(problems).toEqual(['blocks[1].block_id: block_id "dup" is already used at blocks[0]; it must be unique within a message', 'blocks[2].block_id: must be less than 256 characters']);
  });

  it('requires an image source and alt text', () => {
    const problems = validateBlocks(
      [
        { type: 'image', alt_text: 'a' },
        { type: 'image', image_url: 'https://x/y.png' },
        { type: 'context', elements: [{ type: 'image', image_url: 'https://x/y.png' }] },
      ],
      { surface: 'message' },
    );
    expect(problems).toEqual(['blocks[0]: missing required field: image_url or slack_file', 'blocks[1]: missing required field: alt_text', 'blocks[2].elements[0]: missing required field: alt_text']);
  });

  it('rejects unknown block types, blocks not allowed on the surface, and elements out of place', () => {
    expect(validateBlocks([{ type: 'sectoin' }], { surface: 'message' })).toEqual(['blocks[0].type: unknown block type "sectoin"']);
    expect(validateBlocks([{ type: 'markdown', text: 'x' }], { surface: 'home' })).toEqual(['blocks[0].type: block type "markdown" is not allowed in a home view']);
    expect(validateBlocks([{ type: 'actions', elements: [{ type: 'image', image_url: 'u', alt_text: 'a' }] }], { surface: 'message' })).toEqual([
      'blocks[0].elements[0].type: element type "image" is not allowed in an actions block',
    ]);
    expect(validateBlocks('[]', { surface: 'message' })).toEqual(['blocks: must provide an array']);
    expect(validateBlocks([null], { surface: 'message' })).toEqual(['blocks[0]: must provide an object']);
  });

  it('checks select options and overflow menus', () => {
    const option = (text: string, value: string) => ({ text: { type: 'plain_text', text }, value });
    const problems = validateBlocks(
      [
        {
          type: 'actions',
          elements: [
            { type: 'static_select', action_id: 's', options: [option('o'.repeat(76), 'v'.repeat(151))] },
            { type: 'overflow', action_id: 'o', options: many(6, (i) => option(`${i}`, `${i}`)) },
            { type: 'static_select', action_id: 't' },
          ],
        },
      ],
      { surface: 'message' },
    );
    expect(problems).toEqual([
      'blocks[0].elements[0].options[0].text.text: must be less than 76 characters',
      'blocks[0].elements[0].options[0].value: must be less than 151 characters',
      'blocks[0].elements[1].options: no more than 5 items allowed',
      'blocks[0].elements[2]: missing required field: options or option_groups',
    ]);
  });

  it('exposes its limits', () => {
    expect(BLOCK_KIT_LIMITS).toMatchObject({ messageBlocks: 50, viewBlocks: 100, sectionText: 3000, headerText: 150, modalTitle: 24 });
  });
});

describe('validateView', () => {
  const title = (text: string) => ({ type: 'plain_text', text });

  it('accepts a home tab and a modal within the limits', () => {
    expect(validateView({ type: 'home', blocks: many(100, () => divider) }, 'home')).toEqual([]);
    const modal = {
      type: 'modal',
      title: title('t'.repeat(24)),
      submit: title('Save'),
      blocks: [{ type: 'input', label: title('Goal'), element: { type: 'plain_text_input', action_id: 'goal' } }],
    };
    expect(validateView(modal, 'modal')).toEqual([]);
  });

  it('limits modal titles to 24 characters, requires a title, and a submit button with inputs', () => {
    expect(validateView({ type: 'modal', title: title('t'.repeat(25)), blocks: [] })).toEqual(['view.title.text: must be less than 25 characters']);
    expect(validateView({ type: 'modal', blocks: [{ type: 'input', label: title('L'), element: { type: 'plain_text_input' } }] })).toEqual([
      'view: missing required field: title',
      'view: missing required field: submit (a modal with input blocks needs a submit button)',
    ]);
  });

  it('prefixes block problems with view.blocks and checks the expected type', () => {
    expect(validateView({ type: 'home', blocks: many(101, () => divider) }, 'home')).toEqual(['view.blocks: no more than 100 items allowed']);
    expect(validateView({ type: 'home', blocks: [section('x'.repeat(3001))] })).toEqual(['view.blocks[0].text.text: must be less than 3001 characters']);
    expect(validateView({ type: 'modal', title: title('x'), blocks: [] }, 'home')).toEqual(['view.type: must be a valid enum value (home)']);
    expect(validateView({ type: 'home' })).toEqual(['view: missing required field: blocks']);
  });
});
