import { describe, expect, it } from 'vitest';
import { firstMatch } from './load-examples.js';
import { vpcFlowLogsDeleted } from '../../shared/detections/ec2/vpc-flow-logs-deleted.js';
import { exampleEvent } from '../../shared/detections/example-events.js';

const deleteFlowLogs = (requestParameters: object, responseElements: object | null = null) =>
  exampleEvent('ec2.amazonaws.com', 'DeleteFlowLogs', { requestParameters, responseElements });

describe('vpc-flow-logs-deleted', () => {
  it('lists every deleted flow log and counts the others in the summary', () => {
    const record = deleteFlowLogs({
      DeleteFlowLogsRequest: {
        FlowLogId: [
          { content: 'fl-01', tag: 1 },
          { content: 'fl-02', tag: 2 },
          { content: 'fl-03', tag: 3 },
        ],
      },
    });

    const match = firstMatch(vpcFlowLogsDeleted, record);

    expect(match?.details).toEqual({ flowLogIds: ['fl-01', 'fl-02', 'fl-03'] });
    expect(match?.summary).toBe(
      'arn:aws:iam::111122223333:user/alice deleted flow log fl-01 and 2 more: the network traffic it recorded is no longer captured.',
    );
  });

  it('leaves out the ids the response lists as unsuccessful, in either response shape', () => {
    const xml = deleteFlowLogs(
      {
        DeleteFlowLogsRequest: {
          FlowLogId: [
            { content: 'fl-01', tag: 1 },
            { content: 'fl-02', tag: 2 },
          ],
        },
      },
      { DeleteFlowLogsResponse: { unsuccessful: { item: [{ error: { code: 'InvalidFlowLogId.NotFound' }, resourceId: 'fl-01' }] } } },
    );
    const json = deleteFlowLogs({ flowLogIds: ['fl-01', 'fl-02'] }, { unsuccessful: [{ resourceId: 'fl-02' }] });

    expect(firstMatch(vpcFlowLogsDeleted, xml)?.details).toEqual({ flowLogIds: ['fl-02'] });
    expect(firstMatch(vpcFlowLogsDeleted, json)?.details).toEqual({ flowLogIds: ['fl-01'] });
  });

  it('reads a single id given as a plain string and ignores ids of the wrong type', () => {
    const record = deleteFlowLogs({ flowLogIds: ['fl-0a', 42, null, ''] });

    expect(firstMatch(vpcFlowLogsDeleted, record)?.details).toEqual({ flowLogIds: ['fl-0a'] });
  });
});
