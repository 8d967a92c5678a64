/** What a row of `pacer import` stands for: apart from the row rules, so the command's help loads no date parsing. */
export type ImportKind = 'events' | 'opportunities';
export const IMPORT_KINDS: readonly ImportKind[] = ['events', 'opportunities'];
