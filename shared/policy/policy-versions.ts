import { partitionOf } from '../cloudtrail/arn.js';
import { accountOf, field, isObject, stringField, succeeded, type CloudTrailRecord } from '../cloudtrail/record.js';
import type { FieldLogger } from '../logging/logger.js';

/**
 * The documents of customer-managed policy versions, for the one event that names a version without
 * its document: SetDefaultPolicyVersion (`requestParameters` has only `policyArn` and `versionId`).
 * Detections stay pure: the document reaches them as data on the record, added before the engine runs
 * by an enricher (RecordEnricher), from what was seen earlier (PolicyVersionMemory) or read from IAM
 * (a PolicyVersionSource).
 */

/**
 * The top-level field the enrichment adds to a SetDefaultPolicyVersion record: `{ policyArn,
 * versionId, document, source }`. CloudTrail writes the top-level fields of a record itself, so no API
 * caller can put this one there; the enrichment also removes any copy already present (a replayed
 * file) before adding what it knows.
 */
export const POLICY_VERSION_FIELD = 'iamWardenPolicyVersion';

export interface PolicyVersionKey {
  readonly policyArn: string;
  readonly versionId: string;
}

/** Where the document on a record came from: seen in an earlier CreatePolicy(Version) event, or read from IAM. */
export type PolicyVersionSourceName = 'seen-earlier' | 'GetPolicyVersion';

/** A policy version as a CreatePolicy or CreatePolicyVersion event writes it. */
export interface WrittenPolicyVersion {
  readonly policyArn: string;
  /** Undefined when CloudTrail recorded no response (CreatePolicyVersion's id is known only from it). */
  readonly versionId: string | undefined;
  /** As the event recorded it: a JSON string (read it with parsePolicyDocument). */
  readonly document: unknown;
  /** CreatePolicy's first version is the default; CreatePolicyVersion's only with setAsDefault. */
  readonly isDefault: boolean;
}

/** When a policy is created, its first version is v1 (IAM API Reference, PolicyVersion). */
const FIRST_VERSION = 'v1';

function isTrue(value: unknown): boolean {
  return value === true || (typeof value === 'string' && value.toLowerCase() === 'true');
}

/**
 * The policy version a successful CreatePolicy or CreatePolicyVersion wrote. CreatePolicy names the
 * new policy in `responseElements.policy`; its ARN is rebuilt from path and name when the response is
 * missing. CreatePolicyVersion names it in `requestParameters.policyArn` and the new version in
 * `responseElements.policyVersion`.
 */
export function writtenPolicyVersion(record: CloudTrailRecord): WrittenPolicyVersion | undefined {
  if (!succeeded(record)) return undefined;
  const document = field(record, 'requestParameters', 'policyDocument');
  if (record.eventName === 'CreatePolicyVersion') {
    const policyArn = stringField(record, 'requestParameters', 'policyArn');
    if (policyArn === undefined) return undefined;
    const isDefault =
      isTrue(field(record, 'requestParameters', 'setAsDefault')) || field(record, 'responseElements', 'policyVersion', 'isDefaultVersion') === true;
    return { policyArn, versionId: stringField(record, 'responseElements', 'policyVersion', 'versionId'), document, isDefault };
  }
  if (record.eventName !== 'CreatePolicy') return undefined;
  const policyArn = stringField(record, 'responseElements', 'policy', 'arn') ?? rebuiltPolicyArn(record);
  if (policyArn === undefined) return undefined;
  return { policyArn, versionId: stringField(record, 'responseElements', 'policy', 'defaultVersionId') ?? FIRST_VERSION, document, isDefault: true };
}

function rebuiltPolicyArn(record: CloudTrailRecord): string | undefined {
  const name = stringField(record, 'requestParameters', 'policyName');
  if (name === undefined || name === '') return undefined;
  const path = stringField(record, 'requestParameters', 'path') ?? '/';
  return `arn:${partitionOf(record)}:iam::${accountOf(record)}:policy${path}${name}`;
}

