import { accountOf, actorOf, isRootActingOnItself, ROOT_USER_NAME, stringField, type CloudTrailRecord } from '../../cloudtrail/record.js';
import { iamUserArn, rootArn } from '../../cloudtrail/arn.js';
import type { Detection, RiskRemoval } from '../detection.js';

const ROOT_DEVICE = /:mfa\/root-account-mfa-device$/;

/** Whose MFA was removed: the named user, the root user, or (for a deleted device) only the device. */
function ownerOf(record: CloudTrailRecord): { resource: string; label: string; isRoot: boolean } | undefined {
  const account = accountOf(record);
  const userName = stringField(record, 'requestParameters', 'userName');
  const serialNumber = stringField(record, 'requestParameters', 'serialNumber');
  const rootDevice = (serialNumber !== undefined && ROOT_DEVICE.test(serialNumber)) || (isRootActingOnItself(record) && record.eventName === 'DeactivateMFADevice');
  if (rootDevice || userName === ROOT_USER_NAME) return { resource: rootArn(record, account), label: 'the root user', isRoot: true };
  if (userName !== undefined) return { resource: iamUserArn(record, account, userName), label: `IAM user ${userName}`, isRoot: false };
  // DeleteVirtualMFADevice names only the device: an assigned device must be deactivated first,
  // which raised a finding on its user already.
  if (serialNumber !== undefined) return { resource: serialNumber, label: `the owner of MFA device ${serialNumber}`, isRoot: false };
  return undefined;
}

export const mfaDeactivated: Detection = {
  id: 'mfa-deactivated',
  title: 'MFA device deactivated or deleted',
  severity: 'critical',
  description:
    'An MFA device was deactivated or deleted. Without MFA a stolen password is enough to sign in; attackers who ' +
    'gain a foothold remove MFA to keep their access and to lock the owner out of recovery.',
  remediation:
    'Confirm with the owner that they removed the device. If not, reset their password and access keys, then ' +
    'enable a new device: aws iam create-virtual-mfa-device --virtual-mfa-device-name <user> --outfile qr.png ' +
    '--bootstrap-method QRCodePNG && aws iam enable-mfa-device --user-name <user> --serial-number <device-arn> ' +
    '--authentication-code1 <code> --authentication-code2 <next-code>. For the root user: sign in as root, ' +
    'Security credentials, Assign MFA device.',
  references: {
    cis: ['1.5', '1.10'],
    securityHub: ['IAM.5', 'IAM.9'],
    mitreAttack: ['T1556.006'],
    links: ['https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_mfa_disable.html'],
  },
  scoped: false,
  events: [
    {
      eventSource: 'iam.amazonaws.com',
      eventNames: ['DeactivateMFADevice', 'DeleteVirtualMFADevice', 'EnableMFADevice', 'DeleteUser'],
    },
  ],

  evaluate(record) {
    if (record.eventName !== 'DeactivateMFADevice' && record.eventName !== 'DeleteVirtualMFADevice') return undefined;
    const owner = ownerOf(record);
    if (owner === undefined) return undefined;
    const serialNumber = stringField(record, 'requestParameters', 'serialNumber');
    const actor = actorOf(record);
    const verb = record.eventName === 'DeactivateMFADevice' ? 'deactivated' : 'deleted';
    return {
      severity: owner.isRoot ? 'critical' : 'high',
      resource: owner.resource,
      summary: `${actor.arn} ${verb} the MFA device of ${owner.label}${serialNumber === undefined ? '' : ` (${serialNumber})`}; confirm it was intended and enable MFA again.`,
      details: { serialNumber, action: verb, actedBy: actor.arn, actorType: actor.type },
    };
  },

  resolves(record) {
    const account = accountOf(record);
    const userName = stringField(record, 'requestParameters', 'userName');
    if (record.eventName === 'DeleteUser' && userName !== undefined) {
      return [{ resource: iamUserArn(record, account, userName), reason: 'user deleted' }];
    }
    if (record.eventName !== 'EnableMFADevice') return [];
    const serialNumber = stringField(record, 'requestParameters', 'serialNumber');
    const removals: RiskRemoval[] = [];
    const owner = isRootActingOnItself(record) || userName === ROOT_USER_NAME ? rootArn(record, account) : userName !== undefined ? iamUserArn(record, account, userName) : undefined;
    if (owner !== undefined) removals.push({ resource: owner, reason: 'MFA device enabled again' });
    if (serialNumber !== undefined) removals.push({ resource: serialNumber, reason: 'MFA device enabled again' });
    return removals;
  },
};
