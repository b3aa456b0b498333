import type { RuleDescription } from '../detections/detection.js';

/** The key hygiene checks. Rule ids are a public contract (users filter alerts and findings on them). */
export type KeyRule = RuleDescription;

const rule = <const T extends KeyRule>(value: T): T => value;

export const KEY_RULES = {
  rootAccessKeyExists: rule({
    id: 'root-access-key-exists',
    title: 'The root user has an active access key',
    severity: 'critical',
    description:
      'The root user has an active access key. A root key gives unrestricted access to the whole account from anywhere and no policy can limit it; AWS advises having none.',
    references: { cis: ['1.4'], securityHub: ['IAM.4'] },
    remediation:
      'iam-warden never touches root keys. Sign in as the root user, open Security credentials, Access keys, ' +
      'deactivate then delete the key (a root key cannot be deleted by another identity). Move any automation to an IAM role.',
  }),
  rootMfaDisabled: rule({
    id: 'root-mfa-disabled',
    title: 'The root user has no MFA device',
    severity: 'critical',
    description: 'The root user has no MFA device, so its password alone opens the whole account, including billing and account closure.',
    references: { cis: ['1.5'], securityHub: ['IAM.9'] },
    remediation:
      'Sign in as the root user, open Security credentials, Multi-factor authentication, Assign MFA device (a hardware or passkey device preferably).',
  }),
  consoleUserWithoutMfa: rule({
    id: 'console-user-without-mfa',
    title: 'A user with a console login has no MFA device',
    severity: 'high',
    description: 'A user who can sign in to the console has no MFA device: a phished or reused password is enough to act as them.',
    references: { cis: ['1.10'], securityHub: ['IAM.5'] },
    remediation:
      'Have the user assign an MFA device (IAM console, Users, the user, Security credentials, Assign MFA device), or remove the console login: aws iam delete-login-profile --user-name USER.',
  }),
  accessKeyNeverUsed: rule({
    id: 'access-key-never-used',
    title: 'An active access key has never been used',
    severity: 'medium',
    description:
      'An active access key has never been used since it was created. Unused keys are pure risk: nobody watches them, and they are often left over or created by an intruder for later.',
    references: { cis: ['1.11'] },
    remediation:
      'Deactivate the key (aws iam update-access-key --user-name USER --access-key-id ID --status Inactive) and delete it if nobody claims it. Create keys only when they are needed.',
  }),
  credentialsUnused: rule({
    id: 'credentials-unused',
    title: 'Credentials not used for a long time',
    severity: 'medium',
    description:
      'An active access key or a console password has not been used for a long time. Dormant credentials are rarely missed when stolen; AWS advises disabling them after 45 days.',
    references: { cis: ['1.12'], securityHub: ['IAM.22'] },
    remediation:
      'Deactivate the unused key (aws iam update-access-key ... --status Inactive) or remove the unused console login (aws iam delete-login-profile --user-name USER).',
  }),
  twoActiveAccessKeys: rule({
    id: 'two-active-access-keys',
    title: 'A user has two active access keys',
    severity: 'medium',
    description: 'A user has both access keys active outside a rotation. The second key is usually forgotten, doubling what can leak without anybody noticing.',
    references: { cis: ['1.13'] },
    remediation: 'Keep one active key per user: find which key is in use (access_key_N_last_used_date), then deactivate and delete the other.',
  }),
  accessKeyNotRotated: rule({
    id: 'access-key-not-rotated',
    title: 'An active access key is older than the rotation age',
    severity: 'high',
    description:
      'An active access key is older than the rotation age. The longer a key lives, the more places it has been copied to and the longer a leaked copy stays useful.',
    references: { cis: ['1.14'], securityHub: ['IAM.3'] },
    remediation:
      'Rotate the key: create a second key, install it where the old one is used, check the old one is no longer used, deactivate it, then delete it. Better: replace the user by a role.',
  }),
} as const;

export type KeyRuleId = (typeof KEY_RULES)[keyof typeof KEY_RULES]['id'];
export const KEY_RULE_IDS: readonly KeyRuleId[] = Object.values(KEY_RULES).map((r) => r.id);
