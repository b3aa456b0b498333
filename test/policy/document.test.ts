import { describe, expect, it } from 'vitest';
import { isAllow, parsePolicyDocument, statementLabel } from '../../shared/policy/document.js';

const admin = { Version: '2012-10-17', Statement: [{ Sid: 'All', Effect: 'Allow', Action: '*', Resource: '*' }] };

describe('parsePolicyDocument', () => {
  it.each([
    ['an object', admin],
    ['a JSON string', JSON.stringify(admin)],
    ['a pretty-printed JSON string with surrounding whitespace', `\n  ${JSON.stringify(admin, null, 4)}\n`],
    ['a URL-encoded (RFC 3986) JSON string', encodeURIComponent(JSON.stringify(admin))],
  ])('reads %s', (_name, input) => {
    const parsed = parsePolicyDocument(input);
    expect(parsed).toMatchObject({
      ok: true,
      document: { version: '2012-10-17', statements: [{ index: 0, sid: 'All', effect: 'Allow', action: ['*'], resource: ['*'] }] },
    });
  });

  it('keeps "%" inside a JSON string as it is, without URL-decoding', () => {
    const parsed = parsePolicyDocument(JSON.stringify({ Statement: { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/100%25' } }));
    expect(parsed.ok && parsed.document.statements[0]?.resource).toEqual(['arn:aws:s3:::b/100%25']);
  });

  it('turns a single Statement object into a list of one', () => {
    const parsed = parsePolicyDocument({ Statement: { Effect: 'Deny', Action: 'iam:*', Resource: '*' } });
    expect(parsed.ok && parsed.document.statements.map((s) => [s.index, s.effect, s.action])).toEqual([[0, 'Deny', ['iam:*']]]);
  });

  it('turns string Action, NotAction, Resource and NotResource into lists and drops non-strings', () => {
    const parsed = parsePolicyDocument({ Statement: [{ Effect: 'Allow', NotAction: 'iam:*', NotResource: ['arn:aws:s3:::x', 7, null] }] });
    const statement = parsed.ok ? parsed.document.statements[0] : undefined;
    expect(statement?.notAction).toEqual(['iam:*']);
    expect(statement?.notResource).toEqual(['arn:aws:s3:::x']);
    expect(statement?.action).toBeUndefined();
  });

  it('keeps statement positions when a statement is not an object', () => {
    const parsed = parsePolicyDocument({ Statement: ['junk', { Effect: 'Allow', Action: '*', Resource: '*' }] });
    expect(parsed.ok && parsed.document.statements.map((s) => s.index)).toEqual([1]);
  });

  it('reads every condition operator, key and value, numbers as text', () => {
    const parsed = parsePolicyDocument({
      Statement: { Effect: 'Allow', Condition: { StringEquals: { 'aws:SourceAccount': 111122223333, 'aws:SourceVpc': ['vpc-1', 'vpc-2'] } } },
    });
    expect(parsed.ok && parsed.document.statements[0]?.conditions).toEqual([
      { operator: 'StringEquals', key: 'aws:SourceAccount', values: ['111122223333'] },
      { operator: 'StringEquals', key: 'aws:SourceVpc', values: ['vpc-1', 'vpc-2'] },
    ]);
  });

  it('keeps a "__proto__" condition key as data', () => {
    const parsed = parsePolicyDocument('{"Statement":{"Effect":"Allow","Condition":{"__proto__":{"aws:SourceVpc":"vpc-1"}}}}');
    expect(parsed.ok && parsed.document.statements[0]?.conditions).toEqual([{ operator: '__proto__', key: 'aws:SourceVpc', values: ['vpc-1'] }]);
  });

  it.each([
    ['truncated JSON', '{"Version":"2012-10-17","Statement":['],
    ['malformed URL encoding', '%7B%ZZ'],
    ['an empty string', '   '],
    ['a JSON array', '[]'],
    ['null', null],
    ['a number', 42],
    ['a document without Statement', { Version: '2012-10-17' }],
  ])('returns a reason instead of throwing for %s', (_name, input) => {
    const parsed = parsePolicyDocument(input);
    expect(parsed.ok).toBe(false);
    expect(parsed.ok ? '' : parsed.reason).toMatch(/policy document/);
  });
});

describe('statement helpers', () => {
  it('reads Effect case-insensitively', () => {
    const parsed = parsePolicyDocument({ Statement: [{ Effect: 'allow' }, { Effect: 'Deny' }, {}] });
    expect(parsed.ok && parsed.document.statements.map(isAllow)).toEqual([true, false, false]);
  });

  it('names a statement by position and Sid', () => {
    expect(statementLabel({ index: 2, sid: 'PublicRead' })).toBe('statement 2 (PublicRead)');
    expect(statementLabel({ index: 0, sid: undefined })).toBe('statement 0');
  });
});
