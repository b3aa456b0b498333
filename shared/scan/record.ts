import type { BatchOutcome, FindingChange, FindingsReconciler, FindingsWriter } from '../findings/store.js';
import type { ScanReport } from './reader.js';

/** Detections written per flush: bounds what a batch holds on a large account. */
const FLUSH_EVERY = 2_000;

export interface RecordedScan {
  /** What writing the scan's detections did (opened, reopened, updated...), one change per finding. */
  readonly written: readonly FindingChange[];
  /** Open findings the scan no longer saw, now resolved. */
  readonly resolved: readonly FindingChange[];
}

/**
 * Records a scan in the findings store: first what it saw (each detection lands on the finding its
 * event would have made, so lastSeen moves past the scan's start), then, for every part it read
 * completely, resolves the findings of that part's rules last seen before the scan started. A part
 * whose read failed is not in `report.coverage`: its findings are left as they are.
 */
export async function recordScan(store: FindingsWriter & FindingsReconciler, report: ScanReport): Promise<RecordedScan> {
  const written: FindingChange[] = [];
  for (let start = 0; start < report.detected.length; start += FLUSH_EVERY) {
    const batch = store.batch();
    batch.add({ detected: report.detected.slice(start, start + FLUSH_EVERY), resolutions: [] });
    const outcome: BatchOutcome = await batch.flush();
    written.push(...outcome.changes);
  }
  const resolved: FindingChange[] = [];
  for (const part of report.coverage) {
    resolved.push(
      ...(await store.reconcile({
        account: report.account,
        ruleIds: part.ruleIds,
        ...(part.region === undefined ? {} : { region: part.region }),
        exceptResources: part.exceptResources,
        ...(part.onlyResources === undefined ? {} : { onlyResources: part.onlyResources }),
        scanStartedAt: report.startedAt,
        by: `scan:${report.startedAt}`,
        reason: `no longer present at ${report.startedAt}`,
      })),
    );
  }
  return { written, resolved };
}
