import { BackupClient, GetBackupVaultAccessPolicyCommand, paginateListBackupVaults } from '@aws-sdk/client-backup';
import { mapBounded } from '../concurrency.js';
import { readResource } from '../read-resource.js';
import type { ReadTarget, StateReader, StateSink } from '../reader.js';

const BACKUP = 'backup.amazonaws.com';

/** ListBackupVaults' largest page (AWS Backup API reference: MaxResults 1 to 1000). */
const PAGE_SIZE = 1000;

/**
 * What GetBackupVaultAccessPolicy answers for a vault without an access policy, and for a vault
 * deleted meanwhile: either way nothing is exposed through it.
 */
const NO_POLICY = 'ResourceNotFoundException';

/**
 * The account's backup vaults in one region: each one's access policy as the
 * PutBackupVaultAccessPolicy that would set it (backup-vault-exposed); a vault without one presents
 * nothing. One policy call per vault.
 */
export const backupReader: StateReader = {
  id: 'backup',
  reach: 'regional',
  ruleIds: ['backup-vault-exposed'],
  permissions: ['backup:ListBackupVaults', 'backup:GetBackupVaultAccessPolicy'],

  async read(target, sink) {
    const client = new BackupClient(target.clientConfig);
    try {
      for await (const page of paginateListBackupVaults({ client, pageSize: PAGE_SIZE }, {})) {
        const names = (page.BackupVaultList ?? []).flatMap((vault) => vault.BackupVaultName ?? []);
        await mapBounded(names, target.concurrency, (name) => readPolicy(client, name, target, sink));
        sink.progress('backup vaults', names.length);
      }
    } finally {
      client.destroy();
    }
  },
};

/** One vault's access policy, as the call that would set it. */
function readPolicy(client: BackupClient, name: string, target: ReadTarget, sink: StateSink): Promise<void> {
  const arn = `arn:${target.partition}:backup:${target.region}:${target.account}:backup-vault:${name}`;
  return readResource(
    sink,
    arn,
    async () => {
      const { Policy: policy } = await client.send(new GetBackupVaultAccessPolicyCommand({ BackupVaultName: name }));
      if (policy === undefined || policy === '') return undefined;
      return { eventSource: BACKUP, eventName: 'PutBackupVaultAccessPolicy', requestParameters: { backupVaultName: name, policy } };
    },
    { absentWhen: [NO_POLICY] },
  );
}
