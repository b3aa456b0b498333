import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { ruleBook } from '../../shared/findings/rule-book.js';
import { keyAuditRules } from '../../shared/keys/rules/catalogue.js';
import { itIsACompleteCatalogue } from '../support/rule-harness.js';
import { KEY_RULES_DIR, keyRuleFiles } from './load-examples.js';

const README = new URL('../../README.md', import.meta.url);

describe('the key-audit catalogue', () => {
  itIsACompleteCatalogue(keyAuditRules, { dir: KEY_RULES_DIR, files: keyRuleFiles });

  it('shares no id with an event detection (the rule book holds both)', () => {
    const ids = ruleBook.map((rule) => rule.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("is the README's Key hygiene table, row for row", async () => {
    const readme = await readFile(README, 'utf8');
    const section = readme.slice(readme.indexOf('## Key hygiene'), readme.indexOf('\n## ', readme.indexOf('## Key hygiene') + 1));
    const tableIds = [...section.matchAll(/^\| `([a-z0-9-]+)` \|/gm)].map((match) => match[1]);
    expect(tableIds).toEqual(keyAuditRules.map((rule) => rule.id));
  });
});
