/**
 * The SOQL the local Salesforce understands: exactly the shapes Pacer's sync sends — a field list
 * (with `Relation.Field` lookups), one object, conditions joined by AND (`Field > datetime`,
 * `Field = 'text' | true | false`, `Field IN ('a', 'b')`) and ORDER BY fields ascending. Anything
 * else is refused as Salesforce refuses a query it cannot read (MALFORMED_QUERY), and unknown
 * objects and fields as INVALID_TYPE and INVALID_FIELD, so a query Pacer changes without
 * teaching this server fails its tests instead of passing by luck.
 */
import { isSObject, msOf, SCHEMA, schemaOf, type FieldType, type SObjectName } from './state.js';
import type { StoredRecord, Value } from './types.js';

export type Literal = { kind: 'datetime'; ms: number } | { kind: 'string'; value: string } | { kind: 'boolean'; value: boolean };

export interface Condition {
  field: string;
  op: '=' | '>' | 'IN';
  values: Literal[];
}

export interface Query {
  object: SObjectName;
  /** Canonical field paths, as selected. */
  fields: string[];
  where: Condition[];
  orderBy: string[];
}

export class SoqlError extends Error {
  constructor(
    readonly errorCode: 'MALFORMED_QUERY' | 'INVALID_FIELD' | 'INVALID_TYPE',
    message: string,
  ) {
    super(message);
  }
}

type Token = { kind: 'word' | 'datetime' | 'string' | 'number' | 'punct'; text: string; value?: string };

const DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?(?:Z|[+-]\d{2}:\d{2})/;

function tokenize(soql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < soql.length) {
    const rest = soql.slice(i);
    const space = /^\s+/.exec(rest);
    if (space) {
      i += space[0].length;
      continue;
    }
    const dt = DATETIME.exec(rest);
    const word = /^[A-Za-z_][A-Za-z0-9_.]*/.exec(rest);
    const num = /^\d+(?:\.\d+)?/.exec(rest);
    if (dt) tokens.push({ kind: 'datetime', text: dt[0] });
    else if (word) tokens.push({ kind: 'word', text: word[0] });
    else if (num) tokens.push({ kind: 'number', text: num[0] });
    else if (rest[0] === "'") {
      let value = '';
      let j = 1;
      for (; j < rest.length && rest[j] !== "'"; j += 1) {
        if (rest[j] === '\\') j += 1;
        value += rest[j] ?? '';
      }
      if (j >= rest.length) throw new SoqlError('MALFORMED_QUERY', 'unterminated string literal');
      tokens.push({ kind: 'string', text: rest.slice(0, j + 1), value });
    } else tokens.push({ kind: 'punct', text: /^(!=|<=|>=|[^\s])/.exec(rest)![0] });
    i += tokens.at(-1)!.text.length;
  }
  return tokens;
}

interface Schema {
  /** Whether Opportunity has record types (RecordTypeId exists only then, as in Salesforce). */
  recordTypes: boolean;
}

/** The field's canonical path and type, or an INVALID_FIELD error. */
function resolveField(object: SObjectName, path: string, schema: Schema): { path: string; type: FieldType } {
  const noSuch = () =>
    new SoqlError('INVALID_FIELD', `No such column '${path}' on entity '${object}'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name.`);
  const parts = path.split('.');
  const find = (o: SObjectName, name: string) => Object.entries(schemaOf(o).fields).find(([f]) => f.toLowerCase() === name.toLowerCase());
  if (parts.length === 1) {
    const field = find(object, parts[0]!);
    if (!field || (field[0] === 'RecordTypeId' && !schema.recordTypes)) throw noSuch();
    return { path: field[0], type: field[1] };
  }
  if (parts.length !== 2) throw noSuch();
  const relation = Object.entries(schemaOf(object).relations ?? {}).find(([r]) => r.toLowerCase() === parts[0]!.toLowerCase());
  if (!relation || (relation[0] === 'RecordType' && !schema.recordTypes)) throw noSuch();
  const field = find(relation[1].object, parts[1]!);
  if (!field) throw noSuch();
  return { path: `${relation[0]}.${field[0]}`, type: field[1] };
}

const keyword = (t: Token | undefined, word: string) => t?.kind === 'word' && t.text.toUpperCase() === word;

