import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileGlob, globMatches } from '../../shared/findings/glob.js';
import { actionMatcher } from '../../shared/policy/actions.js';

const BUCKET = 'arn:aws:s3:::prod-customer-exports-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';

/** The meaning the glob keeps: a regular expression, safe here on short texts only. */
function oracle(pattern: string, text: string, flags = 's'): boolean {
  const source = Array.from(pattern, (char) => (char === '*' ? '.*' : char === '?' ? '.' : char.replace(/[.+^${}()|[\]\\]/g, '\\$&'))).join('');
  return new RegExp(`^${source}$`, flags).test(text);
}

/** Milliseconds `run` takes. */
function timed(run: () => void): number {
  const started = performance.now();
  run();
  return performance.now() - started;
}

describe('globMatches', () => {
  it.each([
    ['arn:aws:s3:::prod-*', 'arn:aws:s3:::prod-logs', true],
    ['arn:aws:s3:::prod-*', 'arn:aws:s3:::staging-logs', false],
    ['arn:aws:iam::*:role/*', 'arn:aws:iam::111122223333:role/path/Deployer', true],
    ['arn:aws:iam::11112222333?:root', 'arn:aws:iam::111122223333:root', true],
    ['arn:aws:iam::11112222333?:root', 'arn:aws:iam::11112222333:root', false],
    ['*Deployer', 'arn:aws:sts::111122223333:assumed-role/Deployer/ci', false],
    ['*Deployer*', 'arn:aws:sts::111122223333:assumed-role/Deployer/ci', true],
    ['Arn:*', 'arn:aws:s3:::bucket', false],
    ['a.b', 'axb', false],
    ['(x)+', '(x)+', true],
    ['*', '', true],
    ['', '', true],
    ['ab*ba', 'aba', false],
    ['*line*', 'first\nline\nlast', true],
  ])('%s against %s: %s', (pattern, text, expected) => {
    expect(globMatches(pattern, text)).toBe(expected);
  });

  it('agrees with the regular expression it replaces, on any pattern and text', () => {
    const alphabet = fc.constantFrom('a', 'b', '*', '?', '/', ':', '.');
    const text = (maxLength: number) => fc.array(alphabet, { maxLength }).map((chars) => chars.join(''));
    fc.assert(
      fc.property(text(8), text(14), (pattern, subject) => {
        expect(globMatches(pattern, subject)).toBe(oracle(pattern, subject));
      }),
      { numRuns: 2_000 },
    );
  });

  it('matches pathological patterns in linear time (a regular expression took 9.5 s with seven stars, 42 s with eight)', () => {
    const patterns = ['*a*a*a*a*a*a*a*b', '*a*a*a*a*a*a*a*a*b', `${'*a'.repeat(200)}*b`, `${'*?'.repeat(500)}*b`];
    const long = `arn:aws:s3:::${'a'.repeat(2_000)}`;
    let matched = false;
    const elapsed = timed(() => {
      for (const pattern of patterns) for (const subject of [BUCKET, long]) matched ||= globMatches(pattern, subject);
    });
    expect(matched).toBe(false);
    expect(elapsed).toBeLessThan(500);
  });

  it('still matches what a pathological-looking pattern should', () => {
    expect(globMatches('*a*a*a*a*a*a*a*b', `${BUCKET}b`)).toBe(true);
  });
});

describe('IAM action patterns', () => {
  it('match case-insensitively, as IAM does', () => {
    expect(actionMatcher('IAM:put*policy').test('iam:PutUserPolicy')).toBe(true);
    expect(actionMatcher('s3:Get?bject').test('s3:GetObject')).toBe(true);
    expect(actionMatcher('s3:Get*').test('s3:PutObject')).toBe(false);
  });

  it('agree with the case-insensitive regular expression they replace', () => {
    const alphabet = fc.constantFrom('a', 'A', 'b', 'B', '*', '?', ':');
    const text = (maxLength: number) => fc.array(alphabet, { maxLength }).map((chars) => chars.join(''));
    fc.assert(
      fc.property(text(8), text(12), (pattern, subject) => {
        expect(compileGlob(pattern, { ignoreCase: true }).test(subject)).toBe(oracle(pattern, subject, 'is'));
      }),
      { numRuns: 1_000 },
    );
  });

  it('written by an attacker into a policy, cost linear time against every action name', () => {
    const matcher = actionMatcher(`iam:${'*e'.repeat(40)}*x`);
    let matched = false;
    const elapsed = timed(() => {
      for (let i = 0; i < 200; i += 1) matched ||= matcher.test(`iam:${'e'.repeat(60)}CreateServiceLinkedRole`);
    });
    expect(matched).toBe(false);
    expect(elapsed).toBeLessThan(500);
  });
});