/** The version a successful SetDefaultPolicyVersion makes the default; undefined for any other record. */
export function versionMadeDefault(record: CloudTrailRecord): PolicyVersionKey | undefined {
  if (record.eventName !== 'SetDefaultPolicyVersion' || !succeeded(record)) return undefined;
  const policyArn = stringField(record, 'requestParameters', 'policyArn');
  const versionId = stringField(record, 'requestParameters', 'versionId');
  return policyArn === undefined || versionId === undefined ? undefined : { policyArn, versionId };
}

/** What the enrichment attached to a SetDefaultPolicyVersion record, when it is about the version the record names. */
export function attachedPolicyVersion(record: CloudTrailRecord): { readonly document: unknown; readonly source: string | undefined } | undefined {
  const key = versionMadeDefault(record);
  const attached = record[POLICY_VERSION_FIELD];
  if (key === undefined || !isObject(attached)) return undefined;
  if (attached['policyArn'] !== key.policyArn || attached['versionId'] !== key.versionId || attached['document'] === undefined) return undefined;
  return { document: attached['document'], source: stringField(attached, 'source') };
}

/** The record with the document attached, or without the field when the document is unknown. */
function withPolicyVersion(
  record: CloudTrailRecord,
  key: PolicyVersionKey,
  known: { document: unknown; source: PolicyVersionSourceName } | undefined,
): CloudTrailRecord {
  const { [POLICY_VERSION_FIELD]: _forged, ...rest } = record;
  return known === undefined ? (rest as CloudTrailRecord) : ({ ...rest, [POLICY_VERSION_FIELD]: { ...key, ...known } } as CloudTrailRecord);
}

/** Adds to a record what a detection needs besides it, before the engine runs. */
export interface RecordEnricher {
  enrich(record: CloudTrailRecord, logger: FieldLogger): CloudTrailRecord | Promise<CloudTrailRecord>;
}

/**
 * Policy version documents seen in CreatePolicy and CreatePolicyVersion events, keyed by policy ARN
 * and version id, for the SetDefaultPolicyVersion events that follow. Bounded: least recently used
 * first out beyond `capacity` versions (2,000 by default: a managed policy document is at most 6,144
 * characters, IAM quotas, so about 12 MB at worst). A deleted version or policy is forgotten, since
 * a policy created again under the same name starts again at v1.
 */
export class PolicyVersionMemory implements RecordEnricher {
  private readonly documents = new Map<string, unknown>();

  constructor(readonly capacity = 2_000) {}

  get size(): number {
    return this.documents.size;
  }

  /**
   * Learns from the record (remembers a written version, forgets a deleted one) and returns it, a
   * SetDefaultPolicyVersion record with the document of its version attached when remembered.
   */
  enrich(record: CloudTrailRecord): CloudTrailRecord {
    // A replay passes every record here: the name, already read, rules out most before errorCode is looked up.
    if (!POLICY_VERSION_EVENTS.has(record.eventName) || !succeeded(record)) return record;
    switch (record.eventName) {
      case 'CreatePolicy':
      case 'CreatePolicyVersion': {
        const written = writtenPolicyVersion(record);
        if (written?.versionId !== undefined && written.document !== undefined && written.document !== null) {
          this.remember({ policyArn: written.policyArn, versionId: written.versionId }, written.document);
        }
        return record;
      }
      case 'DeletePolicyVersion': {
        const policyArn = stringField(record, 'requestParameters', 'policyArn');
        const versionId = stringField(record, 'requestParameters', 'versionId');
        if (policyArn !== undefined && versionId !== undefined) this.documents.delete(keyOf({ policyArn, versionId }));
        return record;
      }
      case 'DeletePolicy': {
        const policyArn = stringField(record, 'requestParameters', 'policyArn');
        if (policyArn !== undefined) this.forgetPolicy(policyArn);
        return record;
      }
      case 'SetDefaultPolicyVersion': {
        const key = versionMadeDefault(record);
        if (key === undefined) return record;
        const document = this.recall(key);
        return withPolicyVersion(record, key, document === undefined ? undefined : { document, source: 'seen-earlier' });
      }
      default:
        return record;
    }
  }

