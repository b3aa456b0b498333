import { BatchImportFindingsCommand, BatchUpdateFindingsCommand, SecurityHubClient } from '@aws-sdk/client-securityhub';
import { optionalSetting, SettingsError, type Environment } from '../config/settings.js';
import type { RuleDescription } from '../detections/detection.js';
import type { Finding } from '../findings/model.js';
import type { ExportLedger, FindingChange } from '../findings/store.js';
import type { Logger } from '../logging/logger.js';
import { asffFinding, asffIdOf, isCustomProductArn, WORKFLOW_STATUSES, workflowStatusToSet, type WorkflowStatus } from './asff.js';
import { FindingsExportError, type ExportReport, type FindingsExport } from './findings-export.js';

/** BatchImportFindings takes at most 100 findings a call (Security Hub API reference). */
export const MAX_FINDINGS_PER_IMPORT = 100;

export interface SecurityHubExportDependencies {
  /** The client of the account and region the product ARN names. */
  readonly client: SecurityHubClient;
  /** The account's own custom-integration product (customProductArn in asff.ts). */
  readonly productArn: string;
  /** Where a refused finding's reason is recorded (the findings store). */
  readonly ledger: ExportLedger;
  /** What each rule means and how to fix it (its remediation and references go into the ASFF copy). */
  readonly rules: readonly RuleDescription[];
  /** How many times a refused finding is sent before its refusal is recorded; default 3. */
  readonly attempts?: number;
  /** Waits between attempts; tests pass one that does not wait. */
  readonly sleep?: (ms: number) => Promise<void>;
}

/**
 * Copies findings to Security Hub with BatchImportFindings, 100 a call, then sets the workflow status
 * of those whose status changed with BatchUpdateFindings (an import sets Workflow only when it creates
 * a finding: workflowStatusToSet in asff.ts). Findings a response lists as failed are sent again (a
 * few times, with backoff), then their reason is recorded on the finding (`securityHubError`) and
 * logged; a later successful export clears it. A call refused outright for a reason a retry cannot fix
 * (no access, Security Hub not enabled) is recorded the same way on each finding of the call; a call
 * that cannot get through (throttled or unreachable after the client's own retries) throws
 * FindingsExportError, so the caller fails and is retried: every export sends the finding's whole
 * current state under the same Id, so a repeat updates and never duplicates.
 */
export class SecurityHubExport implements FindingsExport {
  private readonly rules: ReadonlyMap<string, RuleDescription>;

  constructor(private readonly dependencies: SecurityHubExportDependencies) {
    this.rules = new Map(dependencies.rules.map((rule) => [rule.id, rule]));
  }

  async export(changes: readonly FindingChange[], logger: Logger): Promise<ExportReport> {
    const latest = new Map<string, Finding>();
    const reopened = new Set<string>();
    for (const { finding, outcome } of changes) {
      if (finding === undefined) continue;
      latest.set(finding.id, finding);
      if (outcome === 'reopened') reopened.add(finding.id);
    }
    const findings = [...latest.values()];
    const exported: string[] = [];
    const failed: { findingId: string; reason: string }[] = [];
    let workflowsSet = 0;
    const unreachable = (pending: readonly Finding[], error: unknown): FindingsExportError => {
      logger.error({ pending: pending.length, err: error }, 'Security Hub not reached; the findings were not exported');
      const message = `could not export ${pending.length} finding(s) to Security Hub: ${reasonOf(error)}`;
      return new FindingsExportError(
        message,
        pending.map(({ id }) => id),
        { exported, failed },
        { cause: error },
      );
    };
    for (let start = 0; start < findings.length; start += MAX_FINDINGS_PER_IMPORT) {
      const chunk = findings.slice(start, start + MAX_FINDINGS_PER_IMPORT);
      let refused: Map<string, string>;
      try {
        refused = await this.importWithRetries(chunk);
      } catch (error) {
        if (!isPermanent(error)) throw unreachable(findings.slice(start), error);
        refused = new Map(chunk.map((finding) => [finding.id, reasonOf(error)]));
      }
      const workflows = chunk.flatMap((finding) => {
        const status = refused.has(finding.id) ? undefined : workflowStatusToSet(finding, reopened.has(finding.id));
        return status === undefined ? [] : [{ finding, status }];
      });
      // An outage now leaves these findings imported but their status unset: the rest of the chunk is settled first.
      let outage: unknown;
      try {
        const notSet = await this.setWorkflowsWithRetries(workflows);
        for (const [findingId, reason] of notSet) refused.set(findingId, `workflow status not set: ${reason}`);
        workflowsSet += workflows.length - notSet.size;
      } catch (error) {
        if (!isPermanent(error)) outage = error;
        else for (const { finding } of workflows) refused.set(finding.id, `workflow status not set: ${reasonOf(error)}`);
      }
      const waiting = new Set(outage === undefined ? [] : workflows.map(({ finding }) => finding.id));
      await this.settle(
        chunk.filter(({ id }) => !waiting.has(id)),
        refused,
        { exported, failed },
        logger,
      );
      if (outage !== undefined) throw unreachable([...workflows.map(({ finding }) => finding), ...findings.slice(start + MAX_FINDINGS_PER_IMPORT)], outage);
    }
    if (findings.length > 0) logger.info({ exported: exported.length, failed: failed.length, workflowsSet }, 'findings exported to Security Hub');
    return { exported, failed };
  }