export function parseSoql(soql: string, schema: Schema): Query {
  const tokens = tokenize(soql);
  let i = 0;
  const unexpected = (): never => {
    const t = tokens[i];
    throw new SoqlError('MALFORMED_QUERY', t ? `unexpected token: '${t.text}'` : 'unexpected end of query');
  };
  const expectWord = (word: string) => (keyword(tokens[i], word) ? (i += 1) : unexpected());
  const name = (): string => (tokens[i]?.kind === 'word' && !['FROM', 'WHERE', 'AND', 'OR', 'ORDER', 'BY', 'IN', 'SELECT'].includes(tokens[i]!.text.toUpperCase()) ? tokens[i++]!.text : unexpected());
  const punct = (p: string) => tokens[i]?.kind === 'punct' && tokens[i]!.text === p;

  expectWord('SELECT');
  const selected = [name()];
  while (punct(',')) {
    i += 1;
    selected.push(name());
  }
  expectWord('FROM');
  const objectName = name();
  const object = Object.keys(SCHEMA).find((o) => o.toLowerCase() === objectName.toLowerCase());
  if (object === undefined || !isSObject(object)) {
    throw new SoqlError('INVALID_TYPE', `sObject type '${objectName}' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name.`);
  }
  const fields = selected.map((f) => resolveField(object, f, schema).path);
  const where: Condition[] = [];
  if (keyword(tokens[i], 'WHERE')) {
    i += 1;
    for (;;) {
      const field = resolveField(object, name(), schema);
      where.push(condition(field));
      if (!keyword(tokens[i], 'AND')) break;
      i += 1;
    }
  }
  const orderBy: string[] = [];
  if (keyword(tokens[i], 'ORDER')) {
    i += 1;
    expectWord('BY');
    orderBy.push(resolveField(object, name(), schema).path);
    while (punct(',')) {
      i += 1;
      orderBy.push(resolveField(object, name(), schema).path);
    }
  }
  if (i < tokens.length) unexpected();
  return { object, fields, where, orderBy };

  function literal(type: FieldType): Literal {
    const t = tokens[i];
    const mismatch = () => new SoqlError('INVALID_FIELD', `value of filter criterion for a field of type ${type} must be of type ${type}: ${t?.text ?? '(none)'}`);
    if (t?.kind === 'datetime') {
      if (type !== 'datetime') throw mismatch();
      i += 1;
      return { kind: 'datetime', ms: Date.parse(t.text) };
    }
    if (t?.kind === 'string') {
      if (type !== 'string' && type !== 'id') throw mismatch();
      i += 1;
      return { kind: 'string', value: t.value! };
    }
    if (keyword(t, 'TRUE') || keyword(t, 'FALSE')) {
      if (type !== 'boolean') throw mismatch();
      i += 1;
      return { kind: 'boolean', value: t!.text.toUpperCase() === 'TRUE' };
    }
    return unexpected();
  }

  function condition(field: { path: string; type: FieldType }): Condition {
    if (punct('=')) {
      i += 1;
      return { field: field.path, op: '=', values: [literal(field.type)] };
    }
    if (punct('>')) {
      i += 1;
      if (tokens[i]?.kind !== 'datetime') unexpected();
      return { field: field.path, op: '>', values: [literal(field.type)] };
    }
    if (keyword(tokens[i], 'IN')) {
      i += 1;
      if (!punct('(')) unexpected();
      i += 1;
      const values = [literal(field.type)];
      while (punct(',')) {
        i += 1;
        values.push(literal(field.type));
      }
      if (!punct(')')) unexpected();
      i += 1;
      return { field: field.path, op: 'IN', values };
    }
    return unexpected();
  }
}

/** A field path's value on a record (`Account.Name` through its lookup). */
export type Resolver = (record: StoredRecord, path: string) => Value;

function matches(value: Value, c: Condition): boolean {
  if (c.op === '>') return typeof value === 'string' && msOf(value) > (c.values[0] as { ms: number }).ms;
  return c.values.some((l) => (l.kind === 'datetime' ? typeof value === 'string' && msOf(value) === l.ms : value === l.value));
}

function compare(a: Value, b: Value): number {
  if (a === b) return 0;
  // Ascending puts nulls first, as Salesforce does by default.
  if (a === null) return -1;
  if (b === null) return 1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a) < String(b) ? -1 : 1;
}

/** The query's matching records, sorted. */
export function runQuery(query: Query, records: readonly StoredRecord[], resolve: Resolver): StoredRecord[] {
  const hits = records.filter((r) => query.where.every((c) => matches(resolve(r, c.field), c)));
  if (query.orderBy.length === 0) return hits;
  return hits.sort((a, b) => {
    for (const f of query.orderBy) {
      const c = compare(resolve(a, f), resolve(b, f));
      if (c !== 0) return c;
    }
    return 0;
  });
}
