import { describe, expect, it } from 'vitest';
import { catalogue } from '../../shared/detections/catalogue.js';
import { itIsACompleteCatalogue } from '../support/rule-harness.js';
import { DETECTIONS_DIR, detectionFiles } from './load-examples.js';

describe('the catalogue', () => {
  itIsACompleteCatalogue(catalogue, { dir: DETECTIONS_DIR, files: detectionFiles });

  it.each(catalogue.map((d) => [d.id, d] as const))('%s names the events it listens to', (_id, detection) => {
    expect(detection.events.length).toBeGreaterThan(0);
    for (const selector of detection.events) {
      expect(selector.eventSource).toMatch(/^[a-z0-9-]+\.amazonaws\.com$/);
      expect(selector.eventNames.length).toBeGreaterThan(0);
    }
  });
});