  remember(key: PolicyVersionKey, document: unknown): void {
    const id = keyOf(key);
    this.documents.delete(id);
    // IAM refuses a managed policy document over 6,144 characters, so a longer one was never a real
    // version: not kept, which bounds the memory at capacity x 6 KiB whatever a replayed file holds.
    if (documentLength(document) > MAX_MANAGED_POLICY_CHARACTERS) return;
    this.documents.set(id, document);
    if (this.documents.size > this.capacity) {
      const oldest = this.documents.keys().next();
      if (oldest.done !== true) this.documents.delete(oldest.value);
    }
  }

  recall(key: PolicyVersionKey): unknown {
    const id = keyOf(key);
    if (!this.documents.has(id)) return undefined;
    const document = this.documents.get(id);
    // Used again: moved to the recent end.
    this.documents.delete(id);
    this.documents.set(id, document);
    return document;
  }

  private forgetPolicy(policyArn: string): void {
    const prefix = keyOf({ policyArn, versionId: '' });
    for (const id of [...this.documents.keys()]) if (id.startsWith(prefix)) this.documents.delete(id);
  }
}

/** The events PolicyVersionMemory learns from or completes. */
const POLICY_VERSION_EVENTS: ReadonlySet<string> = new Set([
  'CreatePolicy',
  'CreatePolicyVersion',
  'DeletePolicyVersion',
  'DeletePolicy',
  'SetDefaultPolicyVersion',
]);

/** An ARN holds no newline, so the pair cannot collide. */
const keyOf = ({ policyArn, versionId }: PolicyVersionKey): string => `${policyArn}\n${versionId}`;

/** Reads the document of a policy version from where it is kept (IAM's GetPolicyVersion, for one). */
export interface PolicyVersionSource {
  /** The document (IAM returns it URL-encoded), undefined when the version has none; throws when it cannot be read. */
  document(key: PolicyVersionKey): Promise<unknown>;
}

/**
 * The memory first, then the source, for SetDefaultPolicyVersion records the memory cannot complete.
 * A failed read is logged and the record goes on without the document: the event is still evaluated
 * (and its other detections run), never lost.
 */
export class PolicyVersionEnricher implements RecordEnricher {
  constructor(
    private readonly source: PolicyVersionSource,
    private readonly memory: PolicyVersionMemory = new PolicyVersionMemory(),
  ) {}

  async enrich(record: CloudTrailRecord, logger: FieldLogger): Promise<CloudTrailRecord> {
    const enriched = this.memory.enrich(record);
    const key = versionMadeDefault(enriched);
    if (key === undefined || attachedPolicyVersion(enriched) !== undefined) return enriched;
    try {
      const document = await this.source.document(key);
      if (document === undefined || document === null) return enriched;
      this.memory.remember(key, document);
      return withPolicyVersion(enriched, key, { document, source: 'GetPolicyVersion' });
    } catch (error) {
      logger.warn(
        { eventId: record.eventID, policyArn: key.policyArn, versionId: key.versionId, err: error },
        'could not read the policy version made default; the event is evaluated without its document',
      );
      return enriched;
    }
  }
}

/** IAM quotas: a managed policy document holds at most 6,144 characters (whitespace excluded). */
const MAX_MANAGED_POLICY_CHARACTERS = 6_144;

/** The document's length as IAM counts it (whitespace aside), for a string or an object alike; unmeasurable counts as too long. */
function documentLength(document: unknown): number {
  const text = typeof document === 'string' ? document : JSON.stringify(document);
  return typeof text === 'string' ? text.replace(/\s/g, '').length : Number.POSITIVE_INFINITY;
}
