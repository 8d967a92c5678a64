/**
 * The local Salesforce reads only the SOQL shapes Pacer's sync sends and refuses the rest as
 * Salesforce would (MALFORMED_QUERY, INVALID_FIELD, INVALID_TYPE), so a query Pacer changes
 * without teaching the server fails the tests rather than passing by luck.
 */
import { describe, expect, it } from 'vitest';
import { parseSoql, SoqlError } from '../../src/local-crm/salesforce/index.js';

const schema = { recordTypes: false };

function refusal(soql: string, options = schema): { errorCode: string; message: string } {
  try {
    parseSoql(soql, options);
  } catch (err) {
    if (err instanceof SoqlError) return { errorCode: err.errorCode, message: err.message };
    throw err;
  }
  throw new Error(`accepted: ${soql}`);
}

describe('local Salesforce SOQL', () => {
  it('reads the shapes the sync sends: fields and lookups, AND-ed conditions, ORDER BY; names in any case', () => {
    expect(
      parseSoql(
        "select id, account.name FROM opportunity WHERE systemmodstamp > 2026-11-01T00:00:00Z and IsDeleted = false AND StageName IN ('Won\\'t do', 'Demo') ORDER BY SystemModstamp, Id",
        schema,
      ),
    ).toEqual({
      object: 'Opportunity',
      fields: ['Id', 'Account.Name'],
      where: [
        { field: 'SystemModstamp', op: '>', values: [{ kind: 'datetime', ms: Date.parse('2026-11-01T00:00:00Z') }] },
        { field: 'IsDeleted', op: '=', values: [{ kind: 'boolean', value: false }] },
        {
          field: 'StageName',
          op: 'IN',
          values: [
            { kind: 'string', value: "Won't do" },
            { kind: 'string', value: 'Demo' },
          ],
        },
      ],
      orderBy: ['SystemModstamp', 'Id'],
    });
  });

  it('refuses anything else as MALFORMED_QUERY, naming the token', () => {
    expect(refusal('SELECT Id FROM Task LIMIT 10')).toEqual({ errorCode: 'MALFORMED_QUERY', message: "unexpected token: 'LIMIT'" });
    expect(refusal("SELECT Id FROM Task WHERE Type = 'Call' OR Type = 'Email'")).toEqual({ errorCode: 'MALFORMED_QUERY', message: "unexpected token: 'OR'" });
    expect(refusal('SELECT Id, (SELECT Field FROM Histories) FROM Lead')).toEqual({ errorCode: 'MALFORMED_QUERY', message: "unexpected token: '('" });
    expect(refusal('SELECT Id FROM Task ORDER BY SystemModstamp DESC')).toEqual({ errorCode: 'MALFORMED_QUERY', message: "unexpected token: 'DESC'" });
    expect(refusal('SELECT COUNT() FROM Task')).toEqual({ errorCode: 'MALFORMED_QUERY', message: "unexpected token: '('" });
    expect(refusal('SELECT Id FROM Task WHERE SystemModstamp >= 2026-11-01T00:00:00Z')).toEqual({ errorCode: 'MALFORMED_QUERY', message: "unexpected token: '>='" });
    expect(refusal("SELECT Id FROM Task WHERE SystemModstamp > '2026-11-01'")).toEqual({ errorCode: 'MALFORMED_QUERY', message: "unexpected token: ''2026-11-01''" });
    expect(refusal("SELECT Id FROM Task WHERE Type = 'Call")).toEqual({ errorCode: 'MALFORMED_QUERY', message: 'unterminated string literal' });
    expect(refusal('SELECT Id FROM')).toEqual({ errorCode: 'MALFORMED_QUERY', message: 'unexpected end of query' });
  });

  it('refuses unknown objects and fields, and values of the wrong type', () => {
    expect(refusal('SELECT Id FROM Widget__c').errorCode).toBe('INVALID_TYPE');
    expect(refusal('SELECT Id, Colour FROM Lead')).toMatchObject({ errorCode: 'INVALID_FIELD', message: expect.stringMatching(/^No such column 'Colour' on entity 'Lead'/) });
    expect(refusal('SELECT Owner.Name FROM Task').errorCode).toBe('INVALID_FIELD');
    expect(refusal("SELECT Id FROM Task WHERE IsClosed = 'true'").errorCode).toBe('INVALID_FIELD');
    expect(refusal('SELECT Id FROM Task WHERE Type = true').errorCode).toBe('INVALID_FIELD');
  });

  it('knows RecordType on Opportunity only once the org has record types for it, as Salesforce', () => {
    expect(refusal('SELECT Id, RecordType.DeveloperName FROM Opportunity').errorCode).toBe('INVALID_FIELD');
    expect(parseSoql('SELECT Id, RecordType.DeveloperName FROM Opportunity', { recordTypes: true }).fields).toEqual(['Id', 'RecordType.DeveloperName']);
  });
});
