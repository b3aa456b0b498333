// Generates the deployment files derived from the detection catalogue (committed, checked by
// test/deploy/generated.test.ts):
//   deploy/event-pattern.json    the detect-cloudtrail-event rule's pattern (serverless.yml reads it)
//   deploy/event-pattern-read-only.json  the pattern of its second rule, for read-only events
//   deploy/forward-events.json   the template that forwards those events from another region
//   deploy/findings-table.json   the findings table's keys, indexes and TTL attribute (from
//                                shared/findings/dynamodb/table.ts tableDefinition; serverless.yml reads it)
//
//   node bin/run-ts.js scripts/event-pattern.ts
import { writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { eventPattern, forwarderTemplate, readOnlyEventPattern, renderJson } from '../shared/deploy/event-pattern.js';
import { findingsTableProperties } from '../shared/deploy/findings-table.js';
import { catalogue } from '../shared/detections/catalogue.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const EVENT_PATTERN_PATH = join(root, 'deploy', 'event-pattern.json');
export const READ_ONLY_EVENT_PATTERN_PATH = join(root, 'deploy', 'event-pattern-read-only.json');
export const FORWARDER_PATH = join(root, 'deploy', 'forward-events.json');
export const FINDINGS_TABLE_PATH = join(root, 'deploy', 'findings-table.json');

export function generatedDeployFiles(): Record<string, string> {
  const pattern = eventPattern(catalogue);
  const readOnlyPattern = readOnlyEventPattern(catalogue);
  // serverless.yml reads the read-only pattern: a catalogue without read-only events would need the
  // rule removed there too, so its absence is an error rather than a silently missing file.
  if (readOnlyPattern === undefined) throw new Error('no detection listens to a read-only event: remove DetectReadOnlyEventsRule from serverless.yml first');
  return {
    [EVENT_PATTERN_PATH]: renderJson(pattern),
    [READ_ONLY_EVENT_PATTERN_PATH]: renderJson(readOnlyPattern),
    [FORWARDER_PATH]: renderJson(forwarderTemplate(pattern, readOnlyPattern)),
    [FINDINGS_TABLE_PATH]: renderJson(findingsTableProperties()),
  };
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  for (const [path, text] of Object.entries(generatedDeployFiles())) {
    await writeFile(path, text);
    process.stdout.write(`wrote ${path.slice(root.length + 1)}\n`);
  }
}
