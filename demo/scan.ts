/**
 * The scan demo (`npm run demo:scan`): an account emulated by moto (`pip install "moto[server]"`) that
 * holds risks made long before iam-warden was deployed, and look-alikes that are fine. `warden scan`
 * finds the risks; then one is fixed by hand, and the next scan resolves its finding.
 */
import { rm } from 'node:fs/promises';
import {
  AttachGroupPolicyCommand,
  AttachUserPolicyCommand,
  CreateGroupCommand,
  CreatePolicyCommand,
  CreateRoleCommand,
  CreateUserCommand,
  IAMClient,
  PutRolePolicyCommand,
  UpdateAccountPasswordPolicyCommand,
  UpdateAssumeRolePolicyCommand,
} from '@aws-sdk/client-iam';
import { AuthorizeSecurityGroupIngressCommand, CreateSecurityGroupCommand, EC2Client } from '@aws-sdk/client-ec2';
import { CreateTopicCommand, SetTopicAttributesCommand, SNSClient } from '@aws-sdk/client-sns';
import { main } from '../shared/cli/main.js';
import { startMoto } from '../test/support/moto.js';

const STORE = '.warden/scan-demo';
/** demo/warden.config.json trusts the partner account 444455556666; this one is nobody's. */
const OUTSIDE = '999988887777';
const trust = (principal: unknown) =>
  JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: principal, Action: 'sts:AssumeRole' }] });
const allow = (action: string, resource: string) =>
  JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: action, Resource: resource }] });

const moto = await startMoto({ loadManagedPolicies: true });
try {
  const iam = new IAMClient({ region: 'us-east-1', endpoint: moto.endpoint, credentials: moto.credentials });
  // Risks.
  await iam.send(new CreateRoleCommand({ RoleName: 'legacy-public', AssumeRolePolicyDocument: trust('*') }));
  await iam.send(new CreateRoleCommand({ RoleName: 'vendor-access', AssumeRolePolicyDocument: trust({ AWS: `arn:aws:iam::${OUTSIDE}:root` }) }));
  await iam.send(new CreateUserCommand({ UserName: 'ci-bot' }));
  await iam.send(new AttachUserPolicyCommand({ UserName: 'ci-bot', PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' }));
  const everything = await iam.send(new CreatePolicyCommand({ PolicyName: 's3-everything', PolicyDocument: allow('s3:*', '*') }));
  await iam.send(new CreateGroupCommand({ GroupName: 'developers' }));
  await iam.send(new AttachGroupPolicyCommand({ GroupName: 'developers', PolicyArn: everything.Policy?.Arn }));
  await iam.send(new UpdateAccountPasswordPolicyCommand({ MinimumPasswordLength: 8, PasswordReusePrevention: 24 }));
  // Beyond IAM: a topic anyone may publish to, SSH open to the internet.
  const sns = new SNSClient({ region: 'us-east-1', endpoint: moto.endpoint, credentials: moto.credentials });
  const ec2 = new EC2Client({ region: 'us-east-1', endpoint: moto.endpoint, credentials: moto.credentials });
  const { TopicArn: topicArn } = await sns.send(new CreateTopicCommand({ Name: 'build-events' }));
  const publishByAnyone = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: 'sns:Publish', Resource: topicArn }] };
  await sns.send(new SetTopicAttributesCommand({ TopicArn: topicArn, AttributeName: 'Policy', AttributeValue: JSON.stringify(publishByAnyone) }));
  const { GroupId: groupId } = await ec2.send(new CreateSecurityGroupCommand({ GroupName: 'bastion', Description: 'jump host' }));
  const openSsh = { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] };
  await ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: groupId, IpPermissions: [openSsh] }));
  // ...and HTTPS open to the internet, as a web server's should be.
  const { GroupId: webId } = await ec2.send(new CreateSecurityGroupCommand({ GroupName: 'web', Description: 'load balancer' }));
  await ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: webId, IpPermissions: [{ ...openSsh, FromPort: 443, ToPort: 443 }] }));
  sns.destroy();
  ec2.destroy();
  // Look-alikes: a trusted partner, a service role with a narrow grant.
  await iam.send(new CreateRoleCommand({ RoleName: 'partner-audit', AssumeRolePolicyDocument: trust({ AWS: 'arn:aws:iam::444455556666:root' }) }));
  await iam.send(new CreateRoleCommand({ RoleName: 'report-builder', AssumeRolePolicyDocument: trust({ Service: 'lambda.amazonaws.com' }) }));
  await iam.send(
    new PutRolePolicyCommand({ RoleName: 'report-builder', PolicyName: 'reports', PolicyDocument: allow('s3:GetObject', 'arn:aws:s3:::reports/*') }),
  );

  // The CLI reaches the emulator as it would an account: through the SDK's environment.
  Object.assign(process.env, {
    AWS_ENDPOINT_URL: moto.endpoint,
    AWS_ACCESS_KEY_ID: moto.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: moto.credentials.secretAccessKey,
    AWS_REGION: 'us-east-1',
  });
  const scan = ['scan', '--store', STORE, '--regions', 'us-east-1', '--config', 'demo/warden.config.json'];
  await rm(STORE, { recursive: true, force: true });
  process.stdout.write(`$ warden ${scan.join(' ')}\n\n`);
  await main(scan);

  await iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: 'legacy-public', PolicyDocument: trust({ Service: 'ec2.amazonaws.com' }) }));
  // The next scan starts in a later second than everything the first one saw.
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  process.stdout.write(
    `\nSomeone fixes the trust policy of legacy-public by hand (no event iam-warden saw), and the daily scan runs again:\n\n$ warden ${scan.join(' ')}\n\n`,
  );
  process.exitCode = await main(scan);
  iam.destroy();
} finally {
  await moto.stop();
}
