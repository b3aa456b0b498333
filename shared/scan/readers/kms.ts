import { DescribeKeyCommand, GetKeyPolicyCommand, KMSClient, type KeyMetadata, paginateListKeys } from '@aws-sdk/client-kms';
import { mapBounded } from '../concurrency.js';
import { awsErrorCode, readResource } from '../read-resource.js';
import type { StateReader, StateSink } from '../reader.js';

const KMS = 'kms.amazonaws.com';

const KEY_EXPOSED = 'kms-key-exposed';
const KEY_UNUSABLE = 'kms-key-disabled-or-scheduled-for-deletion';

/** ListKeys' largest page (KMS API reference: Limit 1 to 1000). */
const PAGE_SIZE = 1000;

/**
 * The account's customer managed KMS keys in one region: each key's policy as the PutKeyPolicy that
 * would set it (kms-key-exposed), and its state as the call that leaves it so: Disabled as DisableKey,
 * PendingDeletion (or PendingReplicaDeletion, a multi-Region primary waiting for its replicas) as
 * ScheduleKeyDeletion (kms-key-disabled-or-scheduled-for-deletion).
 *
 * AWS managed keys (aws/ebs, aws/s3...) are skipped: AWS writes their policies, and nobody can disable
 * or delete them. A key pending deletion cannot tell whether it was disabled before the deletion was
 * scheduled (cancelling leaves it Disabled either way, https://docs.aws.amazon.com/kms/latest/developerguide/deleting-keys.html),
 * and a key in another state (Unavailable, PendingImport...) cannot tell at all: the state rule leaves
 * those keys unjudged. Two calls per customer managed key (DescribeKey, GetKeyPolicy), one per AWS managed key.
 */
export const kmsReader: StateReader = {
  id: 'kms',
  reach: 'regional',
  ruleIds: [KEY_EXPOSED, KEY_UNUSABLE],
  permissions: ['kms:ListKeys', 'kms:DescribeKey', 'kms:GetKeyPolicy'],

  async read(target, sink) {
    const client = new KMSClient(target.clientConfig);
    try {
      // NextMarker comes only with a truncated page (KMS API reference, ListKeys), which is where the paginator stops.
      for await (const page of paginateListKeys({ client, pageSize: PAGE_SIZE }, {})) {
        const arns = (page.Keys ?? []).flatMap(
          (key) => key.KeyArn ?? (key.KeyId === undefined ? [] : `arn:${target.partition}:kms:${target.region}:${target.account}:key/${key.KeyId}`),
        );
        await mapBounded(arns, target.concurrency, (arn) => readKey(client, arn, sink));
        sink.progress('KMS keys', arns.length);
      }
    } finally {
      client.destroy();
    }
  },
};

/** One key, named by its ARN (as the rules name it): a failure leaves it unread (for both rules, or for the policy only) and the read goes on. */
async function readKey(client: KMSClient, arn: string, sink: StateSink): Promise<void> {
  let metadata: KeyMetadata | undefined;
  try {
    ({ KeyMetadata: metadata } = await client.send(new DescribeKeyCommand({ KeyId: arn })));
  } catch (error) {
    sink.unread({ resource: arn, reason: awsErrorCode(error) });
    return;
  }
  if (metadata?.KeyManager === 'AWS') return;
  observeKeyState(arn, metadata, sink);

  await readResource(
    sink,
    arn,
    async () => {
      // "default" is the only policy name a key has (KMS API reference, GetKeyPolicy).
      const { Policy: policy } = await client.send(new GetKeyPolicyCommand({ KeyId: arn, PolicyName: 'default' }));
      if (policy === undefined || policy === '') return undefined;
      return { eventSource: KMS, eventName: 'PutKeyPolicy', requestParameters: { keyId: arn, policyName: 'default', policy } };
    },
    { ruleIds: [KEY_EXPOSED] },
  );
}

function observeKeyState(arn: string, metadata: KeyMetadata | undefined, sink: StateSink): void {
  const state = metadata?.KeyState;
  switch (state) {
    case 'Enabled':
      return;
    case 'Disabled':
      sink.observe({ eventSource: KMS, eventName: 'DisableKey', requestParameters: { keyId: arn }, responseElements: { keyId: arn } });
      return;
    case 'PendingDeletion':
    case 'PendingReplicaDeletion': {
      const window = metadata?.PendingDeletionWindowInDays;
      const deletionDate = metadata?.DeletionDate;
      sink.observe({
        eventSource: KMS,
        eventName: 'ScheduleKeyDeletion',
        requestParameters: { keyId: arn, ...(window === undefined ? {} : { pendingWindowInDays: window }) },
        responseElements: { keyId: arn, keyState: state, ...(deletionDate === undefined ? {} : { deletionDate: deletionDate.toISOString() }) },
      });
      sink.unread({ resource: arn, ruleIds: [KEY_UNUSABLE], reason: 'pending deletion: whether it was disabled before is not known' });
      return;
    }
    default:
      sink.unread({ resource: arn, ruleIds: [KEY_UNUSABLE], reason: `key state ${state ?? 'not given'}` });
  }
}
