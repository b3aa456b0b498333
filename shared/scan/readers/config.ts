import {
  ConfigServiceClient,
  DescribeConfigurationRecordersCommand,
  DescribeConfigurationRecorderStatusCommand,
  DescribeDeliveryChannelsCommand,
} from '@aws-sdk/client-config-service';
import type { EquivalentChange, StateReader } from '../reader.js';

const CONFIG_RECORDING_STOPPED = 'config-recording-stopped';

/**
 * AWS Config's recording in one region: the customer managed recorder (one per account and region),
 * its status, and the delivery channel. The rule keys its findings on the region's recording, so
 * these calls, which list everything at once (no pages), read it whole.
 *
 * AWS Config's own order of operations tells an act from a setup never finished (Config API
 * reference: a delivery channel needs a recorder to be created; a recorder needs a channel to start,
 * and must be stopped before its channel can be deleted):
 * - a recorder that once recorded and is not recording now was stopped: StopConfigurationRecorder;
 * - such a recorder without a delivery channel had its channel deleted: DeleteDeliveryChannel;
 * - a delivery channel without a recorder outlived a deleted recorder: DeleteConfigurationRecorder.
 *
 * A recorder that never recorded, or a region with neither recorder nor channel, looks the same
 * whether Config was never set up there or taken apart. So the rule is reconciled only on a recording
 * the read could judge: elsewhere its findings stay as they are. Service-linked recorders, which their
 * service manages, are not the rule's.
 */
export const configReader: StateReader = {
  id: 'config',
  reach: 'regional',
  ruleIds: [CONFIG_RECORDING_STOPPED],
  permissions: ['config:DescribeConfigurationRecorders', 'config:DescribeConfigurationRecorderStatus', 'config:DescribeDeliveryChannels'],
  reconcilesOnlySeen: [CONFIG_RECORDING_STOPPED],

  async read(target, sink) {
    const client = new ConfigServiceClient(target.clientConfig);
    try {
      const { ConfigurationRecorders: recorders = [] } = await client.send(new DescribeConfigurationRecordersCommand({}));
      const { ConfigurationRecordersStatus: statuses = [] } = await client.send(new DescribeConfigurationRecorderStatusCommand({}));
      const { DeliveryChannels: channels = [] } = await client.send(new DescribeDeliveryChannelsCommand({}));
      const recorder = recorders.find((candidate) => candidate.servicePrincipal === undefined);
      const status = recorder === undefined ? undefined : statuses.find((candidate) => candidate.name === recorder.name);
      const changes = recordingChanges({
        hasRecorder: recorder !== undefined,
        recorderName: recorder?.name,
        recording: status?.recording === true,
        everRecorded: status?.lastStartTime !== undefined || status?.lastStopTime !== undefined,
        hasChannel: channels.length > 0,
      });
      if (changes !== undefined) {
        for (const change of changes) sink.observe(change);
        sink.saw(`arn:${target.partition}:config:${target.region}:${target.account}:configuration-recorder`);
      }
      sink.progress('configuration recorders', recorder === undefined ? 0 : 1);
    } finally {
      client.destroy();
    }
  },
};

interface Recording {
  readonly hasRecorder: boolean;
  readonly recorderName: string | undefined;
  readonly recording: boolean;
  /** The recorder was started at least once (its status has a start or stop time). */
  readonly everRecorded: boolean;
  readonly hasChannel: boolean;
}

/** The calls that would leave the recording as it is, or undefined when the state cannot tell. */
function recordingChanges({ hasRecorder, recorderName, recording, everRecorded, hasChannel }: Recording): EquivalentChange[] | undefined {
  if (!hasRecorder) return hasChannel ? [change('DeleteConfigurationRecorder', {})] : undefined;
  if (recording) return [];
  if (!everRecorded) return undefined;
  return [
    change('StopConfigurationRecorder', recorderName === undefined ? {} : { configurationRecorderName: recorderName }),
    ...(hasChannel ? [] : [change('DeleteDeliveryChannel', {})]),
  ];
}

function change(eventName: string, requestParameters: Record<string, unknown>): EquivalentChange {
  return { eventSource: 'config.amazonaws.com', eventName, requestParameters };
}
