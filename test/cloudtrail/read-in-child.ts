// Run by hostile-input tests in a process of its own, so its peak memory is the reader's alone:
// node bin/run-ts.js test/cloudtrail/read-in-child.ts PATH... prints one JSON line.
import { readCloudTrail, type ReadProblem } from '../../shared/cloudtrail/read.js';

const problems: ReadProblem[] = [];
const records: string[] = [];
for await (const { record } of readCloudTrail(process.argv.slice(2), { onProblem: (problem) => problems.push(problem) })) records.push(record.eventID);
process.stdout.write(`${JSON.stringify({ records, problems, peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024) })}\n`);
