import { basename, join } from 'node:path';
import { expect, it } from 'vitest';
import { referenceLabels, SEVERITIES, type RuleDescription } from '../../shared/detections/detection.js';
import type { Detected } from '../../shared/findings/finding.js';

/**
 * One harness for every kind of rule that raises findings (event detections, key-audit checks, and
 * the next kinds): each kind turns its examples into these cases, run through its own production path
 * (the detection engine, the key audit's decide), and the same checks hold for all.
 */

/** A risk, as its finding's resource and scope. */
export interface Risk {
  readonly resource: string;
  readonly scope?: string | undefined;
}

/** What one example did. */
export interface ExampleRun {
  readonly detected: readonly Detected[];
  /** The risks it closed. */
  readonly resolutions: readonly Risk[];
  /** Rules that threw and were caught on the way; a runner that lets them throw leaves this out. */
  readonly failures?: readonly unknown[];
}

export interface RaisingCase {
  readonly name: string;
  run(): ExampleRun;
  /** Matches expected (default 1). */
  readonly matches?: number;
  /** What the first finding must say, besides its rule id. */
  readonly expect: Partial<Detected>;
}

export interface SilentCase {
  readonly name: string;
  run(): ExampleRun;
}

export interface ResolvingCase {
  readonly name: string;
  run(): ExampleRun;
  readonly removes: readonly Risk[];
}

export interface RuleCases {
  readonly ruleId: string;
  readonly positive: readonly RaisingCase[];
  readonly negative: readonly SilentCase[];
  readonly resolving: readonly ResolvingCase[];
}

const named = <T extends { readonly name: string }>(cases: readonly T[]) => cases.map((example) => [example.name, example] as const);
const risksOf = (risks: readonly Risk[]): Risk[] => risks.map(({ resource, scope }) => ({ resource, scope }));

/** Registers, in the current describe, the checks every rule's examples must pass: raises, stays silent, resolves. */
export function itBehavesAsItsExamplesSay(rule: RuleCases): void {
  it('has at least one positive and one negative example', () => {
    expect(rule.positive.length).toBeGreaterThan(0);
    expect(rule.negative.length).toBeGreaterThan(0);
  });

  it.each(named(rule.positive))('raises: %s', (_name, example) => {
    const { detected, failures = [] } = example.run();
    expect(failures).toEqual([]);
    expect(detected).toHaveLength(example.matches ?? 1);
    expect(new Set(detected.map((d) => d.findingId)).size).toBe(detected.length);
    expect(detected[0]).toMatchObject({ ruleId: rule.ruleId, ...example.expect });
    expect(detected[0]?.summary.length).toBeGreaterThan(20);
  });

  it.each(named(rule.negative))('stays silent: %s', (_name, example) => {
    const { detected, failures = [] } = example.run();
    expect(failures).toEqual([]);
    expect(detected).toEqual([]);
  });

  it.each(named(rule.resolving))('resolves: %s', (_name, example) => {
    const { detected, resolutions } = example.run();
    expect(detected).toEqual([]);
    expect(risksOf(resolutions)).toEqual(risksOf(example.removes));
  });
}

/** Where a kind keeps its rule files: one rule per file, examples and helpers excluded. */
export interface RuleFolder {
  /** Absolute path of the folder. */
  readonly dir: string;
  /** The rule files, relative to `dir`. */
  files(): Promise<readonly string[]>;
}

const isRule = (value: unknown): value is RuleDescription =>
  typeof value === 'object' && value !== null && typeof (value as { id?: unknown }).id === 'string' && typeof (value as { title?: unknown }).title === 'string';

/**
 * Registers the checks every catalogue must pass: each rule file exports one rule whose id is the
 * file's name, the catalogue lists exactly those rules, ids are unique, and each rule says what it
 * means, how to fix it and where that comes from.
 */
export function itIsACompleteCatalogue(rules: readonly RuleDescription[], folder: RuleFolder): void {
  it('registers every rule file, and nothing else (each id is its file name)', async () => {
    const files = await folder.files();
    const fileIds = files.map((path) => basename(path, '.ts')).sort();
    expect(rules.map((rule) => rule.id).sort()).toEqual(fileIds);
    for (const path of files) {
      const exported = Object.values((await import(join(folder.dir, path))) as Record<string, unknown>).filter(isRule);
      expect(exported.map((rule) => rule.id)).toEqual([basename(path, '.ts')]);
      expect(rules).toContain(exported[0]);
    }
  });

  it('has unique ids', () => {
    const ids = rules.map((rule) => rule.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it.each(rules.map((rule) => [rule.id, rule] as const))('%s has complete metadata and references', (_id, rule) => {
    expect(rule.id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
    expect(rule.title.length).toBeGreaterThan(5);
    expect(rule.description.length).toBeGreaterThan(40);
    expect(rule.remediation.length).toBeGreaterThan(40);
    expect(SEVERITIES).toContain(rule.severity);
    const links = rule.references.links ?? [];
    expect(referenceLabels(rule.references).length + links.length).toBeGreaterThan(0);
    for (const link of links) expect(link).toMatch(/^https:\/\//);
  });
}
