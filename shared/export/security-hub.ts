import { BatchImportFindingsCommand, type SecurityHubClient } from '@aws-sdk/client-securityhub';
import { optionalSetting, SettingsError, type Environment } from '../config/settings.js';
import type { RuleDescription } from '../detections/detection.js';
import type { Finding } from '../findings/model.js';
import type { ExportLedger, FindingChange } from '../findings/store.js';
import type { Logger } from '../logging/logger.js';
import { asffFinding, asffIdOf, isCustomProductArn } from './asff.js';
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
 * Copies findings to Security Hub with BatchImportFindings, 100 a call. Findings the response lists
 * as failed are sent again (a few times, with backoff), then their reason is recorded on the finding
 * (`securityHubError`) and logged; a later successful export clears it. A call refused outright for
 * a reason a retry cannot fix (no access, Security Hub not enabled) is recorded the same way on each
 * finding of the call; a call that cannot get through (throttled or unreachable after the client's own
 * retries) throws FindingsExportError, so the caller fails and is retried: every export sends the
 * finding's whole current state under the same Id, so a repeat updates and never duplicates.
 */
export class SecurityHubExport implements FindingsExport {
  private readonly rules: ReadonlyMap<string, RuleDescription>;

  constructor(private readonly dependencies: SecurityHubExportDependencies) {
    this.rules = new Map(dependencies.rules.map((rule) => [rule.id, rule]));
  }

  async export(changes: readonly FindingChange[], logger: Logger): Promise<ExportReport> {
    const latest = new Map<string, Finding>();
    for (const { finding } of changes) if (finding !== undefined) latest.set(finding.id, finding);
    const findings = [...latest.values()];
    const exported: string[] = [];
    const failed: { findingId: string; reason: string }[] = [];
    for (let start = 0; start < findings.length; start += MAX_FINDINGS_PER_IMPORT) {
      const chunk = findings.slice(start, start + MAX_FINDINGS_PER_IMPORT);
      let refused: Map<string, string>;
      try {
        refused = await this.importWithRetries(chunk);
      } catch (error) {
        if (!isPermanent(error)) {
          const pending = findings.slice(start).map((finding) => finding.id);
          logger.error({ pending: pending.length, err: error }, 'Security Hub not reached; the findings were not exported');
          throw new FindingsExportError(`could not export ${pending.length} finding(s) to Security Hub: ${reasonOf(error)}`, pending, { cause: error });
        }
        refused = new Map(chunk.map((finding) => [finding.id, reasonOf(error)]));
      }
      for (const finding of chunk) {
        const reason = refused.get(finding.id);
        if (reason === undefined) {
          exported.push(finding.id);
          if (finding.securityHubError !== undefined) await this.dependencies.ledger.recordSecurityHubExport(finding.id, undefined);
          continue;
        }
        await this.dependencies.ledger.recordSecurityHubExport(finding.id, reason);
        logger.error({ findingId: finding.id, ruleId: finding.ruleId, reason }, 'finding refused by Security Hub; recorded on the finding');
        failed.push({ findingId: finding.id, reason });
      }
    }
    if (findings.length > 0) logger.info({ exported: exported.length, failed: failed.length }, 'findings exported to Security Hub');
    return { exported, failed };
  }

  /** Imports the findings, sending again those the response lists as failed; what is still refused at the end, by finding id. */
  private async importWithRetries(findings: readonly Finding[]): Promise<Map<string, string>> {
    const { client, productArn, attempts = 3, sleep = wait } = this.dependencies;
    const byAsffId = new Map(findings.map((finding) => [asffIdOf(finding.id), finding]));
    let pending = [...byAsffId.keys()];
    let refused = new Map<string, string>();
    for (let attempt = 1; attempt <= attempts && pending.length > 0; attempt += 1) {
      if (attempt > 1) await sleep(200 * 2 ** (attempt - 2));
      const batch = pending.map((id) => byAsffId.get(id) as Finding);
      let response;
      try {
        response = await client.send(
          new BatchImportFindingsCommand({ Findings: batch.map((finding) => asffFinding(finding, this.rules.get(finding.ruleId), { productArn })) }),
        );
      } catch (error) {
        // A retry refused for good leaves the findings accepted before it accepted.
        if (attempt === 1 || !isPermanent(error)) throw error;
        refused = new Map(pending.map((id) => [id, reasonOf(error)]));
        break;
      }
      refused = new Map(
        (response.FailedFindings ?? []).map((failure) => [
          failure.Id ?? '',
          [failure.ErrorCode, failure.ErrorMessage].filter((part) => part !== undefined && part !== '').join(': ') || 'refused without a reason',
        ]),
      );
      pending = pending.filter((id) => refused.has(id));
    }
    return new Map(
      [...refused].flatMap(([asffId, reason]) => {
        const finding = byAsffId.get(asffId);
        return finding === undefined ? [] : [[finding.id, reason] as const];
      }),
    );
  }
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
