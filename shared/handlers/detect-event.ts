import { recordsOfDocument, type ReadProblem } from '../cloudtrail/read-document.js';
import { stringField } from '../cloudtrail/record.js';
import type { DetectionEngine } from '../detections/engine.js';
import type { ExportReport, FindingsExport } from '../export/findings-export.js';
import type { FindingChange, FindingsStore } from '../findings/store.js';
import type { Logger } from '../logging/logger.js';
import type { Alerter, AlertReport } from '../alerts/alerter.js';
import type { TrustBoundary } from '../policy/boundary.js';
import type { RecordEnricher } from '../policy/policy-versions.js';

export interface DetectEventDependencies {
  readonly engine: DetectionEngine;
  readonly store: FindingsStore;
  readonly logger: Logger;
  /** Sends the alerts the write owes; without one, findings keep their alert pending. */
  readonly alerter?: Alerter;
  /** The trusted boundary now (it can grow with the organization); the engine's own when absent. */
  readonly boundary?: { current(): Promise<TrustBoundary> };
  /**
   * Completes a record before the detections see it (the document of the policy version a
   * SetDefaultPolicyVersion makes the default); it logs what it cannot read and never throws.
   */
  readonly enricher?: RecordEnricher;
  /** Copies what the write changed elsewhere (Security Hub), after the alerts; none by default. */
  readonly exporter?: FindingsExport;
}

export interface DetectEventResult {
  /** `rejected`: not a CloudTrail event; reported and dropped, since a retry cannot fix it. */
  readonly status: 'processed' | 'rejected';
  readonly problems: readonly ReadProblem[];
  readonly changes: readonly FindingChange[];
  readonly alerts?: AlertReport;
  readonly exported?: ExportReport;
}

/**
 * What the Lambda does with one EventBridge event: unwrap the CloudTrail record, run the detections,
 * write the findings. A malformed event is reported, not thrown (a retry would fail the same way);
 * a detection that throws is logged with its rule id and the others still run; a failed write
 * throws, so the event is retried (the table's writes are idempotent per eventID).
 * Alerts are sent after the write: if the alert channel cannot be reached the findings stay pending
 * and this throws, and the retry sends each pending alert once (a sent one is never sent again).
 * Then the export, if any: an unreachable Security Hub throws too, and the retry sends the findings again.
 */
export async function detectEvent(
  event: unknown,
  { engine, store, logger, alerter, boundary, enricher, exporter }: DetectEventDependencies,
): Promise<DetectEventResult> {
  const source = `eventbridge:${stringField(event, 'id') ?? 'unknown'}`;
  const context = boundary === undefined ? engine.context : { ...engine.context, boundary: await boundary.current() };
  const problems: ReadProblem[] = [];
  const batch = store.batch();
  let records = 0;
  for (const { record } of recordsOfDocument(event, source, undefined, (problem) => problems.push(problem))) {
    records += 1;
    const evaluation = engine.evaluate(enricher === undefined ? record : await enricher.enrich(record, logger), context);
    for (const failure of evaluation.failures) {
      logger.error({ ruleId: failure.ruleId, eventId: failure.eventId, err: failure.error }, 'detection failed on an event; the other detections ran');
    }
    batch.add(evaluation);
  }
  if (problems.length > 0) {
    // Never log the event itself: it may hold request parameters nobody should read in logs.
    logger.error({ source, problems: problems.map(({ position, reason }) => ({ position, reason })) }, 'event is not a CloudTrail record; skipped');
  }
  const { changes, counts } = await batch.flush();
  logger.info({ source, records, ...counts }, 'event processed');
  const alerts = alerter === undefined ? undefined : await alerter.deliver(changes, logger);
  // Every finding the write touched, unchanged ones too: a retry after an unreachable Security Hub
  // finds its findings unchanged and must still send them (an import replaces, never duplicates).
  const exported = exporter === undefined ? undefined : await exporter.export(changes, logger);
  return {
    status: records === 0 ? 'rejected' : 'processed',
    problems,
    changes,
    ...(alerts === undefined ? {} : { alerts }),
    ...(exported === undefined ? {} : { exported }),
  };
}
