import { actorOf } from '../../cloudtrail/record.js';
import type { Detection } from '../detection.js';
import { imageOf, includesGroupAll, permissionItems } from '../ec2-sharing.js';

export const amiPublic: Detection = {
  id: 'ami-public',
  title: 'AMI made public',
  severity: 'critical',
  description:
    'An AMI was shared with every AWS account (launch permission group "all"). Anyone can launch or copy it and read every disk ' +
    'it carries, exactly as with a public EBS snapshot: an AMI is backed by snapshots and often holds a whole server, its ' +
    'application, configuration and any credential baked into it. Hence critical, like ebs-snapshot-public. Publishing an ' +
    'image on purpose (a community AMI) is legitimate, but rare outside vendors.',
  remediation:
    'Make it private again: `aws ec2 modify-image-attribute --image-id AMI --launch-permission "Remove=[{Group=all}]"`, and turn ' +
    'on block public access for AMIs in every region: `aws ec2 enable-image-block-public-access --image-block-public-access-state ' +
    'block-new-sharing`. Assume the image was copied while public: rotate any secret baked into it.',
  references: {
    mitreAttack: ['T1537'],
    links: [
      'https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/sharingamis-intro.html',
      'https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/block-public-access-to-amis.html',
    ],
  },
  scoped: false,
  events: [{ eventSource: 'ec2.amazonaws.com', eventNames: ['ModifyImageAttribute', 'ResetImageAttribute', 'DeregisterImage'] }],

  evaluate(record) {
    if (record.eventName !== 'ModifyImageAttribute' || !includesGroupAll(permissionItems(record, 'launchPermission', 'add'))) return undefined;
    const image = imageOf(record);
    if (image === undefined) return undefined;
    return {
      severity: 'critical',
      resource: image.arn,
      summary: `${actorOf(record).arn} made AMI ${image.id} public: any AWS account can now launch or copy it and read its disks.`,
      details: { imageId: image.id },
    };
  },

  resolves(record) {
    const image = imageOf(record);
    if (image === undefined) return [];
    if (record.eventName === 'DeregisterImage') return [{ resource: image.arn, reason: 'AMI deregistered' }];
    if (record.eventName === 'ResetImageAttribute') return [{ resource: image.arn, reason: 'launch permissions reset to private' }];
    return includesGroupAll(permissionItems(record, 'launchPermission', 'remove')) ? [{ resource: image.arn, reason: 'public sharing removed' }] : [];
  },
};
