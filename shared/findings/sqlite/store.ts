import type Database from 'better-sqlite3';
import { SEVERITIES, severityRank } from '../../detections/detection.js';
import type { FindingWork } from '../batch.js';
import { FindingNotFoundError, InvalidCursorError, StoredItemError } from '../errors.js';
import { applyEvents, MAX_OCCURRENCE_ITEMS, withoutUndefined, type FindingState, type LifecycleContext } from '../lifecycle.js';
import type { AlertState, Finding, Occurrence, Suppression } from '../model.js';
import { FINDING_SCHEMA, MEMORY_SCHEMA, OCCURRENCE_SCHEMA, SUMMARY_FIELDS, SUMMARY_SCHEMA, SUPPRESSION_SCHEMA } from '../schema.js';
import { ALERT_CLAIM_LEASE_MS, type FindingChange, type FindingPage, type ListQuery, type StoreSettings } from '../store.js';
import { FindingsStoreBase } from '../store-base.js';
import { columnsOf, FINDING_STATE, FINDINGS, fromRow, OCCURRENCES, SUPPRESSIONS, toRow, type Row } from './tables.js';

const insert = (table: { name: string }, columns: readonly string[], verb = 'INSERT OR REPLACE') =>
  `${verb} INTO ${table.name} (${columns.join(', ')}) VALUES (${columns.map((column) => `@${column}`).join(', ')})`;

/**
 * The embedded store: one SQLite file, opened by one process at a time (sqlite/open.ts holds the
 * lock). Each flush reads, folds and writes all its findings in one transaction, so a store is never
 * left half-written.
 */
export class SqliteFindingsStore extends FindingsStoreBase {
  private readonly statements: ReturnType<typeof prepareStatements>;
  /** A conditional update and its version bump, together: whether the condition held. */
  private readonly updateIf: (statement: Database.Statement, parameters: Row) => boolean;

  constructor(
    private readonly db: Database.Database,
    settings: StoreSettings = {},
  ) {
    super(settings);
    this.statements = prepareStatements(db);
    const bumpVersion = this.statements.bumpVersion;
    this.updateIf = db.transaction((statement: Database.Statement, parameters: Row): boolean => {
      if (statement.run(parameters).changes === 0) return false;
      bumpVersion.run(parameters['id']);
      return true;
    });
  }

  async get(findingId: string): Promise<Finding | undefined> {
    return this.readState(findingId)?.finding;
  }

  async occurrences(findingId: string): Promise<Occurrence[]> {
    return (this.statements.occurrences.all(findingId) as Row[]).map((row) =>
      fromRow(OCCURRENCE_SCHEMA, row, `occurrence ${String(row['eventId'])} of finding ${findingId} in the embedded store`),
    );
  }

  async list(query: ListQuery): Promise<FindingPage> {
    const limit = Math.max(1, Math.min(query.limit ?? 50, 1000));
    const statuses = query.statuses ?? ['open'];
    const conditions = [`status IN (${statuses.map((_, i) => `@status${i}`).join(', ')})`];
    const parameters: Row = Object.fromEntries(statuses.map((status, i) => [`status${i}`, status]));
    if (query.minSeverity !== undefined && query.minSeverity !== 'info') {
      const severities = SEVERITIES.filter((severity) => severityRank(severity) >= severityRank(query.minSeverity ?? 'info'));
      conditions.push(`severity IN (${severities.map((_, i) => `@severity${i}`).join(', ')})`);
      for (const [i, severity] of severities.entries()) parameters[`severity${i}`] = severity;
    }
    const exact = { ruleId: query.ruleId, resource: query.resource };
    for (const [column, value] of Object.entries(exact)) {
      if (value === undefined) continue;
      conditions.push(`${column} = @${column}`);
      parameters[column] = value;
    }
    if (query.resourceContains !== undefined) {
      // instr, not LIKE: case-sensitive and no wildcards, as DynamoDB's contains().
      conditions.push('instr(resource, @resourceText) > 0');
      parameters['resourceText'] = query.resourceContains;
    }
    if (query.since !== undefined) {
      conditions.push('lastSeen >= @since');
      parameters['since'] = query.since;
    }
    if (query.cursor !== undefined) {
      const after = decodeCursor(query.cursor);
      conditions.push('(lastSeen, id) < (@cursorLastSeen, @cursorId)');
      parameters['cursorLastSeen'] = after.lastSeen;
      parameters['cursorId'] = after.id;
    }
    const rows = this.db
      .prepare(
        `SELECT ${SUMMARY_FIELDS.join(', ')}, recentOccurrences ->> '$[0].actor' AS latestActor FROM findings ` +
          `WHERE ${conditions.join(' AND ')} ORDER BY lastSeen DESC, id DESC LIMIT ${limit + 1}`,
      )
      .all(parameters) as Row[];
    const findings = rows.slice(0, limit).map((row) => fromRow(SUMMARY_SCHEMA, row, `finding ${String(row['id'])} in the embedded store`));
    const last = findings.at(-1);
    const cursor = rows.length > limit && last !== undefined ? encodeCursor({ lastSeen: last.lastSeen, id: last.id }) : undefined;
    return { findings, cursor, stats: { calls: 1, itemsRead: rows.length } };
  }

