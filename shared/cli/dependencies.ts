import { userInfo } from 'node:os';
import type { IAMClient } from '@aws-sdk/client-iam';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Alerter } from '../alerts/alerter.js';
import type { AlertChannel } from '../alerts/channel.js';
import type { AlertSettings } from '../alerts/settings.js';
import type { Environment } from '../config/settings.js';
import type { FindingsExport } from '../export/findings-export.js';
import type { ExportLedger, FindingsStore, OpenedFindingsStore, OpenFindingsStoreOptions } from '../findings/store.js';
import { InMemoryRotationStateStore, type RotationStateStore } from '../keys/rotation-state.js';
import { createLogger, type Logger } from '../logging/logger.js';
import type { CliIO } from './io.js';

/**
 * What commands use from outside themselves, built here and nowhere else (as functions/ wires the
 * Lambdas): the clock, the user, the findings store, the alert channel and the key audit's AWS
 * clients. main.ts builds it once per run; tests build it with their own clock, user or environment.
 * AWS clients use the standard credential chain, and the AWS_ENDPOINT_URL_* variables the SDK honours.
 * Stores, channels and clients are imported when first opened, so a command that opens none
 * (`warden rules`) loads no AWS SDK and no SQLite.
 */
export interface CliDependencies {
  readonly io: CliIO;
  readonly env: Environment;
  readonly now: () => Date;
  /** Who acts, recorded in a finding's history as `cli:<user>`. */
  user(): string;
  /** Commands report in words; what shared code logs on their behalf goes nowhere. */
  readonly logger: Logger;
  openStore(selection: OpenFindingsStoreOptions): Promise<OpenedFindingsStore>;
  /** Alerts for the findings in `store`, through the channel `destination` names; close the channel when done. */
  openAlerter(store: FindingsStore, destination: string, settings: AlertSettings): Promise<{ readonly alerter: Alerter; readonly channel: AlertChannel }>;
  /** The live account of `warden keys`: rotation states in the findings `table`, or in memory without one. */
  openKeyAccount(options: { readonly region?: string | undefined; readonly table?: string | undefined }): Promise<KeyAccount>;
  /**
   * The export to Security Hub of the account of the standard credential chain, in `region` or the
   * chain's (its own custom-integration product, account from STS GetCallerIdentity); refusals
   * recorded in `ledger`.
   */
  openSecurityHub(ledger: ExportLedger, region?: string): Promise<{ readonly exporter: FindingsExport; readonly productArn: string; close(): void }>;
  /** S3 for replays of `s3://` locations (any bucket's region); destroy it when done. */
  openS3(): Promise<S3Client>;
}

export interface KeyAccount {
  readonly iam: IAMClient;
  readonly secretsManager: SecretsManagerClient;
  readonly rotationStates: RotationStateStore;
  close(): void;
}

/** What tests fix. */
export interface CliOverrides {
  readonly now?: () => Date;
  readonly user?: string;
  readonly env?: Environment;
}

export function cliDependencies(io: CliIO, overrides: CliOverrides = {}): CliDependencies {
  const env = overrides.env ?? process.env;
  const now = overrides.now ?? (() => new Date());
  return {
    io,
    env,
    now,
    // Read when asked: userInfo() throws for a uid without a passwd entry (some containers).
    user: () => overrides.user ?? env['USER'] ?? userInfo().username,
    logger: createLogger({ level: 'silent' }),
    async openStore(selection) {
      const { openFindingsStore } = await import('../findings/open.js');
      return openFindingsStore({ ...selection, now });
    },
    async openAlerter(store, destination, settings) {
      const [{ Alerter }, { openAlertChannel }, { ruleBook }] = await Promise.all([
        import('../alerts/alerter.js'),
        import('../alerts/channels/catalogue.js'),
        import('../findings/rule-book.js'),
      ]);
      const channel = openAlertChannel(destination);
      // Every rule this build knows: the CLI has no bundle to keep lean.
      return { alerter: new Alerter({ store, channel, settings, rules: ruleBook }), channel };
    },
    async openSecurityHub(ledger, region) {
      const [{ SecurityHubClient }, { GetCallerIdentityCommand, STSClient }, { SecurityHubExport }, { customProductArn }, { ruleBook }] = await Promise.all([
        import('@aws-sdk/client-securityhub'),
        import('@aws-sdk/client-sts'),
        import('../export/security-hub.js'),
        import('../export/asff.js'),
        import('../findings/rule-book.js'),
      ]);
      const config = region === undefined ? {} : { region };
      const client = new SecurityHubClient(config);
      const sts = new STSClient(config);
      try {
        const [{ Account: account }, hubRegion] = await Promise.all([sts.send(new GetCallerIdentityCommand({})), client.config.region()]);
        if (account === undefined) throw new Error('STS GetCallerIdentity returned no account');
        const productArn = customProductArn(hubRegion, account);
        return { exporter: new SecurityHubExport({ client, productArn, ledger, rules: ruleBook }), productArn, close: () => client.destroy() };
      } catch (error) {
        client.destroy();
        throw error;
      } finally {
        sts.destroy();
      }
    },
    async openS3() {
      const { trailBucketClient } = await import('../cloudtrail/s3-logs.js');
      return trailBucketClient(env);
    },
    async openKeyAccount({ region, table }) {
      const [{ DynamoDBClient }, { IAMClient }, { SecretsManagerClient }, { documentClient }, { DynamoRotationStateStore }] = await Promise.all([
        import('@aws-sdk/client-dynamodb'),
        import('@aws-sdk/client-iam'),
        import('@aws-sdk/client-secrets-manager'),
        import('../findings/dynamodb/store.js'),
        import('../keys/rotation-state-dynamodb.js'),
      ]);
      const config = region === undefined ? {} : { region };
      const iam = new IAMClient(config);
      const secretsManager = new SecretsManagerClient(config);
      const dynamo = table === undefined ? undefined : documentClient(new DynamoDBClient(config));
      const rotationStates = dynamo === undefined || table === undefined ? new InMemoryRotationStateStore() : new DynamoRotationStateStore(dynamo, table);
      return {
        iam,
        secretsManager,
        rotationStates,
        close() {
          iam.destroy();
          secretsManager.destroy();
          dynamo?.destroy();
        },
      };
    },
  };
}
