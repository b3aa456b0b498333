import { exportRecordingOutage } from '../export/findings-export.js';
import type { FindingChange, FindingsStore } from '../findings/store.js';
import type { CliDependencies } from './dependencies.js';
import { ExitCode } from './io.js';
import type { OptionValues } from './options.js';

/** The option of the commands that change findings by hand. */
export const SECURITY_HUB_OPTION = { 'security-hub': { type: 'boolean' } } as const;

/**
 * `--security-hub` of `warden findings resolve|suppress|unsuppress`: sends what a person changed to the
 * Security Hub of the credential chain's account (the findings in their current state, then their
 * workflow status), in the region of `--table NAME --region R` (the stack's home region) or the
 * chain's, and says so in one line; refusals on standard error.
 * When Security Hub cannot be reached the change is kept here and the outage recorded on each finding
 * (`warden findings show`): the exit status is then a failure.
 */
export async function sendToSecurityHub(cli: CliDependencies, store: FindingsStore, values: OptionValues, changes: readonly FindingChange[]): Promise<number> {
  if (!changes.some((change) => change.finding !== undefined)) return ExitCode.ok;
  const securityHub = await cli.openSecurityHub(store, typeof values.region === 'string' ? values.region : undefined);
  try {
    const report = await exportRecordingOutage(securityHub.exporter, store, changes, cli.logger);
    if (report.unreachable !== undefined) {
      cli.io.err(`not sent to Security Hub: ${report.unreachable.message}; recorded on each finding\n`);
      return ExitCode.failure;
    }
    for (const failure of report.failed) cli.io.err(`finding ${failure.findingId} refused by Security Hub (recorded on the finding): ${failure.reason}\n`);
    const refused = report.failed.length > 0 ? `, ${report.failed.length} refused` : '';
    cli.io.out(`Findings updated in Security Hub (${securityHub.productArn}): ${report.exported.length}${refused}.\n`);
    return ExitCode.ok;
  } finally {
    securityHub.close();
  }
}
