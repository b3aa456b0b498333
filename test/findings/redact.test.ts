import { readdir, readFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { catalogue } from '../../shared/detections/catalogue.js';
import { DetectionEngine } from '../../shared/detections/engine.js';
import { examples as mfaExamples } from '../../shared/detections/iam/mfa-deactivated.examples.js';
import { examples as rootKeyExamples } from '../../shared/detections/iam/root-access-key-created.examples.js';
import { REDACTED, redactSecrets, redactString } from '../../shared/findings/redact.js';
import { runWarden } from '../support/cli.js';

const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const TOKEN = `IQoJb3JpZ2luX2VjE${'A'.repeat(60)}${'b9+/'.repeat(30)}`;
const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Any secret access key: 40 characters of the base64 alphabet. */
const secretKey = fc.array(fc.constantFrom(...BASE64), { minLength: 40, maxLength: 40 }).map((chars) => chars.join(''));
/** Any text around it, ending (or starting) with something that is not base64, or with a slash. */
const before = fc
  .tuple(fc.string({ unit: 'binary' }), fc.constantFrom(' ', '/', '=', ':', '"', ',', '\n', '\u001b', ';', '(', 'é'))
  .map(([text, edge]) => `${text}${edge}`);
const after = fc
  .tuple(fc.constantFrom(' ', '/', '=', ':', '"', ',', '\n', '\u0007', ')', '&'), fc.string({ unit: 'binary' }))
  .map(([edge, text]) => `${edge}${text}`);

describe('redactString', () => {
  it.each([
    ['standing alone', `key ${SECRET}`],
    ['after a slash, as in a user agent', `aws-cli/2.15.0 Python/3.11 sk/${SECRET}`],
    ['after an equals sign', `aws_secret_access_key=${SECRET}`],
    ['between slashes', `s3://bucket/${SECRET}/object`],
    ['at the end of a path', `/home/ci/${SECRET}`],
    ['followed by base64 padding', `${SECRET}=`],
    ['a session token', `token ${TOKEN}`],
    ['a session token with padding, after a slash', `x/${TOKEN}==`],
  ])('hides a secret %s', (_where, text) => {
    const redacted = redactString(text);
    expect(redacted).toContain(REDACTED);
    expect(redacted).not.toContain(SECRET);
    expect(redacted).not.toContain(TOKEN.slice(0, 40));
  });

  it.each([
    'arn:aws:iam::111122223333:role/service-role/AWSCodePipelineServiceRole-us-east-1-release',
    'arn:aws:s3:::prod-customer-exports/AWSLogs/111122223333/CloudTrail/us-east-1/2026/11/20',
    'aws-cli/2.15.0 md/Botocore#1.34.0 ua/2.0 os/linux#6.1 md/arch#x86_64 lang/python#3.11.6 md/pyimpl#CPython cfg/retry-mode#standard',
    'arn:aws:sts::111122223333:assumed-role/Deployer/botocore-session-1700000000',
    'AKIAEXAMPLEROOTKEY01',
  ])('leaves ordinary values alone: %s', (text) => {
    expect(redactString(text)).toBe(text);
  });

  it('leaves a 40-character piece glued to more base64 alone: it is part of something longer', () => {
    expect(redactString(`x${SECRET}`)).toBe(`x${SECRET}`);
  });

  it('hides any secret access key, whatever surrounds it', () => {
    fc.assert(
      fc.property(before, secretKey, after, (head, secret, tail) => {
        expect(redactString(`${head}${secret}${tail}`)).not.toContain(secret);
      }),
      { numRuns: 500 },
    );
  });
});

describe('redactSecrets', () => {
  it('hides secrets in field names too', () => {
    const redacted = redactSecrets({ condition: { [`aws:PrincipalTag/${SECRET}`]: 'x' } });
    expect(JSON.stringify(redacted)).not.toContain(SECRET);
  });

  it('hides whatever is nested deeper than it reads, rather than copying it unread', () => {
    let deep: unknown = { note: `key ${SECRET}` };
    for (let i = 0; i < 40; i += 1) deep = { deeper: deep };
    const redacted = JSON.stringify(redactSecrets({ statement: deep }));
    expect(redacted).not.toContain(SECRET);
    expect(redacted).toContain(REDACTED);
  });
});

describe('detections are redacted before anything stores or prints them', () => {
  const engine = new DetectionEngine(catalogue);
  const planted = {
    ...rootKeyExamples.positive[0]!.record,
    userAgent: `aws-cli/2.15.0 token/${TOKEN} sk/${SECRET}`,
    sourceIPAddress: `203.0.113.5/${SECRET}`,
  };

  it('in every field of a detection and of a resolution', () => {
    const detected = engine.evaluate(planted).detected;
    const mfa = mfaExamples.resolving?.[0]?.record;
    const resolutions =
      mfa === undefined
        ? []
        : engine.evaluate({ ...mfa, userIdentity: { ...(mfa['userIdentity'] as object), arn: `arn:aws:iam::111122223333:user/${SECRET}` } }).resolutions;
    expect(detected.length).toBeGreaterThan(0);
    expect(resolutions.length).toBeGreaterThan(0);
    const everything = JSON.stringify({ detected, resolutions });
    for (const secret of [SECRET, TOKEN.slice(0, 40)]) expect(everything).not.toContain(secret);
  });

  let work: string;
  beforeEach(async () => {
    work = await mkdtemp(join(tmpdir(), 'warden-redact-'));
  });
  afterEach(() => rm(work, { recursive: true, force: true }));

  it('so the store never holds one, byte for byte, and `show` and `--json` never print one', async () => {
    const input = join(work, 'trail.jsonl');
    await writeFile(input, `${JSON.stringify(planted)}\n`);
    const store = ['--store', join(work, 'store')];
    const replay = await runWarden(['replay', input, ...store, '--json']);
    const findingId = (JSON.parse(replay.stdout.split('\n')[0]!) as { findingId: string }).findingId;
    const show = await runWarden(['findings', 'show', findingId, ...store]);
    const shown = await runWarden(['findings', 'show', findingId, '--json', ...store]);

    expect(show.stdout).toContain(REDACTED);
    const files = await readdir(join(work, 'store'));
    const stored = (await Promise.all(files.map((file) => readFile(join(work, 'store', file))))).map((bytes) => bytes.toString('latin1')).join('');
    for (const output of [replay.stdout, show.stdout, shown.stdout, stored]) {
      for (const secret of [SECRET, TOKEN.slice(0, 40)]) expect(output).not.toContain(secret);
    }
  });
});
