import { readdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { catalogue } from '../../shared/detections/catalogue.js';
import { NO_STATE_EQUIVALENT, READERS } from '../../shared/scan/readers/catalogue.js';

const RULE_IDS = new Set(catalogue.map((rule) => rule.id));

describe('the state readers', () => {
  it('are all listed in the catalogue (one file each in shared/scan/readers/)', async () => {
    const dir = fileURLToPath(new URL('../../shared/scan/readers/', import.meta.url));
    const files = (await readdir(dir)).filter((name) => name.endsWith('.ts') && name !== 'catalogue.ts').map((name) => name.replace(/\.ts$/, ''));

    expect(READERS.map((reader) => reader.id).sort()).toEqual(files.sort());
  });

  it('read only rules of the detection catalogue, and name each AWS action they call', () => {
    for (const reader of READERS) {
      expect(
        reader.ruleIds.filter((id) => !RULE_IDS.has(id)),
        reader.id,
      ).toEqual([]);
      expect(reader.permissions.length, reader.id).toBeGreaterThan(0);
      for (const permission of reader.permissions) expect(permission, reader.id).toMatch(/^[a-z0-9-]+:[A-Z][A-Za-z0-9]+$/);
    }
  });

  it('never read a rule that is said to have no state equivalent, and that list names real rules', () => {
    const read = new Set(READERS.flatMap((reader) => reader.ruleIds));

    expect(Object.keys(NO_STATE_EQUIVALENT).filter((id) => !RULE_IDS.has(id) || read.has(id))).toEqual([]);
  });
});
