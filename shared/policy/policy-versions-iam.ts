import { GetPolicyVersionCommand, IAMClient } from '@aws-sdk/client-iam';
import type { PolicyVersionKey, PolicyVersionSource } from './policy-versions.js';

/**
 * Policy version documents read with IAM's GetPolicyVersion (permission iam:GetPolicyVersion on the
 * policy). The document comes back URL-encoded (RFC 3986), which parsePolicyDocument reads.
 */
export class IamPolicyVersionSource implements PolicyVersionSource {
  constructor(private readonly client: IAMClient = new IAMClient({})) {}

  async document({ policyArn, versionId }: PolicyVersionKey): Promise<unknown> {
    const output = await this.client.send(new GetPolicyVersionCommand({ PolicyArn: policyArn, VersionId: versionId }));
    return output.PolicyVersion?.Document;
  }
}
