import type { Resolution } from '../detections/engine.js';
import { eventTimeOf, type FindingEvent } from './lifecycle.js';
import { OUTCOMES, type Outcome } from './model.js';
import type { BatchOutcome, EvaluationToStore, FindingChange, FindingsBatch } from './store.js';

/** One finding's events, sorted by event time: what a store folds and writes at once. */
export interface FindingWork {
  readonly findingId: string;
  readonly events: readonly FindingEvent[];
}

/** What a batch needs from its store. */
export interface BatchTarget {
  /** Stored findings of a rule on a resource in an account (what an unscoped resolution closes). */
  findingIdsOf(ruleId: string, account: string, resource: string): Promise<string[]>;
  /** Folds each finding's events into its stored state and writes the result; one change per finding, in order. */
  write(work: readonly FindingWork[]): Promise<FindingChange[]>;
}

/**
 * The batch both stores share: groups detections and resolutions by finding, addresses unscoped
 * resolutions, and orders each finding's events by event time (ties: the order they were added).
 */
export class EventBatch implements FindingsBatch {
  private readonly events = new Map<string, FindingEvent[]>();
  private readonly unscoped: Resolution[] = [];
  private sequence = 0;
  private readonly order = new WeakMap<FindingEvent, number>();

  constructor(private readonly target: BatchTarget) {}

  get size(): number {
    return this.events.size;
  }

  add(evaluation: EvaluationToStore): void {
    for (const detected of evaluation.detected) this.push(this.events, detected.findingId, { kind: 'detected', detected });
    for (const resolution of evaluation.resolutions) {
      if (resolution.findingId !== undefined) this.push(this.events, resolution.findingId, { kind: 'resolved', resolution });
      else this.unscoped.push(resolution);
    }
  }

  async flush(): Promise<BatchOutcome> {
    const byFinding = new Map(this.events);
    const unscoped = [...this.unscoped];
    this.events.clear();
    this.unscoped.length = 0;

    // A resolution without a scope closes every finding of its rule on its resource: those stored
    // and those this batch is about to write.
    const addressed = new Map<string, string[]>();
    for (const resolution of unscoped) {
      const key = [resolution.ruleId, resolution.account, resolution.resource].join('\n');
      let ids = addressed.get(key);
      if (ids === undefined) {
        const stored = await this.target.findingIdsOf(resolution.ruleId, resolution.account, resolution.resource);
        const inBatch = [...byFinding.values()].flatMap((events) =>
          events.flatMap((event) =>
            event.kind === 'detected' &&
            event.detected.ruleId === resolution.ruleId &&
            event.detected.account === resolution.account &&
            event.detected.resource === resolution.resource
              ? [event.detected.findingId]
              : [],
          ),
        );
        ids = [...new Set([...stored, ...inBatch])];
        addressed.set(key, ids);
      }
      for (const findingId of ids) this.push(byFinding, findingId, { kind: 'resolved', resolution: { ...resolution, findingId } });
    }

    const work = [...byFinding.entries()].map(([findingId, events]) => ({
      findingId,
      events: [...events].sort((a, b) => {
        const at = eventTimeOf(a);
        const bt = eventTimeOf(b);
        return at < bt ? -1 : at > bt ? 1 : (this.order.get(a) ?? 0) - (this.order.get(b) ?? 0);
      }),
    }));
    const changes = work.length === 0 ? [] : await this.target.write(work);
    const counts = Object.fromEntries(OUTCOMES.map((outcome) => [outcome, 0])) as Record<Outcome, number>;
    for (const change of changes) counts[change.outcome] += 1;
    return { changes, counts };
  }

  private push(into: Map<string, FindingEvent[]>, findingId: string, event: FindingEvent): void {
    this.order.set(event, this.sequence++);
    const list = into.get(findingId) ?? [];
    list.push(event);
    into.set(findingId, list);
  }
}
