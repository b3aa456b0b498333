import { readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CloudTrailRecord } from '../../shared/cloudtrail/record.js';
import { matchesOf, type Detection, type DetectionContext, type DetectionExamples, type DetectionMatch } from '../../shared/detections/detection.js';
import { EXAMPLE_CONTEXT } from '../../shared/detections/example-events.js';

export const DETECTIONS_DIR = fileURLToPath(new URL('../../shared/detections/', import.meta.url));

/** Every detection file under shared/detections/<service>/ (examples excluded), as paths relative to it. */
export async function detectionFiles(): Promise<string[]> {
  const entries = await readdir(DETECTIONS_DIR, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts') && !entry.name.endsWith('.examples.ts'))
    .map((entry) => relative(DETECTIONS_DIR, join(entry.parentPath, entry.name)))
    .filter((path) => path.includes('/'));
}

export async function loadExamples(ruleId: string): Promise<DetectionExamples> {
  const file = (await detectionFiles()).find((path) => path.endsWith(`/${ruleId}.ts`));
  if (file === undefined) throw new Error(`no detection file named ${ruleId}.ts`);
  const module = (await import(join(DETECTIONS_DIR, file.replace(/\.ts$/, '.examples.ts')))) as { examples: DetectionExamples };
  return module.examples;
}

/** A rule's first match for one record (rules may return several), in the examples' context unless given. */
export function firstMatch(detection: Detection, record: CloudTrailRecord, context: DetectionContext = EXAMPLE_CONTEXT): DetectionMatch | undefined {
  return matchesOf(detection.evaluate(record, context))[0];
}
