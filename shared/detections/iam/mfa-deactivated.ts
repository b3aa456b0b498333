import { accountOf, actorOf, isRootActingOnItself, ROOT_USER_NAME, stringField, type CloudTrailRecord } from '../../cloudtrail/record.js';
import { iamUserArn, rootArn } from '../../cloudtrail/arn.js';
import type { Detection } from '../detection.js';

const ROOT_DEVICE = /:mfa\/root-account-mfa-device$/;

/**
 * Whose MFA device the event acts on: the named user, the root user, or, when no user is named, the
 * caller (DeactivateMFADevice and EnableMFADevice default to the principal making the request).
 */
function ownerOf(record: CloudTrailRecord): { resource: string; label: string; isRoot: boolean } | undefined {
  const account = accountOf(record);
  const userName = stringField(record, 'requestParameters', 'userName');
  const serialNumber = stringField(record, 'requestParameters', 'serialNumber');
  const rootDevice = serialNumber !== undefined && ROOT_DEVICE.test(serialNumber);
  if (rootDevice || userName === ROOT_USER_NAME || isRootActingOnItself(record))
    return { resource: rootArn(record, account), label: 'the root user', isRoot: true };
  const owner = userName ?? (stringField(record, 'userIdentity', 'type') === 'IAMUser' ? stringField(record, 'userIdentity', 'userName') : undefined);
  if (owner === undefined || owner === '') return undefined;
  return { resource: iamUserArn(record, account, owner), label: `IAM user ${owner}`, isRoot: false };
}

export const mfaDeactivated: Detection = {
  id: 'mfa-deactivated',
  title: 'MFA device deactivated',
  severity: 'critical',
  description:
    'An MFA device was deactivated: removed from the user (or root user) it protected. Without MFA a stolen password is ' +
    'enough to sign in; attackers who gain a foothold remove MFA to keep their access and to lock the owner out of recovery. ' +
    'Critical for the root user, high for an IAM user. Deleting a virtual MFA device is not raised: IAM deletes only a device ' +
    'that protects nobody (one still assigned must be deactivated first, DeleteConflict otherwise), so a deleted device that ' +
    "was never enabled removes nobody's MFA, and one that was enabled was raised on its owner when it was deactivated. " +
    'A user may hold several devices: deactivating one is raised even when another remains. Resolved when the owner enables ' +
    'an MFA device again, or the user is deleted.',
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
    links: [
      'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_mfa_disable.html',
      'https://docs.aws.amazon.com/IAM/latest/APIReference/API_DeleteVirtualMFADevice.html',
    ],
  },
  scoped: false,
  events: [
    {
      eventSource: 'iam.amazonaws.com',
      eventNames: ['DeactivateMFADevice', 'EnableMFADevice', 'DeleteUser'],
    },
  ],

  evaluate(record) {
    if (record.eventName !== 'DeactivateMFADevice') return undefined;
    const owner = ownerOf(record);
    if (owner === undefined) return undefined;
    const serialNumber = stringField(record, 'requestParameters', 'serialNumber');
    const actor = actorOf(record);
    return {
      severity: owner.isRoot ? 'critical' : 'high',
      resource: owner.resource,
      summary: `${actor.arn} deactivated the MFA device of ${owner.label}${serialNumber === undefined ? '' : ` (${serialNumber})`}; confirm it was intended and enable MFA again.`,
      details: { serialNumber, actedBy: actor.arn, actorType: actor.type },
    };
  },

  resolves(record) {
    if (record.eventName === 'DeleteUser') {
      const userName = stringField(record, 'requestParameters', 'userName');
      return userName === undefined ? [] : [{ resource: iamUserArn(record, accountOf(record), userName), reason: 'user deleted' }];
    }
    if (record.eventName !== 'EnableMFADevice') return [];
    const owner = ownerOf(record);
    return owner === undefined ? [] : [{ resource: owner.resource, reason: 'MFA device enabled again' }];
  },
};
