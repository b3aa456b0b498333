import { basename } from 'node:path';
import { describe, expect, it } from 'vitest';
import { catalogue } from '../../shared/detections/catalogue.js';
import { SEVERITIES } from '../../shared/detections/detection.js';
import { detectionFiles } from './load-examples.js';

describe('the catalogue', () => {
  it('registers every detection file, and nothing else', async () => {
    const fileIds = (await detectionFiles()).map((path) => basename(path, '.ts')).sort();
    expect(catalogue.map((detection) => detection.id).sort()).toEqual(fileIds);
  });

  it('has unique ids', () => {
    const ids = catalogue.map((detection) => detection.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it.each(catalogue.map((d) => [d.id, d] as const))('%s has complete metadata', (_id, detection) => {
    expect(detection.title.length).toBeGreaterThan(5);
    expect(detection.description.length).toBeGreaterThan(40);
    expect(detection.remediation.length).toBeGreaterThan(40);
    expect(SEVERITIES).toContain(detection.severity);
    expect(detection.events.length).toBeGreaterThan(0);
    for (const selector of detection.events) {
      expect(selector.eventSource).toMatch(/^[a-z0-9-]+\.amazonaws\.com$/);
      expect(selector.eventNames.length).toBeGreaterThan(0);
    }
  });
});
