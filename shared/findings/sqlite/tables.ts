/**
 * The embedded store's tables, derived from the finding schemas (shared/findings/schema.ts): one
 * column per field, named as the field, NOT NULL unless the field is optional. Lists and objects are
 * JSON text (query them with SQLite's JSON functions); booleans are 0 or 1.
 */
import type Database from 'better-sqlite3';
import { StoredItemError } from '../errors.js';
import { FINDING_SCHEMA, MEMORY_SCHEMA, OCCURRENCE_SCHEMA, readRecord, SUPPRESSION_SCHEMA, type Field, type Schema } from '../schema.js';

export type Row = Record<string, unknown>;

interface Table {
  readonly name: string;
  readonly schema: Schema<unknown>;
  /** Columns before the schema's own (the finding id of an occurrence or a state). */
  readonly keyColumns: readonly string[];
  readonly primaryKey: readonly string[];
}

const table = <T>(name: string, schema: Schema<T>, keyColumns: readonly string[], primaryKey: readonly string[]): Table => ({
  name,
  schema: schema as Schema<unknown>,
  keyColumns,
  primaryKey,
});

/** Findings as users see them: `sqlite3 .warden/findings.db "SELECT ruleId, resource FROM findings WHERE status = 'open'"`. */
export const FINDINGS = table('findings', FINDING_SCHEMA, [], ['id']);
/** What the idempotent fold remembers per finding id (version, the event ids applied, an early resolution). */
export const FINDING_STATE = table('finding_state', MEMORY_SCHEMA, ['id'], ['id']);
export const OCCURRENCES = table('occurrences', OCCURRENCE_SCHEMA, ['findingId'], ['findingId', 'eventTime', 'eventId']);
export const SUPPRESSIONS = table('suppressions', SUPPRESSION_SCHEMA, [], ['id']);

const TABLES = [FINDINGS, FINDING_STATE, OCCURRENCES, SUPPRESSIONS] as const;

const INDEXES = [
  'CREATE INDEX IF NOT EXISTS findings_by_status ON findings (status, lastSeen, id)',
  'CREATE INDEX IF NOT EXISTS findings_by_rule ON findings (ruleId, status, lastSeen, id)',
  'CREATE INDEX IF NOT EXISTS findings_by_resource ON findings (resource, lastSeen, id)',
];

const sqlType = (field: Field<unknown>): string => (field.type === 'integer' || field.type === 'boolean' ? 'INTEGER' : 'TEXT');

function columnDefinition(name: string, field: Field<unknown>): string {
  return `${name} ${sqlType(field)}${field.optional ? '' : ' NOT NULL'}`;
}

export function columnsOf(definition: Table): string[] {
  return [...definition.keyColumns, ...Object.keys(definition.schema)];
}

/** CREATE TABLE and CREATE INDEX statements for a new store. */
export function creationStatements(): string[] {
  const tables = TABLES.map((definition) => {
    const columns = [
      ...definition.keyColumns.map((name) => `${name} TEXT NOT NULL`),
      ...Object.entries(definition.schema as Record<string, Field<unknown>>).map(([name, field]) => columnDefinition(name, field)),
    ];
    return `CREATE TABLE ${definition.name} (${columns.join(', ')}, PRIMARY KEY (${definition.primaryKey.join(', ')})) STRICT`;
  });
  return [...tables, ...INDEXES];
}

/**
 * Brings the tables of an existing store up to the schemas: a field added to the model since the
 * store was made is added as a column when it is optional (old rows simply lack it). A required one
 * cannot be filled in for old rows: that is the caller's `recreate` error.
 */
export function addMissingColumns(db: Database.Database, recreate: (reason: string) => Error): void {
  for (const definition of TABLES) {
    const existing = new Set((db.prepare(`PRAGMA table_info(${definition.name})`).all() as { name: string }[]).map((column) => column.name));
    if (existing.size === 0) throw recreate(`it has no ${definition.name} table`);
    for (const [name, field] of Object.entries(definition.schema as Record<string, Field<unknown>>)) {
      if (existing.has(name)) continue;
      if (!field.optional) throw recreate(`its ${definition.name} table has no ${name} column`);
      db.exec(`ALTER TABLE ${definition.name} ADD COLUMN ${columnDefinition(name, field)}`);
    }
  }
  for (const statement of INDEXES) db.exec(statement);
}

/** A record as its table's row: undefined as NULL, booleans as 0/1, lists and objects as JSON text. */
export function toRow(definition: Table, record: object, keys: Readonly<Record<string, string>> = {}): Row {
  const row: Row = { ...keys };
  for (const [name, field] of Object.entries(definition.schema as Record<string, Field<unknown>>)) {
    const value = (record as Record<string, unknown>)[name];
    row[name] = value === undefined ? null : field.type === 'boolean' ? (value ? 1 : 0) : field.type === 'json' ? JSON.stringify(value) : value;
  }
  return row;
}

/** A row read back as its record, checked against a schema (`what` names it in an error). */
export function fromRow<T>(schema: Schema<T>, row: Row, what: string): T {
  const record: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(row)) {
    if (value === null) continue;
    const field = (schema as Record<string, Field<unknown> | undefined>)[name];
    if (field?.type === 'boolean') record[name] = value === 1 ? true : value === 0 ? false : value;
    else if (field?.type === 'json') record[name] = parseJson(value, `${what}: field "${name}"`);
    else record[name] = value;
  }
  return readRecord(schema, record, what);
}

function parseJson(value: unknown, what: string): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch (error) {
    throw new StoredItemError(`${what} is not valid JSON`, { cause: error });
  }
}
