import { GetResourcePolicyCommand, paginateListSecrets, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mapBounded } from '../concurrency.js';
import { readResource } from '../read-resource.js';
import type { StateReader, StateSink } from '../reader.js';

const SECRETS_MANAGER = 'secretsmanager.amazonaws.com';

/** ListSecrets' largest page (Secrets Manager API reference: MaxResults 1 to 100). */
const PAGE_SIZE = 100;

/**
 * The account's secrets in one region: each one's resource policy as the PutResourcePolicy that would
 * set it (secretsmanager-secret-exposed), named by its full ARN as the event's response names it; a
 * secret without a policy presents nothing. Secrets scheduled for deletion are not listed (ListSecrets
 * leaves them out unless asked), as DeleteSecret closes the finding. One policy call per secret.
 */
export const secretsManagerReader: StateReader = {
  id: 'secretsmanager',
  reach: 'regional',
  ruleIds: ['secretsmanager-secret-exposed'],
  permissions: ['secretsmanager:ListSecrets', 'secretsmanager:GetResourcePolicy'],

  async read(target, sink) {
    const client = new SecretsManagerClient(target.clientConfig);
    try {
      for await (const page of paginateListSecrets({ client, pageSize: PAGE_SIZE }, {})) {
        const secrets = (page.SecretList ?? []).flatMap((secret) => (secret.ARN === undefined ? [] : [{ arn: secret.ARN, name: secret.Name }]));
        await mapBounded(secrets, target.concurrency, (secret) => readPolicy(client, secret, sink));
        sink.progress('secrets', secrets.length);
      }
    } finally {
      client.destroy();
    }
  },
};

/** One secret's policy, as the call that would set it. */
function readPolicy(client: SecretsManagerClient, secret: { arn: string; name: string | undefined }, sink: StateSink): Promise<void> {
  return readResource(sink, secret.arn, async () => {
    const { ResourcePolicy: policy } = await client.send(new GetResourcePolicyCommand({ SecretId: secret.arn }));
    if (policy === undefined || policy === '') return undefined;
    return {
      eventSource: SECRETS_MANAGER,
      eventName: 'PutResourcePolicy',
      requestParameters: { secretId: secret.arn, resourcePolicy: policy },
      responseElements: { arn: secret.arn, ...(secret.name === undefined ? {} : { name: secret.name }) },
    };
  });
}