  /** Records what became of each finding: its refusal on the finding (and in the log), or the clearing of an earlier one. */
  private async settle(
    findings: readonly Finding[],
    refused: ReadonlyMap<string, string>,
    report: { exported: string[]; failed: { findingId: string; reason: string }[] },
    logger: Logger,
  ): Promise<void> {
    const { ledger } = this.dependencies;
    for (const finding of findings) {
      const reason = refused.get(finding.id);
      if (reason === undefined) {
        report.exported.push(finding.id);
        if (finding.securityHubError !== undefined) await ledger.recordSecurityHubExport(finding.id, undefined);
        continue;
      }
      await ledger.recordSecurityHubExport(finding.id, reason);
      logger.error({ findingId: finding.id, ruleId: finding.ruleId, reason }, 'finding refused by Security Hub; recorded on the finding');
      report.failed.push({ findingId: finding.id, reason });
    }
  }

  /** Imports the findings, sending again those the response lists as failed; what is still refused at the end, by finding id. */
  private async importWithRetries(findings: readonly Finding[]): Promise<Map<string, string>> {
    const { client, productArn } = this.dependencies;
    const byAsffId = new Map(findings.map((finding) => [asffIdOf(finding.id), finding]));
    const refused = await this.withRetries([...byAsffId.keys()], async (ids) => {
      const response = await client.send(
        new BatchImportFindingsCommand({
          Findings: ids.map((id) => {
            const finding = byAsffId.get(id) as Finding;
            return asffFinding(finding, this.rules.get(finding.ruleId), { productArn });
          }),
        }),
      );
      return new Map((response.FailedFindings ?? []).map((failure) => [failure.Id ?? '', failureReason(failure.ErrorCode, failure.ErrorMessage)]));
    });
    return byFindingId(refused, byAsffId);
  }

  /**
   * Sets each finding's workflow status, one BatchUpdateFindings call per status (a call sets one
   * status for all it names; at most 100, as a chunk of the import is), sending again those the
   * response lists as unprocessed (another update at the same moment, an import not yet applied);
   * what is still not set at the end, by finding id.
   */
  private async setWorkflowsWithRetries(workflows: readonly { finding: Finding; status: WorkflowStatus }[]): Promise<Map<string, string>> {
    const { client, productArn } = this.dependencies;
    const notSet = new Map<string, string>();
    for (const status of WORKFLOW_STATUSES) {
      const byAsffId = new Map(workflows.filter((workflow) => workflow.status === status).map(({ finding }) => [asffIdOf(finding.id), finding]));
      if (byAsffId.size === 0) continue;
      const unprocessed = await this.withRetries([...byAsffId.keys()], async (ids) => {
        const response = await client.send(
          new BatchUpdateFindingsCommand({ FindingIdentifiers: ids.map((Id) => ({ Id, ProductArn: productArn })), Workflow: { Status: status } }),
        );
        return new Map(
          (response.UnprocessedFindings ?? []).map((failure) => [failure.FindingIdentifier?.Id ?? '', failureReason(failure.ErrorCode, failure.ErrorMessage)]),
        );
      });
      for (const [findingId, reason] of byFindingId(unprocessed, byAsffId)) notSet.set(findingId, reason);
    }
    return notSet;
  }

