import type { DetectionExamples } from '../detection.js';
import { EXAMPLE_ACCOUNT, exampleEvent, exampleIdentities } from '../example-events.js';

const recording = `arn:aws:config:eu-west-1:${EXAMPLE_ACCOUNT}:configuration-recorder`;
const config = (eventName: string, requestParameters: object | null, overrides: object = {}) =>
  exampleEvent('config.amazonaws.com', eventName, { requestParameters, ...overrides });
const deliveryChannel = {
  name: 'default',
  s3BucketName: `config-bucket-${EXAMPLE_ACCOUNT}`,
  snsTopicARN: `arn:aws:sns:eu-west-1:${EXAMPLE_ACCOUNT}:config-topic`,
};

export const examples: DetectionExamples = {
  positive: [
    {
      name: 'recorder stopped',
      record: config('StopConfigurationRecorder', { configurationRecorderName: 'default' }),
      expect: { severity: 'medium', resource: recording, scope: 'recorder' },
    },
    {
      name: 'recorder deleted by an assumed role',
      record: config('DeleteConfigurationRecorder', { configurationRecorderName: 'default' }, { userIdentity: exampleIdentities.assumedRole }),
      expect: { resource: recording, scope: 'recorder' },
    },
    {
      name: 'delivery channel deleted',
      record: config('DeleteDeliveryChannel', { deliveryChannelName: 'default' }),
      expect: { severity: 'medium', resource: recording, scope: 'delivery-channel' },
    },
    {
      name: 'recorder stopped in another Region',
      record: config('StopConfigurationRecorder', { configurationRecorderName: 'default' }, { awsRegion: 'us-west-2' }),
      expect: { resource: `arn:aws:config:us-west-2:${EXAMPLE_ACCOUNT}:configuration-recorder` },
    },
  ],
  negative: [
    { name: 'recorder started', record: config('StartConfigurationRecorder', { configurationRecorderName: 'default' }) },
    { name: 'delivery channel put', record: config('PutDeliveryChannel', { deliveryChannel }) },
    {
      name: 'recorder put',
      record: config('PutConfigurationRecorder', {
        configurationRecorder: {
          name: 'default',
          roleARN: `arn:aws:iam::${EXAMPLE_ACCOUNT}:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig`,
        },
      }),
    },
    { name: 'recorder status read', record: config('DescribeConfigurationRecorderStatus', null, { readOnly: true }) },
  ],
  resolving: [
    {
      name: 'recording started again',
      record: config('StartConfigurationRecorder', { configurationRecorderName: 'default' }),
      removes: [{ resource: recording, scope: 'recorder' }],
    },
    {
      name: 'delivery channel put again',
      record: config('PutDeliveryChannel', { deliveryChannel }),
      removes: [{ resource: recording, scope: 'delivery-channel' }],
    },
  ],
};
