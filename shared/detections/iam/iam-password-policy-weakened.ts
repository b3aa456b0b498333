import { accountOf, actorOf, field, type CloudTrailRecord } from '../../cloudtrail/record.js';
import { partitionOf } from '../../cloudtrail/arn.js';
import type { Detection } from '../detection.js';

/** CIS AWS Foundations 1.8 and 1.9: what the account password policy must require at least. */
const REQUIRED = { minimumPasswordLength: 14, passwordReusePrevention: 24 } as const;
type Setting = keyof typeof REQUIRED;
const SETTINGS = Object.keys(REQUIRED) as Setting[];

/**
 * What IAM applies when UpdateAccountPasswordPolicy leaves a setting out: the call does not support
 * partial updates, an omitted parameter reverts to its default (6 characters, no reuse prevention).
 * https://docs.aws.amazon.com/IAM/latest/APIReference/API_UpdateAccountPasswordPolicy.html
 */
const UPDATE_DEFAULTS: Readonly<Record<Setting, number>> = { minimumPasswordLength: 6, passwordReusePrevention: 0 };

/**
 * What applies once the policy is deleted: the AWS default password policy (at least 8 characters,
 * no reuse prevention).
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_passwords_account-policy.html
 */
const NO_POLICY: Readonly<Record<Setting, number>> = { minimumPasswordLength: 8, passwordReusePrevention: 0 };

interface Shortfall {
  readonly setting: Setting;
  readonly value: number;
  readonly required: number;
  /** True when the request left the setting out (or deleted the policy) and the AWS default applies. */
  readonly defaulted: boolean;
}

/**
 * The value a setting takes after the call: the request's number (CloudTrail may log it as a string),
 * the default when the request leaves it out, or undefined when the value cannot be read.
 */
function settingAfter(record: CloudTrailRecord, setting: Setting): { value: number; defaulted: boolean } | undefined {
  if (record.eventName === 'DeleteAccountPasswordPolicy') return { value: NO_POLICY[setting], defaulted: true };
  const given = field(record, 'requestParameters', setting);
  if (given === undefined || given === null) return { value: UPDATE_DEFAULTS[setting], defaulted: true };
  const value = typeof given === 'number' ? given : typeof given === 'string' && given.trim() !== '' ? Number(given) : Number.NaN;
  return Number.isFinite(value) ? { value, defaulted: false } : undefined;
}

/** The settings below the benchmark after the call, and whether any setting could not be read. */
function shortfallsOf(record: CloudTrailRecord): { shortfalls: Shortfall[]; unreadable: boolean } {
  const shortfalls: Shortfall[] = [];
  let unreadable = false;
  for (const setting of SETTINGS) {
    const after = settingAfter(record, setting);
    if (after === undefined) unreadable = true;
    else if (after.value < REQUIRED[setting]) shortfalls.push({ setting, value: after.value, required: REQUIRED[setting], defaulted: after.defaulted });
  }
  return { shortfalls, unreadable };
}

/** IAM gives the account password policy no ARN; this stable identifier in ARN form names it. */
function policyIdOf(record: CloudTrailRecord): string {
  return `arn:${partitionOf(record)}:iam::${accountOf(record)}:account-password-policy`;
}

const LABELS: Readonly<Record<Setting, string>> = { minimumPasswordLength: 'minimum length', passwordReusePrevention: 'passwords remembered' };

function wording({ setting, value, required, defaulted }: Shortfall): string {
  return `${LABELS[setting]} ${value}${defaulted ? ' (AWS default)' : ''}, needs ${required}`;
}

export const iamPasswordPolicyWeakened: Detection = {
  id: 'iam-password-policy-weakened',
  title: 'IAM account password policy deleted or below the CIS benchmark',
  severity: 'medium',
  description:
    'The account password policy was deleted, or set so that IAM user passwords may be shorter than 14 characters or may reuse ' +
    'one of the last 24 (CIS 1.8 and 1.9). Short or recycled passwords are what password spraying and credential stuffing ' +
    'guess first. UpdateAccountPasswordPolicy replaces the whole policy: a setting the request leaves out reverts to its AWS ' +
    'default (6 characters, no reuse prevention), so it is judged as that default. CloudTrail does not show the policy before ' +
    'the change, so a policy that was already below the benchmark is reported again when it is rewritten below it. Other ' +
    'settings (character classes, expiry) are not judged. The finding is resolved by an update that meets both settings. ' +
    'The policy is named arn:<partition>:iam::<account>:account-password-policy, as IAM gives it no ARN.',
  remediation:
    'Set a policy that meets the benchmark (the call replaces every setting, so give them all): `aws iam ' +
    'update-account-password-policy --minimum-password-length 14 --password-reuse-prevention 24 --require-symbols ' +
    '--require-numbers --require-uppercase-characters --require-lowercase-characters --allow-users-to-change-password`, ' +
    'then ask who changed it and why. Better still, give people console access through IAM Identity Center instead of IAM user passwords.',
  references: {
    cis: ['1.8', '1.9'],
    securityHub: ['IAM.15', 'IAM.16'],
    links: [
      'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_passwords_account-policy.html',
      'https://docs.aws.amazon.com/IAM/latest/APIReference/API_UpdateAccountPasswordPolicy.html',
    ],
  },
  scoped: false,
  events: [{ eventSource: 'iam.amazonaws.com', eventNames: ['UpdateAccountPasswordPolicy', 'DeleteAccountPasswordPolicy'] }],

  evaluate(record) {
    if (record.eventName !== 'UpdateAccountPasswordPolicy' && record.eventName !== 'DeleteAccountPasswordPolicy') return undefined;
    const { shortfalls } = shortfallsOf(record);
    if (shortfalls.length === 0) return undefined;
    const account = accountOf(record);
    const change = record.eventName === 'DeleteAccountPasswordPolicy' ? 'deleted the password policy of account' : 'set the password policy of account';
    return {
      severity: 'medium',
      resource: policyIdOf(record),
      summary: `${actorOf(record).arn} ${change} ${account} below the CIS benchmark: ${shortfalls.map(wording).join('; ')}.`,
      details: { action: record.eventName, belowBenchmark: shortfalls },
    };
  },

  resolves(record) {
    if (record.eventName !== 'UpdateAccountPasswordPolicy') return [];
    const { shortfalls, unreadable } = shortfallsOf(record);
    return shortfalls.length === 0 && !unreadable ? [{ resource: policyIdOf(record), reason: 'password policy meets CIS 1.8 and 1.9 again' }] : [];
  },
};