  /**
   * Calls `send` with every id, then again with those it answered as failed, `attempts` times in all,
   * waiting longer each time; what is still failed at the end, by id. The first call's error is thrown;
   * a retry refused for good fails what it carried (the ids accepted before it stay accepted).
   */
  private async withRetries(ids: readonly string[], send: (ids: readonly string[]) => Promise<Map<string, string>>): Promise<Map<string, string>> {
    const { attempts = 3, sleep = wait } = this.dependencies;
    let pending = [...ids];
    let failures = new Map<string, string>();
    for (let attempt = 1; attempt <= attempts && pending.length > 0; attempt += 1) {
      if (attempt > 1) await sleep(200 * 2 ** (attempt - 2));
      try {
        failures = await send(pending);
      } catch (error) {
        if (attempt === 1 || !isPermanent(error)) throw error;
        failures = new Map(pending.map((id) => [id, reasonOf(error)]));
        break;
      }
      pending = pending.filter((id) => failures.has(id));
    }
    return failures;
  }
}

/** Failures by Security Hub Id, as failures by finding id (an Id the request did not carry is dropped). */
function byFindingId(failures: ReadonlyMap<string, string>, byAsffId: ReadonlyMap<string, Finding>): Map<string, string> {
  return new Map(
    [...failures].flatMap(([asffId, reason]) => {
      const finding = byAsffId.get(asffId);
      return finding === undefined ? [] : [[finding.id, reason] as const];
    }),
  );
}

function failureReason(code: string | undefined, message: string | undefined): string {
  return [code, message].filter((part) => part !== undefined && part !== '').join(': ') || 'refused without a reason';
}

/** A 4xx answer a retry cannot change (access denied, Security Hub not enabled, invalid input); throttling is not one. */
function isPermanent(error: unknown): boolean {
  const sdk = error as { $fault?: string; $retryable?: unknown; $metadata?: { httpStatusCode?: number } } | undefined;
  return sdk?.$fault === 'client' && sdk.$retryable === undefined && sdk.$metadata?.httpStatusCode !== 429;
}

function reasonOf(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  return error.name !== 'Error' && !error.message.startsWith(error.name) ? `${error.name}: ${error.message}` : error.message;
}

const wait = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * SECURITY_HUB_PRODUCT_ARN: the account's custom-integration product to import into (the stack sets
 * it when its securityHubExport parameter is true); unset or empty, nothing is exported. Read once
 * at start-up; a value that is not such an ARN fails naming the setting.
 */
export function securityHubProductArnSetting(env: Environment): string | undefined {
  const productArn = optionalSetting(env, 'SECURITY_HUB_PRODUCT_ARN');
  if (productArn !== undefined && !isCustomProductArn(productArn))
    throw new SettingsError(`setting SECURITY_HUB_PRODUCT_ARN must be arn:aws:securityhub:REGION:ACCOUNT:product/ACCOUNT/default; got "${productArn}"`);
  return productArn;
}

/**
 * The export the stack's securityHubExport parameter turns on (it sets SECURITY_HUB_PRODUCT_ARN and the
 * permissions), into the product's region; undefined when it is off. Read once at start-up.
 */
export function securityHubExportFromEnvironment(
  env: Environment,
  destination: Pick<SecurityHubExportDependencies, 'ledger' | 'rules'>,
): SecurityHubExport | undefined {
  const productArn = securityHubProductArnSetting(env);
  if (productArn === undefined) return undefined;
  return new SecurityHubExport({ client: new SecurityHubClient({ region: productArn.split(':')[3] }), productArn, ...destination });
}
