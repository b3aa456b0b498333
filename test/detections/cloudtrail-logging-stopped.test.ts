import { describe, expect, it } from 'vitest';
import { cloudtrailLoggingStopped } from '../../shared/detections/cloudtrail/cloudtrail-logging-stopped.js';
import { exampleEvent } from '../../shared/detections/example-events.js';
import { firstMatch } from './load-examples.js';

const putEventSelectors = (requestParameters: object) =>
  exampleEvent('cloudtrail.amazonaws.com', 'PutEventSelectors', { requestParameters: { trailName: 'management', ...requestParameters } });

describe('cloudtrail-logging-stopped evidence', () => {
  it('quotes what each basic selector says about management events, never the selectors themselves', () => {
    const selectors = Array.from({ length: 500 }, (_, i) => ({
      readWriteType: 'All',
      includeManagementEvents: false,
      dataResources: [{ type: 'AWS::S3::Object', values: [`arn:aws:s3:::bucket-${i}/`] }],
      planted: '\u001b]52;c;Y3VybCBldmlsIHwgc2g=\u0007',
    }));

    const match = firstMatch(cloudtrailLoggingStopped, putEventSelectors({ eventSelectors: selectors }));

    expect(match?.details).toEqual({
      trail: 'management',
      selectorCount: 500,
      eventSelectors: Array.from({ length: 10 }, () => ({ readWriteType: 'All', includeManagementEvents: false })),
    });
  });

  it('quotes the name and the judged field values of advanced selectors, strings only', () => {
    const match = firstMatch(
      cloudtrailLoggingStopped,
      putEventSelectors({
        advancedEventSelectors: [
          {
            name: 'S3 data',
            fieldSelectors: [
              { field: 'eventCategory', equals: ['Data', { nested: 'object' }] },
              { field: 'resources.ARN', startsWith: ['arn:aws:s3:::'.repeat(1_000)] },
            ],
          },
        ],
      }),
    );

    expect(match?.details).toEqual({
      trail: 'management',
      selectorCount: 1,
      advancedEventSelectors: [{ name: 'S3 data', eventCategory: ['Data'], readOnly: [] }],
    });
  });
});
