import type { KeyAuditRule } from '../key-audit-rule.js';
import { accessKeyNeverUsed } from './access-key-never-used.js';
import { accessKeyNotRotated } from './access-key-not-rotated.js';
import { consoleUserWithoutMfa } from './console-user-without-mfa.js';
import { credentialsUnused } from './credentials-unused.js';
import { rootAccessKeyExists } from './root-access-key-exists.js';
import { rootMfaDisabled } from './root-mfa-disabled.js';
import { twoActiveAccessKeys } from './two-active-access-keys.js';

/**
 * Every key-audit check, as an explicit list (like shared/detections/catalogue.ts): a directory scan
 * would break under a bundler and could drop a rule silently. test/keys/catalogue.test.ts fails when a
 * file is missing here. The order is the order of the findings of one key slot.
 */
export const keyAuditRules: readonly KeyAuditRule[] = [
  rootAccessKeyExists,
  rootMfaDisabled,
  consoleUserWithoutMfa,
  accessKeyNeverUsed,
  credentialsUnused,
  twoActiveAccessKeys,
  accessKeyNotRotated,
];

/** The rule ids are a public contract: users filter alerts and findings on them. */
export const KEY_RULE_IDS: readonly string[] = keyAuditRules.map((rule) => rule.id);
