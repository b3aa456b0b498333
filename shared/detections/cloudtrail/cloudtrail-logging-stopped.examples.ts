import type { DetectionExamples } from '../detection.js';
import { EXAMPLE_ACCOUNT, exampleEvent } from '../example-events.js';

const trailArn = `arn:aws:cloudtrail:eu-west-1:${EXAMPLE_ACCOUNT}:trail/management`;
const cloudtrail = (eventName: string, requestParameters: object) => exampleEvent('cloudtrail.amazonaws.com', eventName, { requestParameters });

export const examples: DetectionExamples = {
  positive: [
    {
      name: 'logging stopped by trail name',
      record: cloudtrail('StopLogging', { name: 'management' }),
      expect: { severity: 'critical', resource: trailArn, scope: 'logging' },
    },
    { name: 'logging stopped by trail ARN', record: cloudtrail('StopLogging', { name: trailArn }), expect: { resource: trailArn } },
    { name: 'trail deleted', record: cloudtrail('DeleteTrail', { name: 'management' }), expect: { severity: 'critical', scope: 'logging' } },
    {
      name: 'basic selectors that exclude management events',
      record: cloudtrail('PutEventSelectors', {
        trailName: 'management',
        eventSelectors: [{ readWriteType: 'All', includeManagementEvents: false, dataResources: [] }],
      }),
      expect: { severity: 'high', scope: 'management-events' },
    },
    {
      name: 'advanced selectors for data events only',
      record: cloudtrail('PutEventSelectors', {
        trailName: 'management',
        advancedEventSelectors: [
          {
            name: 'S3 data',
            fieldSelectors: [
              { field: 'eventCategory', equals: ['Data'] },
              { field: 'resources.type', equals: ['AWS::S3::Object'] },
            ],
          },
        ],
      }),
      expect: { severity: 'high' },
    },
    {
      name: 'advanced selectors for read-only management events',
      record: cloudtrail('PutEventSelectors', {
        trailName: 'management',
        advancedEventSelectors: [
          {
            fieldSelectors: [
              { field: 'eventCategory', equals: ['Management'] },
              { field: 'readOnly', equals: ['true'] },
            ],
          },
        ],
      }),
      expect: { severity: 'high', scope: 'management-events' },
    },
  ],
  negative: [
    { name: 'logging started', record: cloudtrail('StartLogging', { name: 'management' }) },
    {
      name: 'selectors keeping all management events',
      record: cloudtrail('PutEventSelectors', { trailName: 'management', eventSelectors: [{ readWriteType: 'All', includeManagementEvents: true }] }),
    },
    {
      name: 'advanced selectors keeping management events',
      record: cloudtrail('PutEventSelectors', {
        trailName: 'management',
        advancedEventSelectors: [{ fieldSelectors: [{ field: 'eventCategory', equals: ['Management'] }] }],
      }),
    },
    { name: 'a trail described', record: cloudtrail('DescribeTrails', { trailNameList: [] }) },
    { name: 'no trail name', record: cloudtrail('StopLogging', {}) },
    {
      name: 'denied selectors that would exclude management events (only stopping or deleting is an attempt worth raising)',
      record: {
        ...cloudtrail('PutEventSelectors', { trailName: 'management', eventSelectors: [{ readWriteType: 'All', includeManagementEvents: false }] }),
        errorCode: 'AccessDenied',
        errorMessage: 'User is not authorized to perform: cloudtrail:PutEventSelectors',
      },
    },
  ],
  resolving: [
    { name: 'logging started again', record: cloudtrail('StartLogging', { name: 'management' }), removes: [{ resource: trailArn, scope: 'logging' }] },
    {
      name: 'management events recorded again',
      record: cloudtrail('PutEventSelectors', { trailName: 'management', eventSelectors: [{ readWriteType: 'All', includeManagementEvents: true }] }),
      removes: [{ resource: trailArn, scope: 'management-events' }],
    },
  ],
};
