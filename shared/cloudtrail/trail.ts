import { partitionOf } from './arn.js';
import { accountOf, regionOf, stringField, type CloudTrailRecord } from './record.js';

export interface Trail {
  readonly name: string;
  readonly arn: string;
}

/**
 * The trail a CloudTrail management call names: requests name it by name or by ARN (`name`, or
 * `trailName` for PutEventSelectors); by name it lives in the event's region.
 */
export function trailOf(record: CloudTrailRecord): Trail | undefined {
  const given = stringField(record, 'requestParameters', 'name') ?? stringField(record, 'requestParameters', 'trailName');
  if (given === undefined || given === '') return undefined;
  if (given.startsWith('arn:')) return { name: given.slice(given.lastIndexOf('/') + 1), arn: given };
  return { name: given, arn: `arn:${partitionOf(record)}:cloudtrail:${regionOf(record)}:${accountOf(record)}:trail/${given}` };
}
