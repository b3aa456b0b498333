import { userInfo } from 'node:os';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { IAMClient } from '@aws-sdk/client-iam';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { Alerter } from '../alerts/alerter.js';
import type { AlertChannel } from '../alerts/channel.js';
import { openAlertChannel } from '../alerts/channels/catalogue.js';
import type { AlertSettings } from '../alerts/settings.js';
import type { Environment } from '../config/settings.js';
import { ruleBook } from '../findings/rule-book.js';
import { documentClient } from '../findings/dynamodb/store.js';
import { openFindingsStore } from '../findings/open.js';
import type { FindingsStore, OpenedFindingsStore, OpenFindingsStoreOptions } from '../findings/store.js';
import { InMemoryRotationStateStore, type RotationStateStore } from '../keys/rotation-state.js';
import { DynamoRotationStateStore } from '../keys/rotation-state-dynamodb.js';
import { createLogger, type Logger } from '../logging/logger.js';
import type { CliIO } from './io.js';

/**
 * What commands use from outside themselves, built here and nowhere else (as functions/ wires the
 * Lambdas): the clock, the user, the findings store, the alert channel and the key audit's AWS
 * clients. main.ts builds it once per run; tests build it with their own clock, user or environment.
 * AWS clients use the standard credential chain, and the AWS_ENDPOINT_URL_* variables the SDK honours.
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
  openAlerter(store: FindingsStore, destination: string, settings: AlertSettings): { readonly alerter: Alerter; readonly channel: AlertChannel };
  /** The live account of `warden keys`: rotation states in the findings `table`, or in memory without one. */
  openKeyAccount(options: { readonly region?: string | undefined; readonly table?: string | undefined }): KeyAccount;
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
    openStore: (selection) => openFindingsStore({ ...selection, now }),
    openAlerter(store, destination, settings) {
      const channel = openAlertChannel(destination);
      // Every rule this build knows: the CLI has no bundle to keep lean.
      return { alerter: new Alerter({ store, channel, settings, rules: ruleBook }), channel };
    },
    openKeyAccount({ region, table }) {
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
