import { describe, expect, it } from 'vitest';
import { UsageError } from '../../shared/cli/io.js';
import { isoTimeOption, parseOptions, severityOption, storeSelection } from '../../shared/cli/options.js';
import { reportText } from '../../shared/keys/credential-report.js';

describe('command-line options', () => {
  it.each([
    ['2026-11-24', '2026-11-24T00:00:00.000Z'],
    ['2026-11-24T08:30:00Z', '2026-11-24T08:30:00.000Z'],
    ['2024-02-29', '2024-02-29T00:00:00.000Z'],
    ['2026-11-24T08:30', '2026-11-24T08:30:00.000Z'],
    ['2026-11-24T08:30:00+02:00', '2026-11-24T06:30:00.000Z'],
  ])('reads the ISO time %s', (text, expected) => {
    expect(isoTimeOption(text, '--until').toISOString()).toBe(expected);
  });

  it.each(['2027-02-30', '2026-11-31', '2026-13-01', '2026-11-20T25:00:00Z', 'soon', '24/11/2026'])(
    'refuses %s instead of moving it to another day',
    (text) => {
      expect(() => isoTimeOption(text, '--until')).toThrow(/--until must be an ISO date/);
    },
  );

  it('reads severities in any case and names the option when wrong', () => {
    expect(severityOption('CRITICAL', '--fail-on')).toBe('critical');
    expect(() => severityOption('severe', '--fail-on')).toThrow('--fail-on must be one of info, low, medium, high, critical (got "severe")');
  });

  it('says which option is unknown and where the help is', () => {
    expect(() => parseOptions('replay', ['--bogus'], {})).toThrow(new UsageError('unknown option --bogus (see warden replay --help)'));
    expect(parseOptions('rules', ['-h'], {}).values.help).toBe(true);
  });

  it('refuses an empty --store and a --region without --table', () => {
    expect(() => storeSelection({ store: '' })).toThrow('--store needs a directory');
    expect(() => storeSelection({ region: 'eu-west-1' })).toThrow('--region only applies with --table');
    expect(storeSelection({})).toMatchObject({ storeDir: '.warden' });
  });
});

describe('a saved credential report', () => {
  const csv = 'user,arn,user_creation_time\n<root_account>,arn:aws:iam::111122223333:root,2020-01-01T00:00:00+00:00';

  it('is read as CSV, as base64, or as the JSON aws iam get-credential-report prints', () => {
    const base64 = Buffer.from(csv).toString('base64');
    const cliJson = JSON.stringify({ Content: base64, ReportFormat: 'text/csv', GeneratedTime: '2026-11-24T06:00:00+00:00' });
    expect([reportText(csv), reportText(base64), reportText(cliJson)]).toEqual([csv, csv, csv]);
  });
});
