import type { Detection } from './detection.js';
import { mfaDeactivated } from './iam/mfa-deactivated.js';
import { rootAccessKeyCreated } from './iam/root-access-key-created.js';

/**
 * Every detection iam-warden runs, as an explicit list: a directory scan would break under a bundler
 * and could drop a rule silently. test/detections/catalogue.test.ts fails when a file is missing here.
 */
export const catalogue: readonly Detection[] = [mfaDeactivated, rootAccessKeyCreated];