  async suppressions(): Promise<Suppression[]> {
    return (this.statements.suppressions.all() as Row[]).map((row) =>
      fromRow(SUPPRESSION_SCHEMA, row, `suppression ${String(row['id'])} in the embedded store`),
    );
  }

  async claimAlert(findingId: string): Promise<boolean> {
    const now = this.now();
    return this.updateIf(this.statements.claimAlert, {
      id: findingId,
      now: now.toISOString(),
      staleBefore: new Date(now.getTime() - ALERT_CLAIM_LEASE_MS).toISOString(),
    });
  }

  async releaseAlert(findingId: string): Promise<void> {
    this.updateIf(this.statements.releaseAlert, { id: findingId });
  }

  async markAlert(findingId: string, state: Exclude<AlertState, 'pending'>, error?: string): Promise<boolean> {
    const alertedAt = state === 'sent' && error === undefined ? this.now().toISOString() : null;
    return this.updateIf(this.statements.markAlert, { id: findingId, state, error: error ?? null, alertedAt });
  }

  async requeueAlert(findingId: string): Promise<boolean> {
    return this.updateIf(this.statements.requeueAlert, { id: findingId });
  }

  async claimReminder(findingId: string, cutoff: string): Promise<boolean> {
    return this.updateIf(this.statements.claimReminder, { id: findingId, cutoff, now: this.now().toISOString() });
  }

  protected async writeEvents(work: readonly FindingWork[], context: LifecycleContext): Promise<FindingChange[]> {
    const writeAll = this.db.transaction((items: readonly FindingWork[]) => items.map((item) => this.writeFinding(item, context)));
    return writeAll.immediate(work);
  }

  protected async changeFinding(findingId: string, update: (finding: Finding) => Finding | undefined): Promise<{ finding: Finding; changed: boolean }> {
    const change = this.db.transaction(() => {
      const current = this.readState(findingId);
      if (current?.finding === undefined) throw new FindingNotFoundError(`no finding ${findingId}`);
      const updated = update(current.finding);
      if (updated === undefined) return { finding: current.finding, changed: false };
      const finding = withoutUndefined(updated);
      this.writeState(findingId, { ...current, version: current.version + 1, finding });
      return { finding, changed: true };
    });
    return change.immediate();
  }

  protected async putSuppression(suppression: Suppression): Promise<void> {
    this.statements.putSuppression.run(toRow(SUPPRESSIONS, suppression));
  }

  protected async deleteSuppression(suppressionId: string): Promise<void> {
    this.statements.deleteSuppression.run(suppressionId);
  }

