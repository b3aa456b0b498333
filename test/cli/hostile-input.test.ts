import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bodyForProtocol, snsMessage } from '../../shared/alerts/channels/sns.js';
import { findingAlert } from '../../shared/alerts/finding-alert.js';
import { catalogue } from '../../shared/detections/catalogue.js';
import type { Finding } from '../../shared/findings/model.js';
import { ruleById } from '../../shared/findings/rule-book.js';
import { loadExamples } from '../detections/load-examples.js';
import { runWarden, type CliRun } from '../support/cli.js';
import { HOSTILE, rawControl } from './hostile.js';

/**
 * Arbitrary JSON and arbitrary strings, hostile ones among them, in every field of records that the
 * rules raise findings for, with secrets planted: through the reader, the detections, the embedded
 * store, the alerts and every terminal output. Nothing crashes, no human output holds a control
 * character, and no secret survives anywhere, the store's bytes included.
 */

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const base64 = (length: number) => fc.array(fc.constantFrom(...BASE64), { minLength: length, maxLength: length }).map((chars) => chars.join(''));
/** A secret access key (40 base64 characters) or a session token (hundreds). */
const secret = fc.oneof(base64(40), fc.integer({ min: 100, max: 400 }).chain(base64));
/** What separates a planted secret from the text around it. */
const edge = fc.constantFrom(' ', '/', '=', ':', '"', ',', '\n', '\r\n', '\u001b', '\t', '<', '`');

const hostileText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom(...Object.values(HOSTILE)),
  fc.array(fc.oneof(fc.constantFrom(...Object.values(HOSTILE)), fc.string({ unit: 'binary', maxLength: 10 })), { maxLength: 4 }).map((parts) => parts.join('')),
);
const planted = fc.tuple(hostileText, edge, secret, edge, hostileText).map(([before, open, key, close, after]) => ({
  key,
  text: `${before}${open}${key}${close}${after}`,
}));
const anyValue = fc.oneof(
  hostileText,
  fc.jsonValue({ maxDepth: 2 }),
  planted.map(({ text }) => text),
);

type Json = Record<string, unknown>;

/** Every path into a record: where an attacker writes. */
function paths(value: unknown, path: readonly string[] = []): string[][] {
  if (value === null || typeof value !== 'object') return [[...path]];
  return [[...path], ...Object.entries(value as Json).flatMap(([key, child]) => paths(child, [...path, key]))];
}

function valueAt(record: Json, path: readonly string[]): unknown {
  return path.reduce<unknown>((node, key) => (node !== null && typeof node === 'object' ? (node as Json)[key] : undefined), record);
}

function setAt(record: Json, path: readonly string[], value: unknown): void {
  const parent = valueAt(record, path.slice(0, -1));
  const last = path.at(-1);
  if (last !== undefined && parent !== null && typeof parent === 'object') (parent as Json)[last] = value;
}

let work: string;
const records: Json[] = [];
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'warden-hostile-input-'));
  for (const detection of catalogue) records.push(...(await loadExamples(detection.id)).positive.map((example) => example.record as Json));
});
afterAll(() => rm(work, { recursive: true, force: true }));

/** One record a rule raises a finding for, with any value in a few of its fields and a secret planted in a string field. */
const hostileRecord = fc
  .record({ which: fc.nat(), changes: fc.array(fc.tuple(fc.nat(), anyValue), { maxLength: 4 }), plantAt: fc.nat(), secret: planted })
  .map(({ which, changes, plantAt, secret }) => {
    const record = structuredClone(records[which % records.length]!);
    for (const [at, value] of changes) {
      const all = paths(record).filter((path) => path.length > 0);
      setAt(record, all[at % all.length]!, value);
    }
    const strings = paths(record).filter((path) => typeof valueAt(record, path) === 'string');
    if (strings.length > 0) setAt(record, strings[plantAt % strings.length]!, secret.text);
    return { record, secret: secret.key };
  });
/** A line of the input: a record, or anything else the reader must skip. */
const inputLine = fc.oneof(
  { weight: 4, arbitrary: hostileRecord.map(({ record, secret }) => ({ line: JSON.stringify(record), secret })) },
  { weight: 1, arbitrary: planted.map(({ text, key }) => ({ line: JSON.stringify({ eventID: text, garbage: text }), secret: key })) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }).map((value) => ({ line: JSON.stringify(value), secret: undefined })) },
);

describe('hostile input end to end', () => {
  it('never crashes, never prints a control character, never keeps a secret', async () => {
    let run = 0;
    let findings = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(inputLine, { minLength: 1, maxLength: 4 }), async (lines) => {
        run += 1;
        const input = join(work, `trail-${run}.jsonl`);
        const store = ['--store', join(work, `store-${run}`)];
        await writeFile(input, `${lines.map(({ line }) => line).join('\n')}\n`);
        const secrets = lines.flatMap(({ secret }) => (secret === undefined ? [] : [secret]));

        const human: CliRun[] = [await runWarden(['replay', input, ...store])];
        const machine: CliRun[] = [await runWarden(['replay', input, ...store, '--json'])];
        human.push(
          await runWarden(['findings', 'list', '--status', 'all', ...store]),
          await runWarden(['findings', 'list', '--status', 'all', '--csv', ...store]),
        );
        const listed = await runWarden(['findings', 'list', '--status', 'all', '--json', ...store]);
        machine.push(listed);
        const alerts: string[] = [];
        for (const line of listed.stdout.split('\n').filter((text) => text !== '')) {
          findings += 1;
          const { id } = JSON.parse(line) as { id: string };
          human.push(await runWarden(['findings', 'show', id, ...store]));
          const shown = await runWarden(['findings', 'show', id, '--json', ...store]);
          machine.push(shown);
          const { occurrences: _occurrences, ...finding } = JSON.parse(shown.stdout) as Finding & { occurrences: unknown };
          const message = snsMessage(findingAlert({ kind: 'opened', finding, rule: ruleById(finding.ruleId) })).message;
          const chat = JSON.parse(bodyForProtocol(message, 'https')) as { content: { title: string; description: string; nextSteps: string[] } };
          alerts.push(message);
          for (const text of [bodyForProtocol(message, 'email'), chat.content.title, chat.content.description, ...chat.content.nextSteps]) {
            expect(rawControl(text)).toBeUndefined();
          }
          expect(`${chat.content.title}${chat.content.description}`).not.toMatch(/<[!@#]|<https?:/);
        }

        for (const output of [...human, ...machine]) {
          expect([0, 2]).toContain(output.code);
          expect(rawControl(output.stdout)).toBeUndefined();
          expect(rawControl(output.stderr)).toBeUndefined();
        }
        const storeDir = join(work, `store-${run}`);
        const files = await readdir(storeDir);
        const stored = (await Promise.all(files.map((file) => readFile(join(storeDir, file))))).map((bytes) => bytes.toString('latin1'));
        const everything = [...human, ...machine].flatMap(({ stdout, stderr }) => [stdout, stderr]).concat(alerts, stored);
        for (const key of secrets) for (const text of everything) expect(text).not.toContain(key);
        await rm(storeDir, { recursive: true, force: true });
      }),
      { numRuns: 150 },
    );
    // The records reached the rules: most runs raised findings, and those went through every output.
    expect(findings).toBeGreaterThan(50);
  }, 300_000);
});
