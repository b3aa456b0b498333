import { expect } from 'vitest';
import type { CloudTrailRecord } from '../../shared/cloudtrail/record.js';
import { catalogue } from '../../shared/detections/catalogue.js';
import type { Detection } from '../../shared/detections/detection.js';
import { DetectionEngine } from '../../shared/detections/engine.js';
import { examples as rootKeyExamples } from '../../shared/detections/iam/root-access-key-created.examples.js';
import { examples as wildcardExamples } from '../../shared/detections/iam/iam-wildcard-grant.examples.js';
import { applyEvents } from '../../shared/findings/lifecycle.js';
import type { Finding } from '../../shared/findings/model.js';

/** A secret access key and a session token, planted in events: neither may reach an alert. */
export const PLANTED_SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
export const PLANTED_TOKEN = `IQoJb3JpZ2luX2VjE${'A'.repeat(60)}${'b9+/'.repeat(30)}`;
export const PLANTED_PASSWORD = 'hunter2-Correct-Horse';

export const engine = new DetectionEngine(catalogue);
export const detectionOf = (ruleId: string): Detection | undefined => catalogue.find((detection) => detection.id === ruleId);

export const rootKeyRecord = (): CloudTrailRecord => rootKeyExamples.positive[0]!.record;
export const wildcardRecord = (): CloudTrailRecord => wildcardExamples.positive[0]!.record;

/** The finding one event opens, folded by the real lifecycle (pure: no table). */
export function findingOf(record: CloudTrailRecord): Finding {
  const detected = engine.evaluate(record).detected[0];
  if (detected === undefined) throw new Error(`no detection for ${record.eventName}`);
  const applied = applyEvents(undefined, [{ kind: 'detected', detected }], { now: new Date('2026-11-21T00:00:00Z'), suppressions: [], resolvedTtlDays: 90 });
  const finding = applied.next?.finding;
  if (finding === undefined) throw new Error('no finding folded');
  return finding;
}

/** The record with secrets planted where a careless alert would copy them. */
export function withPlantedSecrets(record: CloudTrailRecord): CloudTrailRecord {
  return {
    ...record,
    userAgent: `aws-cli/2.15.0 token=${PLANTED_TOKEN} key ${PLANTED_SECRET}`,
    requestParameters: { ...(record['requestParameters'] as object | null), password: PLANTED_PASSWORD, note: `leaked ${PLANTED_SECRET}` },
  };
}

/**
 * Asserts the Chatbot custom notification schema (AWS Chatbot / Amazon Q Developer in chat applications
 * user guide, "Custom notifications").
 */
export function expectChatbotSchema(body: string, findingId: string): void {
  const notification = JSON.parse(body) as {
    id: unknown;
    content: { title: unknown; description: unknown; nextSteps: unknown; keywords: unknown };
    metadata: { relatedResources: unknown; additionalContext: Record<string, unknown>; summary: unknown; eventType: unknown };
  };
  expect(notification).toMatchObject({ version: '1.0', source: 'custom', content: { textType: 'client-markdown' }, metadata: { threadId: findingId } });
  expect(typeof notification['id']).toBe('string');
  expect(typeof notification['content'].title).toBe('string');
  expect(typeof notification['content'].description).toBe('string');
  for (const list of [notification['content'].nextSteps, notification['content'].keywords, notification['metadata'].relatedResources]) {
    expect(Array.isArray(list) && list.every((item: unknown) => typeof item === 'string')).toBe(true);
  }
  expect(Object.values(notification['metadata'].additionalContext).every((value) => typeof value === 'string')).toBe(true);
  expect(typeof notification['metadata'].summary).toBe('string');
  expect(typeof notification['metadata'].eventType).toBe('string');
}
