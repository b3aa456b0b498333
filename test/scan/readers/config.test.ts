// The AWS Config state reader against moto over HTTP, one region per state of the recording: the exact
// findings of a stopped recorder, a deleted channel and a deleted recorder, none where Config records or
// never recorded (not judged), the finding id each event would give, then recording restored and resolved.
import {
  ConfigServiceClient,
  DeleteConfigurationRecorderCommand,
  DeleteDeliveryChannelCommand,
  PutConfigurationRecorderCommand,
  PutDeliveryChannelCommand,
  StartConfigurationRecorderCommand,
  StopConfigurationRecorderCommand,
} from '@aws-sdk/client-config-service';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CloudTrailRecord } from '../../../shared/cloudtrail/record.js';
import { ONLY_OWN_ACCOUNT } from '../../../shared/policy/boundary.js';
import type { ScanReport } from '../../../shared/scan/reader.js';
import { configReader } from '../../../shared/scan/readers/config.js';
import { recordScan } from '../../../shared/scan/record.js';
import { detected as storedDetection, evaluation } from '../../support/findings-factory.js';
import { useMoto } from '../../support/moto.js';
import { aSecondLater, findingIdsOfEvents, findingIdsOfScan, foundIn, loggedCall, motoClients, scanWithMoto, useFindingsStore } from '../harness.js';

const moto = useMoto();
const config = motoClients(moto, (settings) => new ConfigServiceClient(settings));
const opened = useFindingsStore();
const ACCOUNT = '123456789012';
const RULE = 'config-recording-stopped';
const context = { boundary: ONLY_OWN_ACCOUNT };
const recording = (region: string) => `arn:aws:config:${region}:${ACCOUNT}:configuration-recorder`;
/** One region per state of the recording. */
const STOPPED = 'us-east-1';
const STOPPED_WITHOUT_CHANNEL = 'eu-west-1';
const RECORDER_DELETED = 'us-west-2';
const RECORDING = 'ap-southeast-2';
const NEVER_STARTED = 'eu-central-1';
const NOTHING = 'ca-central-1';
const REGIONS = [STOPPED, STOPPED_WITHOUT_CHANNEL, RECORDER_DELETED, RECORDING, NEVER_STARTED, NOTHING];

function scan(): Promise<ScanReport> {
  return scanWithMoto(moto, configReader, { context, regions: REGIONS });
}

const putChannel = (region: string) =>
  config(region).send(new PutDeliveryChannelCommand({ DeliveryChannel: { name: 'default', s3BucketName: `config-history-${region}` } }));

/** A recorder with its delivery channel, started when `started`. */
async function recorder(region: string, { started }: { started: boolean }): Promise<void> {
  await config(region).send(
    new PutConfigurationRecorderCommand({
      ConfigurationRecorder: { name: 'default', roleARN: `arn:aws:iam::${ACCOUNT}:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig` },
    }),
  );
  await putChannel(region);
  if (started) await config(region).send(new StartConfigurationRecorderCommand({ ConfigurationRecorderName: 'default' }));
}

const stop = (region: string) => config(region).send(new StopConfigurationRecorderCommand({ ConfigurationRecorderName: 'default' }));

beforeAll(async () => {
  await recorder(STOPPED, { started: true });
  await stop(STOPPED);
  await recorder(STOPPED_WITHOUT_CHANNEL, { started: true });
  await stop(STOPPED_WITHOUT_CHANNEL);
  await config(STOPPED_WITHOUT_CHANNEL).send(new DeleteDeliveryChannelCommand({ DeliveryChannelName: 'default' }));
  await recorder(RECORDER_DELETED, { started: false });
  await config(RECORDER_DELETED).send(new DeleteConfigurationRecorderCommand({ ConfigurationRecorderName: 'default' }));
  await recorder(RECORDING, { started: true });
  await recorder(NEVER_STARTED, { started: false });
}, 60_000);

describe('the AWS Config state reader', () => {
  it('finds a stopped recorder, a deleted channel and a deleted recorder, and judges no region that never recorded', async () => {
    const report = await scan();

    expect(report.problems).toEqual([]);
    expect(foundIn(report)).toEqual(
      [
        `${RULE} ${recording(STOPPED)} recorder medium ${STOPPED}`,
        `${RULE} ${recording(STOPPED_WITHOUT_CHANNEL)} recorder medium ${STOPPED_WITHOUT_CHANNEL}`,
        `${RULE} ${recording(STOPPED_WITHOUT_CHANNEL)} delivery-channel medium ${STOPPED_WITHOUT_CHANNEL}`,
        `${RULE} ${recording(RECORDER_DELETED)} recorder medium ${RECORDER_DELETED}`,
      ].sort(),
    );
    expect(report.unread).toEqual([]);
    // Reconciled only where the state could be judged.
    expect(report.coverage.flatMap((part) => part.onlyResources ?? []).sort()).toEqual(
      [STOPPED, STOPPED_WITHOUT_CHANNEL, RECORDER_DELETED, RECORDING].map(recording).sort(),
    );
    expect(report.counts).toEqual({ 'configuration recorders': 4 });
  });

  it('gives each risk the finding id of the event that would have made it', async () => {
    const report = await scan();
    const events: CloudTrailRecord[] = [
      event('StopConfigurationRecorder', { configurationRecorderName: 'default' }, STOPPED),
      event('StopConfigurationRecorder', { configurationRecorderName: 'default' }, STOPPED_WITHOUT_CHANNEL),
      event('DeleteDeliveryChannel', { deliveryChannelName: 'default' }, STOPPED_WITHOUT_CHANNEL),
      event('DeleteConfigurationRecorder', { configurationRecorderName: 'default' }, RECORDER_DELETED),
    ];

    const fromEvents = findingIdsOfEvents(events, context);

    expect(fromEvents).toHaveLength(4);
    expect(findingIdsOfScan(report)).toEqual(expect.arrayContaining(fromEvents));
  });

  it('resolves what recording restored on the next scan, and leaves the findings of a region it cannot judge', async () => {
    const neverSetUp = storedDetection({ ruleId: RULE, resource: recording(NOTHING), scope: 'recorder' });
    await opened.store.apply(evaluation({ detected: [{ ...neverSetUp, region: NOTHING }] }));
    const first = await recordScan(opened.store, await scan());
    expect(first.written.filter((change) => change.outcome === 'opened')).toHaveLength(4);
    expect(first.resolved).toEqual([]);

    await config(STOPPED).send(new StartConfigurationRecorderCommand({ ConfigurationRecorderName: 'default' }));
    await putChannel(STOPPED_WITHOUT_CHANNEL);
    await aSecondLater();
    const second = await recordScan(opened.store, await scan());

    const resolved = second.resolved.map((change) => `${change.finding?.resource} ${change.finding?.scope}`).sort();
    expect(resolved).toEqual([`${recording(STOPPED)} recorder`, `${recording(STOPPED_WITHOUT_CHANNEL)} delivery-channel`].sort());
    expect(await opened.store.get(neverSetUp.findingId)).toMatchObject({ status: 'open' });
  });
});

/** A successful config call as CloudTrail logs it. */
function event(eventName: string, requestParameters: Record<string, unknown>, region: string): CloudTrailRecord {
  return loggedCall('config.amazonaws.com', eventName, requestParameters, { region });
}
