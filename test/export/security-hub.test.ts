import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  BatchImportFindingsCommand,
  BatchUpdateFindingsCommand,
  GetFindingsCommand,
  SecurityHubClient,
  type AwsSecurityFinding,
  type SecurityHubClientResolvedConfig,
  type ServiceInputTypes,
  type ServiceOutputTypes,
} from '@aws-sdk/client-securityhub';
import { type AwsStub, mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { customProductArn } from '../../shared/export/asff.js';
import { FindingsExportError } from '../../shared/export/findings-export.js';
import { MAX_FINDINGS_PER_IMPORT, SecurityHubExport } from '../../shared/export/security-hub.js';
import { ruleBook } from '../../shared/findings/rule-book.js';
import { openEmbeddedStore } from '../../shared/findings/sqlite/open.js';
import type { FindingChange, FindingsStore, OpenedFindingsStore } from '../../shared/findings/store.js';
import { ACCOUNT, at, detected, evaluation, resolution } from '../support/findings-factory.js';
import { memoryLogger } from '../support/memory-logger.js';
import { useMoto } from '../support/moto.js';
import { useWorkflowUpdatesOnMoto } from './workflow-updates.js';

const REGION = 'us-east-1';
const PRODUCT_ARN = customProductArn(REGION, ACCOUNT);
const moto = useMoto();

let dir: string;
let opened: OpenedFindingsStore;
let store: FindingsStore;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'warden-export-'));
  opened = await openEmbeddedStore(dir);
  store = opened.store;
  await moto.reset();
});

afterEach(async () => {
  await opened.close();
  await rm(dir, { recursive: true, force: true });
});

const securityHub = (endpoint = moto.endpoint, maxAttempts = 3) =>
  new SecurityHubClient({ endpoint, region: REGION, credentials: moto.credentials, maxAttempts });
const exporter = (client: SecurityHubClient, attempts = 3) =>
  new SecurityHubExport({ client, productArn: PRODUCT_ARN, ledger: store, rules: ruleBook, attempts, sleep: async () => {} });

async function importedFindings(): Promise<AwsSecurityFinding[]> {
  const found: AwsSecurityFinding[] = [];
  let token: string | undefined;
  do {
    const page = await securityHub().send(new GetFindingsCommand({ MaxResults: 100, ...(token === undefined ? {} : { NextToken: token }) }));
    found.push(...(page.Findings ?? []));
    token = page.NextToken;
  } while (token !== undefined);
  return found;
}

