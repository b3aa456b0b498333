import { sharedOutsideMatches, unsharedRemovals } from '../account-sharing.js';
import type { Detection } from '../detection.js';
import { imageOf, permissionItems, userIdsIn } from '../ec2-sharing.js';

export const amiSharedOutside: Detection = {
  id: 'ami-shared-outside',
  title: 'AMI shared with an account outside the trusted accounts',
  severity: 'high',
  description:
    "An AMI's launch permission was given to an AWS account that is neither this account nor one of the trusted accounts. That " +
    'account can launch the image, or copy it, and read every disk it carries: the application, its configuration and any ' +
    'credential baked into it. One finding per outside account; making the AMI public (group "all") ' +
    'is ami-public. Sharing with an organization or organizational unit (organizationArn, organizationalUnitArn) is not judged ' +
    'here, and only the documented form of the call (launchPermission add items) is read.',
  remediation:
    'Remove the account unless the share is intended: `aws ec2 modify-image-attribute --image-id AMI --launch-permission ' +
    '"Remove=[{UserId=ACCOUNT}]"`, or make the image private again with `aws ec2 reset-image-attribute --image-id AMI ' +
    '--attribute launchPermission`. If the share is legitimate, add the account to the trusted accounts. Otherwise assume the ' +
    'image was copied: rotate any secret baked into it.',
  references: {
    mitreAttack: ['T1537'],
    links: ['https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/sharingamis-explicit.html'],
  },
  scoped: true,
  events: [{ eventSource: 'ec2.amazonaws.com', eventNames: ['ModifyImageAttribute', 'ResetImageAttribute', 'DeregisterImage'] }],

  evaluate(record, context) {
    if (record.eventName !== 'ModifyImageAttribute') return undefined;
    const image = imageOf(record);
    if (image === undefined) return undefined;
    const added = userIdsIn(permissionItems(record, 'launchPermission', 'add'));
    return sharedOutsideMatches(record, context, image, added, 'launch or copy it and read every disk it carries', { imageId: image.id });
  },

  resolves(record) {
    const image = imageOf(record);
    if (image === undefined) return [];
    if (record.eventName === 'DeregisterImage') return [{ resource: image.arn, reason: 'AMI deregistered' }];
    if (record.eventName === 'ResetImageAttribute') return [{ resource: image.arn, reason: 'launch permissions reset to private' }];
    return unsharedRemovals(image, userIdsIn(permissionItems(record, 'launchPermission', 'remove')), 'account removed from the launch permissions');
  },
};