  private writeFinding({ findingId, events }: FindingWork, context: LifecycleContext): FindingChange {
    const current = this.readState(findingId);
    const applied = applyEvents(current, events, context);
    if (applied.next === undefined) return { findingId, outcome: applied.outcome, finding: current?.finding };
    this.writeState(findingId, applied.next);
    const already = current?.finding?.count ?? 0;
    for (const occurrence of applied.newOccurrences.slice(0, Math.max(0, MAX_OCCURRENCE_ITEMS - already))) {
      this.statements.putOccurrence.run(toRow(OCCURRENCES, occurrence, { findingId }));
    }
    return { findingId, outcome: applied.outcome, finding: applied.next.finding };
  }

  private readState(findingId: string): FindingState | undefined {
    const what = `finding ${findingId} in the embedded store`;
    const stateRow = this.statements.state.get(findingId) as Row | undefined;
    const findingRow = this.statements.finding.get(findingId) as Row | undefined;
    if (stateRow === undefined) {
      if (findingRow !== undefined) throw new StoredItemError(`${what}: it has no row in finding_state`);
      return undefined;
    }
    const memory = fromRow(MEMORY_SCHEMA, stateRow, what);
    return findingRow === undefined ? memory : { ...memory, finding: fromRow(FINDING_SCHEMA, findingRow, what) };
  }

  private writeState(findingId: string, state: FindingState): void {
    const { finding, ...memory } = state;
    this.statements.putState.run(toRow(FINDING_STATE, finding === undefined ? memory : { ...memory, expiresAt: undefined }, { id: findingId }));
    if (finding !== undefined) this.statements.putFinding.run(toRow(FINDINGS, finding));
  }
}

function prepareStatements(db: Database.Database) {
  return {
    finding: db.prepare('SELECT * FROM findings WHERE id = ?'),
    state: db.prepare('SELECT * FROM finding_state WHERE id = ?'),
    putFinding: db.prepare(insert(FINDINGS, columnsOf(FINDINGS))),
    putState: db.prepare(insert(FINDING_STATE, columnsOf(FINDING_STATE))),
    putOccurrence: db.prepare(insert(OCCURRENCES, columnsOf(OCCURRENCES), 'INSERT OR IGNORE')),
    occurrences: db.prepare('SELECT * FROM occurrences WHERE findingId = ? ORDER BY eventTime, eventId'),
    suppressions: db.prepare('SELECT * FROM suppressions ORDER BY id'),
    putSuppression: db.prepare(insert(SUPPRESSIONS, columnsOf(SUPPRESSIONS))),
    deleteSuppression: db.prepare('DELETE FROM suppressions WHERE id = ?'),
    // Each bumps the version as DynamoDB's UpdateItem does (see updateIf).
    markAlert: db.prepare(
      "UPDATE findings SET alertState = @state, alertError = @error, alertedAt = coalesce(@alertedAt, alertedAt), alertClaimedAt = NULL WHERE id = @id AND alertState = 'pending'",
    ),
    claimAlert: db.prepare(
      "UPDATE findings SET alertClaimedAt = @now WHERE id = @id AND alertState = 'pending' AND (alertClaimedAt IS NULL OR alertClaimedAt < @staleBefore)",
    ),
    releaseAlert: db.prepare("UPDATE findings SET alertClaimedAt = NULL WHERE id = @id AND alertState = 'pending' AND alertClaimedAt IS NOT NULL"),
    requeueAlert: db.prepare("UPDATE findings SET alertState = 'pending', alertError = NULL, alertClaimedAt = NULL WHERE id = @id AND status = 'open'"),
    claimReminder: db.prepare(
      "UPDATE findings SET alertedAt = @now WHERE id = @id AND status = 'open' AND alertState = 'sent' AND (alertedAt IS NULL OR alertedAt < @cutoff)",
    ),
    bumpVersion: db.prepare('UPDATE finding_state SET version = version + 1 WHERE id = ?'),
  };
}

interface Cursor {
  readonly lastSeen: string;
  readonly id: string;
}

function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

function decodeCursor(cursor: string): Cursor {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    const { lastSeen, id } = (parsed ?? {}) as Record<string, unknown>;
    if (typeof lastSeen === 'string' && typeof id === 'string') return { lastSeen, id };
  } catch {
    // fall through: a cursor that is not ours
  }
  throw new InvalidCursorError('not a cursor from a previous page');
}