describe('exporting to Security Hub (moto)', () => {
  const workflow = useWorkflowUpdatesOnMoto();

  it('imports an opened finding into the account’s own product, with severity, resource, remediation and references in their ASFF fields', async () => {
    const raised = detected({ ruleId: 'root-access-key-created', eventTime: at(0) });
    const { changes } = await store.apply(evaluation({ detected: [raised] }));

    const report = await exporter(securityHub()).export(changes, memoryLogger().logger);

    expect(report).toEqual({ exported: [raised.findingId], failed: [] });
    const [imported, ...others] = await importedFindings();
    expect(others).toEqual([]);
    expect(imported).toMatchObject({
      SchemaVersion: '2018-10-08',
      Id: `iam-warden/${raised.findingId}`,
      ProductArn: `arn:aws:securityhub:us-east-1:${ACCOUNT}:product/${ACCOUNT}/default`,
      GeneratorId: 'iam-warden/root-access-key-created',
      AwsAccountId: ACCOUNT,
      Severity: { Label: 'CRITICAL', Original: 'critical' },
      Resources: [{ Type: 'AwsAccount', Id: `arn:aws:iam::${ACCOUNT}:root`, Partition: 'aws', Region: 'us-east-1' }],
      Remediation: {
        Recommendation: { Text: expect.stringContaining('Delete'), Url: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_root-user_manage_add-key.html' },
      },
      Compliance: { Status: 'FAILED', RelatedRequirements: ['CIS AWS Foundations Benchmark/1.4', 'AWS Foundational Security Best Practices/IAM.4'] },
      ProductFields: expect.objectContaining({ 'iam-warden/MitreAttackTechniques': 'T1098.001', 'iam-warden/RuleId': 'root-access-key-created' }),
      Workflow: { Status: 'NEW' },
      RecordState: 'ACTIVE',
      CreatedAt: at(0),
    });
  });

  it('updates the same Security Hub finding as the finding changes, and archives it RESOLVED when the risk is removed', async () => {
    const raised = detected({ eventTime: at(0) });
    const logger = memoryLogger().logger;
    const hub = exporter(securityHub());

    await hub.export((await store.apply(evaluation({ detected: [raised] }))).changes, logger);
    await hub.export((await store.apply(evaluation({ detected: [detected({ eventTime: at(30) })] }))).changes, logger);
    const afterUpdate = await importedFindings();
    await hub.export((await store.apply(evaluation({ resolutions: [resolution({ eventTime: at(60) })] }))).changes, logger);
    const afterResolve = await importedFindings();

    expect(afterUpdate).toHaveLength(1);
    expect(afterUpdate[0]).toMatchObject({ LastObservedAt: at(30), ProductFields: expect.objectContaining({ 'iam-warden/Occurrences': '2' }) });
    expect(afterResolve).toHaveLength(1);
    expect(afterResolve[0]).toMatchObject({
      Id: `iam-warden/${raised.findingId}`,
      RecordState: 'ARCHIVED',
      Compliance: { Status: 'PASSED' },
    });
    // The open finding's workflow is left to people; the resolved one is set RESOLVED, the import's Workflow being ignored after creation.
    expect(workflow.updates()).toEqual([{ status: 'RESOLVED', ids: [`iam-warden/${raised.findingId}`] }]);
  });

  it('marks a suppressed finding SUPPRESSED and keeps it active, and sets it back to NEW when the suppression is removed', async () => {
    const raised = detected();
    const { changes } = await store.apply(evaluation({ detected: [raised] }));
    const hub = exporter(securityHub());
    await hub.export(changes, memoryLogger().logger);
    const { suppressed } = await store.suppress({ findingId: raised.findingId }, { reason: 'break-glass key, accepted', by: 'cli:alice' });

    const afterSuppress = await hub.export(suppressed, memoryLogger().logger);
    const imported = await importedFindings();
    const { reopened } = await store.unsuppress(raised.findingId, { reason: 'key deleted after all', by: 'cli:alice' });
    const afterUnsuppress = await hub.export(reopened, memoryLogger().logger);

    expect(afterSuppress).toEqual({ exported: [raised.findingId], failed: [] });
    expect(imported).toMatchObject([{ RecordState: 'ACTIVE' }]);
    expect(afterUnsuppress).toEqual({ exported: [raised.findingId], failed: [] });
    const id = `iam-warden/${raised.findingId}`;
    expect(workflow.updates()).toEqual([
      { status: 'SUPPRESSED', ids: [id] },
      { status: 'NEW', ids: [id] },
    ]);
  });

  it('sends at most 100 findings a call, each finding once however many changes name it', async () => {
    const batch = store.batch();
    for (let index = 0; index < 250; index += 1) batch.add(evaluation({ detected: [detected({ scope: `AKIA${String(index).padStart(12, '0')}` })] }));
    const { changes } = await batch.flush();
    const client = securityHub();
    const send = vi.spyOn(client, 'send');

    const report = await exporter(client).export([...changes, ...changes.slice(0, 10)], memoryLogger().logger);

    const sizes = send.mock.calls.map(([command]) => (command as BatchImportFindingsCommand).input.Findings?.length);
    expect(sizes).toEqual([MAX_FINDINGS_PER_IMPORT, MAX_FINDINGS_PER_IMPORT, 50]);
    expect(report.exported).toHaveLength(250);
    expect(await importedFindings()).toHaveLength(250);
  });

  it('throws when Security Hub cannot be reached, recording nothing, so the caller fails and retries', async () => {
    const raised = detected();
    const { changes } = await store.apply(evaluation({ detected: [raised] }));
    const unreachable = securityHub('http://127.0.0.1:9', 1);

    const error = await exporter(unreachable)
      .export(changes, memoryLogger().logger)
      .catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(FindingsExportError);
    expect((error as FindingsExportError).pending).toEqual([raised.findingId]);
    expect(await store.get(raised.findingId)).not.toHaveProperty('securityHubError');
  });
});

describe('findings Security Hub refuses (the sequence of calls is the point: a mock)', () => {
  // Created per test and restored after: a class-wide mock would also stand in front of moto above.
  let client: AwsStub<ServiceInputTypes, ServiceOutputTypes, SecurityHubClientResolvedConfig>;
  beforeEach(() => {
    client = mockClient(SecurityHubClient);
  });
  afterEach(() => client.restore());

  async function twoFindings(): Promise<{ changes: readonly FindingChange[]; refusedId: string; acceptedId: string }> {
    const refused = detected({ scope: 'AKIAREFUSED' });
    const accepted = detected({ scope: 'AKIAACCEPTED' });
    const { changes } = await store.apply(evaluation({ detected: [refused, accepted] }));
    return { changes, refusedId: refused.findingId, acceptedId: accepted.findingId };
  }

  it('sends a refused finding again, alone, then records the reason on it; a later successful export clears it', async () => {
    const { changes, refusedId, acceptedId } = await twoFindings();
    const failure = { Id: `iam-warden/${refusedId}`, ErrorCode: 'InvalidInput', ErrorMessage: 'Finding is too large' };
    client.on(BatchImportFindingsCommand).resolves({ FailedCount: 1, SuccessCount: 0, FailedFindings: [failure] });
    const log = memoryLogger();

    const report = await exporter(new SecurityHubClient({ region: REGION }), 3).export(changes, log.logger);

    const sent = client.commandCalls(BatchImportFindingsCommand).map((call) => call.args[0].input.Findings?.map((finding) => finding.Id).sort());
    expect(sent).toEqual([[`iam-warden/${refusedId}`, `iam-warden/${acceptedId}`].sort(), [`iam-warden/${refusedId}`], [`iam-warden/${refusedId}`]]);
    expect(report).toEqual({ exported: [acceptedId], failed: [{ findingId: refusedId, reason: 'InvalidInput: Finding is too large' }] });
    expect(await store.get(refusedId)).toMatchObject({ securityHubError: 'InvalidInput: Finding is too large' });
    expect(log.lines()).toContainEqual(expect.objectContaining({ msg: 'finding refused by Security Hub; recorded on the finding', findingId: refusedId }));

    client.reset();
    client.on(BatchImportFindingsCommand).resolves({ FailedCount: 0, SuccessCount: 1, FailedFindings: [] });
    const refusedBefore = await store.get(refusedId);
    await exporter(new SecurityHubClient({ region: REGION })).export([{ findingId: refusedId, outcome: 'unchanged', finding: refusedBefore }], log.logger);
    expect(await store.get(refusedId)).not.toHaveProperty('securityHubError');
  });

  it('records a call refused for good (no access, Security Hub not enabled) on every finding of the call, without throwing', async () => {
    const { changes, refusedId, acceptedId } = await twoFindings();
    const denied = Object.assign(new Error('Account is not subscribed to AWS Security Hub'), {
      name: 'InvalidAccessException',
      $fault: 'client',
      $metadata: { httpStatusCode: 401 },
    });
    client.on(BatchImportFindingsCommand).rejects(denied);

    const report = await exporter(new SecurityHubClient({ region: REGION })).export(changes, memoryLogger().logger);

    expect(report.exported).toEqual([]);
    expect(report.failed.map((failure) => failure.findingId).sort()).toEqual([refusedId, acceptedId].sort());
    expect(await store.get(acceptedId)).toMatchObject({ securityHubError: 'InvalidAccessException: Account is not subscribed to AWS Security Hub' });
  });
});

describe('setting the workflow status after an import (the sequence of calls is the point, and moto does not serve BatchUpdateFindings: a mock)', () => {
  let client: AwsStub<ServiceInputTypes, ServiceOutputTypes, SecurityHubClientResolvedConfig>;
  beforeEach(() => {
    client = mockClient(SecurityHubClient);
    client.on(BatchImportFindingsCommand).resolves({ FailedCount: 0, SuccessCount: 1, FailedFindings: [] });
  });
  afterEach(() => client.restore());

  /** Three findings imported before: one still open, one resolved since, one suppressed since. */
  async function threeStatuses() {
    const open = detected({ scope: 'AKIASTILLOPEN0000001' });
    const resolved = detected({ scope: 'AKIARESOLVED00000001' });
    const suppressed = detected({ scope: 'AKIASUPPRESSED000001' });
    await store.apply(evaluation({ detected: [open, resolved, suppressed] }));
    const { changes: resolving } = await store.apply(evaluation({ resolutions: [resolution({ scope: 'AKIARESOLVED00000001', eventTime: at(60) })] }));
    const { suppressed: muted } = await store.suppress({ findingId: suppressed.findingId }, { reason: 'accepted', by: 'cli:alice' });
    const openChange: FindingChange = { findingId: open.findingId, outcome: 'updated', finding: await store.get(open.findingId) };
    return { changes: [openChange, ...resolving, ...muted], ids: { open: open.findingId, resolved: resolved.findingId, suppressed: suppressed.findingId } };
  }
  const hubId = (findingId: string) => `iam-warden/${findingId}`;
  const updates = () =>
    client.commandCalls(BatchUpdateFindingsCommand).map((call) => ({
      status: call.args[0].input.Workflow?.Status,
      identifiers: call.args[0].input.FindingIdentifiers,
      fields: Object.keys(call.args[0].input).sort(),
    }));

  it('imports every finding, then sets RESOLVED and SUPPRESSED with one BatchUpdateFindings call per status, leaving the open one to people', async () => {
    const { changes, ids } = await threeStatuses();
    client.on(BatchUpdateFindingsCommand).resolves({ ProcessedFindings: [], UnprocessedFindings: [] });

    const report = await exporter(new SecurityHubClient({ region: REGION })).export(changes, memoryLogger().logger);

    expect(client.calls().map((call) => call.args[0].constructor.name)).toEqual([
      'BatchImportFindingsCommand',
      'BatchUpdateFindingsCommand',
      'BatchUpdateFindingsCommand',
    ]);
    expect(updates()).toEqual([
      { status: 'RESOLVED', identifiers: [{ Id: hubId(ids.resolved), ProductArn: PRODUCT_ARN }], fields: ['FindingIdentifiers', 'Workflow'] },
      { status: 'SUPPRESSED', identifiers: [{ Id: hubId(ids.suppressed), ProductArn: PRODUCT_ARN }], fields: ['FindingIdentifiers', 'Workflow'] },
    ]);
    expect([...report.exported].sort()).toEqual([ids.open, ids.resolved, ids.suppressed].sort());
  });

  it('sends an unprocessed update again (a concurrent update), then records on the finding that its workflow status was not set', async () => {
    const { changes, ids } = await threeStatuses();
    const busy = { FindingIdentifier: { Id: hubId(ids.resolved), ProductArn: PRODUCT_ARN }, ErrorCode: 'ConcurrentUpdateError', ErrorMessage: 'try again' };
    client.on(BatchUpdateFindingsCommand).resolves({ ProcessedFindings: [], UnprocessedFindings: [busy] });

    const report = await exporter(new SecurityHubClient({ region: REGION }), 3).export(changes, memoryLogger().logger);

    expect(updates().map((update) => update.status)).toEqual(['RESOLVED', 'RESOLVED', 'RESOLVED', 'SUPPRESSED']);
    expect(report.failed).toEqual([{ findingId: ids.resolved, reason: 'workflow status not set: ConcurrentUpdateError: try again' }]);
    expect(await store.get(ids.resolved)).toMatchObject({ securityHubError: 'workflow status not set: ConcurrentUpdateError: try again' });
    expect(await store.get(ids.suppressed)).not.toHaveProperty('securityHubError');
  });

  it('records an update refused for good (no permission) on each finding it named, without throwing', async () => {
    const { changes, ids } = await threeStatuses();
    const denied = Object.assign(new Error('not authorized to perform: securityhub:BatchUpdateFindings'), {
      name: 'AccessDeniedException',
      $fault: 'client',
      $metadata: { httpStatusCode: 403 },
    });
    client.on(BatchUpdateFindingsCommand).rejects(denied);

    const report = await exporter(new SecurityHubClient({ region: REGION })).export(changes, memoryLogger().logger);

    expect(report.exported).toEqual([ids.open]);
    expect(report.failed.map((failure) => failure.findingId).sort()).toEqual([ids.resolved, ids.suppressed].sort());
    expect(await store.get(ids.suppressed)).toMatchObject({
      securityHubError: 'workflow status not set: AccessDeniedException: not authorized to perform: securityhub:BatchUpdateFindings',
    });
  });

  it('throws when the update cannot get through, listing the findings whose status was not set, so the caller retries', async () => {
    const { changes, ids } = await threeStatuses();
    const throttled = Object.assign(new Error('Rate exceeded'), {
      name: 'ThrottlingException',
      $fault: 'client',
      $retryable: { throttling: true },
      $metadata: {},
    });
    client.on(BatchUpdateFindingsCommand).rejects(throttled);

    const error = await exporter(new SecurityHubClient({ region: REGION }))
      .export(changes, memoryLogger().logger)
      .catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(FindingsExportError);
    expect([...(error as FindingsExportError).pending].sort()).toEqual([ids.resolved, ids.suppressed].sort());
    // The open one, whose status is not set, is settled before the error: imported.
    expect((error as FindingsExportError).settled).toEqual({ exported: [ids.open], failed: [] });
    expect(await store.get(ids.resolved)).not.toHaveProperty('securityHubError');
  });
});
