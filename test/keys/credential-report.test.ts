import { readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import {
  CredentialReportExpiredException,
  CredentialReportNotPresentException,
  CredentialReportNotReadyException,
  GenerateCredentialReportCommand,
  GetCredentialReportCommand,
  IAMClient,
  LimitExceededException,
} from '@aws-sdk/client-iam';
import { CredentialReportError, parseCredentialReport, readCredentialReport } from '../../shared/keys/credential-report.js';

const csv = readFileSync(new URL('../events/credential-reports/realistic.csv', import.meta.url), 'utf8');
const meta = { $metadata: {} };

describe('parseCredentialReport', () => {
  const rows = parseCredentialReport(csv);

  it('reads every row, the root row included', () => {
    expect(rows.map((row) => row.user)).toEqual(['<root_account>', 'alice', 'bob', 'ci-deployer', 'old-batch']);
    expect(rows[0]).toMatchObject({ isRoot: true, arn: 'arn:aws:iam::111122223333:root', consoleAccess: false, mfaActive: false });
    expect(rows[0]?.keys[0]).toMatchObject({ active: true, lastUsedService: 's3' });
  });

  it('maps N/A, no_information and not_supported to none', () => {
    const bob = rows[2];
    expect(bob?.consoleLastUsed).toBeUndefined(); // no_information
    expect(bob?.keys[0]).toEqual({ active: false, lastRotated: undefined, lastUsed: undefined, lastUsedRegion: undefined, lastUsedService: undefined });
    expect(rows[0]?.consoleLastChanged).toBeUndefined(); // not_supported
    expect(rows[4]?.keys[1].lastUsed).toBeUndefined(); // no_information on a key
  });

  it('reads booleans case-insensitively and dates as instants', () => {
    expect(rows[1]?.mfaActive).toBe(true); // TRUE
    expect(rows[2]?.consoleAccess).toBe(true); // True
    expect(rows[1]?.keys[0].lastUsed?.toISOString()).toBe('2026-11-23T17:00:00.000Z');
    expect(rows[3]?.arn).toBe('arn:aws:iam::111122223333:user/automation/ci-deployer');
  });

  it('accepts the base64 Content as GetCredentialReport returns it, as text or bytes', () => {
    const base64 = Buffer.from(csv).toString('base64');
    expect(parseCredentialReport(base64)).toEqual(rows);
    expect(parseCredentialReport(new Uint8Array(Buffer.from(csv)))).toEqual(rows);
  });

  it('names what is wrong with a bad report', () => {
    expect(() => parseCredentialReport('hello,world\n1,2')).toThrow(CredentialReportError);
    expect(() => parseCredentialReport('user,arn\nx,y')).toThrow(/lacks column\(s\): user_creation_time/);
    expect(() => parseCredentialReport(csv.replace('2021-05-01T08:00:00+00:00', 'yesterday'))).toThrow(/line 3: user_creation_time is not a date/);
  });
});

describe('readCredentialReport', () => {
  const NOW = new Date('2026-11-24T09:00:00Z');
  const content = new Uint8Array(Buffer.from(csv));
  const setup = () => {
    const iam = mockClient(IAMClient);
    const sleep = vi.fn(async (_ms: number) => {});
    return {
      iam,
      sleep,
      read: () => readCredentialReport({ iam: iam as unknown as IAMClient, sleep, now: () => NOW, initialDelayMs: 1_000, maxDelayMs: 8_000 }),
    };
  };
  const callNames = (iam: ReturnType<typeof mockClient>) => iam.calls().map((call) => (call.args[0] as { constructor: { name: string } }).constructor.name);

  it('reuses a report younger than four hours without generating one', async () => {
    const { iam, sleep, read } = setup();
    iam.on(GetCredentialReportCommand).resolves({ Content: content, GeneratedTime: new Date(NOW.getTime() - 3.9 * 3_600_000), ReportFormat: 'text/csv' });
    const report = await read();
    expect(callNames(iam)).toEqual(['GetCredentialReportCommand']);
    expect(report.rows).toHaveLength(5);
    expect(sleep).not.toHaveBeenCalled();
  });

  it('generates a new report when the current one is four hours old, and polls with growing delays', async () => {
    const { iam, sleep, read } = setup();
    const fresh = new Date(NOW.getTime() - 1_000);
    iam
      .on(GetCredentialReportCommand)
      .resolvesOnce({ Content: content, GeneratedTime: new Date(NOW.getTime() - 4 * 3_600_000) })
      .rejectsOnce(new CredentialReportNotReadyException({ message: 'in progress', $metadata: {} }))
      .rejectsOnce(new LimitExceededException({ message: 'Rate exceeded', $metadata: {} }))
      .resolves({ Content: content, GeneratedTime: fresh });
    iam.on(GenerateCredentialReportCommand).resolves({ State: 'STARTED', ...meta });
    const report = await read();
    expect(callNames(iam)).toEqual([
      'GetCredentialReportCommand',
      'GenerateCredentialReportCommand',
      'GetCredentialReportCommand',
      'GetCredentialReportCommand',
      'GetCredentialReportCommand',
    ]);
    expect(sleep.mock.calls.map(([ms]) => ms)).toEqual([1_000, 2_000, 4_000]);
    expect(report.generatedTime).toBe(fresh.toISOString());
  });

  it('handles ReportNotPresent, a throttled generate, INPROGRESS and COMPLETE', async () => {
    const { iam, sleep, read } = setup();
    iam
      .on(GetCredentialReportCommand)
      .rejectsOnce(new CredentialReportNotPresentException({ message: 'none', $metadata: {} }))
      .rejectsOnce(new CredentialReportNotPresentException({ message: 'none', $metadata: {} }))
      .resolves({ Content: content, GeneratedTime: NOW });
    iam
      .on(GenerateCredentialReportCommand)
      .rejectsOnce(Object.assign(new Error('Rate exceeded'), { name: 'Throttling' }))
      .resolvesOnce({ State: 'INPROGRESS' });
    await read();
    expect(callNames(iam)).toEqual([
      'GetCredentialReportCommand',
      'GenerateCredentialReportCommand',
      'GetCredentialReportCommand',
      'GenerateCredentialReportCommand',
      'GetCredentialReportCommand',
    ]);
    expect(sleep.mock.calls.map(([ms]) => ms)).toEqual([1_000, 2_000]);
  });

  it('asks again when the report expired between generate and get; caps the delay', async () => {
    const { iam, sleep, read } = setup();
    iam
      .on(GetCredentialReportCommand)
      .rejectsOnce(new CredentialReportExpiredException({ message: 'expired', $metadata: {} }))
      .rejectsOnce(new CredentialReportNotReadyException({ message: 'in progress', $metadata: {} }))
      .rejectsOnce(new CredentialReportNotReadyException({ message: 'in progress', $metadata: {} }))
      .rejectsOnce(new CredentialReportNotReadyException({ message: 'in progress', $metadata: {} }))
      .rejectsOnce(new CredentialReportExpiredException({ message: 'expired', $metadata: {} }))
      .rejectsOnce(new CredentialReportExpiredException({ message: 'expired', $metadata: {} }))
      .rejectsOnce(new CredentialReportNotReadyException({ message: 'in progress', $metadata: {} }))
      .resolves({ Content: content, GeneratedTime: NOW });
    iam.on(GenerateCredentialReportCommand).resolves({ State: 'COMPLETE' });
    await read();
    expect(iam.commandCalls(GenerateCredentialReportCommand)).toHaveLength(2);
    expect(sleep.mock.calls.map(([ms]) => ms)).toEqual([1_000, 2_000, 4_000, 8_000, 8_000]);
  });

  it('gives up after the maximum wait, naming why, and throws unexpected errors as they are', async () => {
    const { iam, sleep } = setup();
    iam.on(GetCredentialReportCommand).rejects(new CredentialReportNotReadyException({ message: 'in progress', $metadata: {} }));
    iam.on(GenerateCredentialReportCommand).resolves({ State: 'INPROGRESS' });
    await expect(readCredentialReport({ iam: iam as unknown as IAMClient, sleep, now: () => NOW, maxWaitMs: 10_000 })).rejects.toThrow(
      /not ready after waiting 7 s \(in progress\)/,
    );

    iam.reset();
    iam.on(GetCredentialReportCommand).rejects(Object.assign(new Error('denied'), { name: 'AccessDenied' }));
    await expect(readCredentialReport({ iam: iam as unknown as IAMClient, sleep, now: () => NOW })).rejects.toThrow('denied');
  });
});
