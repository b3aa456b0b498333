import { readFile } from 'node:fs/promises';
import { jsonText } from '../../alerts/escape.js';
import type { Detected } from '../../findings/finding.js';
import { runKeyAudit } from '../../keys/audit.js';
import { parseCredentialReport } from '../../keys/credential-report.js';
import { decide } from '../../keys/decide.js';
import type { PlannedAction } from '../../keys/rotation-planner.js';
import { KEY_MODES, readKeySettings, SettingsError, type KeyMode } from '../../keys/settings.js';
import type { Command } from '../command.js';
import { ExitCode, UsageError, type CliIO } from '../io.js';
import { isoTimeOption, parseOptions } from '../options.js';
import { textTable } from '../render.js';

const USAGE = `usage:
  warden keys --credential-report FILE [--now ISO] [--json]
      audit a saved credential report offline (FILE: the CSV, the base64 Content, or the JSON
      of aws iam get-credential-report; - for stdin)
  warden keys [--mode ${KEY_MODES.join('|')}] [--region R] [--table NAME] [--json]
      audit the live account through the standard AWS credential chain (report is a dry run;
      rotate needs --table, the findings table that keeps rotation states)
Thresholds, caps and exemptions come from WARDEN_KEYS_* environment variables.
`;

/** `warden keys`: key hygiene, offline on a saved report or live on the account. */
export const keysCommand: Command = {
  name: 'keys',
  async run(argv, cli) {
    const { io } = cli;
    const { values, positionals } = parseOptions('keys', argv, {
      'credential-report': { type: 'string' },
      now: { type: 'string' },
      json: { type: 'boolean' },
      mode: { type: 'string' },
      region: { type: 'string' },
      table: { type: 'string' },
    });
    if (values.help === true) {
      io.out(USAGE);
      return ExitCode.ok;
    }
    if (positionals.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])}\n${USAGE}`);
    if (values.mode !== undefined && !(KEY_MODES as readonly string[]).includes(values.mode))
      throw new UsageError(`--mode must be one of ${KEY_MODES.join(', ')}`);
    const now = typeof values.now === 'string' ? isoTimeOption(values.now, '--now') : undefined;
    const mode = values.mode as KeyMode | undefined;
    let settings;
    try {
      settings = readKeySettings(cli.env, mode === undefined ? {} : { mode });
    } catch (error) {
      if (error instanceof SettingsError) throw new UsageError(error.message);
      throw error;
    }

    if (values['credential-report'] !== undefined) {
      if (mode !== undefined && mode !== 'report') throw new UsageError('--credential-report audits offline: only --mode report applies');
      if (values.region !== undefined || values.table !== undefined)
        throw new UsageError('--credential-report audits offline: --region and --table do not apply');
      const path = values['credential-report'];
      const content = path === '-' ? await readStream(io.stdin) : await readFile(path);
      const at = now ?? cli.now();
      const report = { generatedTime: at.toISOString(), rows: parseCredentialReport(content) };
      const decision = decide({ report, now: at, settings: { ...settings, mode: 'report' }, rotations: new Map(), facts: new Map() });
      print(decision.findings, values.json === true, io);
      io.err(`${decision.findings.length} finding(s) for ${report.rows.length} user(s); offline audit: dry run, no change made\n`);
      return ExitCode.ok;
    }

    if (now !== undefined) throw new UsageError('--now applies only to --credential-report');
    if (settings.mode === 'rotate' && values.table === undefined) throw new UsageError('--mode rotate needs --table NAME: rotation states must be stored');
    const { iam, secretsManager, rotationStates, close } = await cli.openKeyAccount({ region: values.region, table: values.table });
    try {
      const result = await runKeyAudit({ iam, secretsManager, rotationStates, settings, now: cli.now });
      print(result.findings, values.json === true, io);
      for (const outcome of result.outcomes)
        io.err(`${outcome.status}: ${outcome.kind} ${outcome.user}${outcome.accessKeyId ? ` ${outcome.accessKeyId}` : ''}: ${outcome.detail}\n`);
      io.err(
        `${result.findings.length} finding(s) for ${result.users} user(s) (report of ${result.generatedTime}); mode ${settings.mode}` +
          `${settings.mode === 'report' ? ' (dry run)' : `: ${result.outcomes.filter((o) => o.status === 'done').length} change(s) made`}` +
          `${result.capHit ? `; cap of ${settings.maxActionsPerRun} reached, ${result.deferred.length} change(s) left for a later run` : ''}\n`,
      );
      return result.outcomes.some((o) => o.status === 'failed') ? ExitCode.failure : ExitCode.ok;
    } finally {
      close();
    }
  },
};

function print(findings: readonly Detected[], json: boolean, io: CliIO): void {
  if (json) {
    for (const finding of findings) {
      const plan = finding.details['plannedAction'] as PlannedAction | undefined;
      io.out(
        `${jsonText({
          findingId: finding.findingId,
          ruleId: finding.ruleId,
          severity: finding.severity,
          user: finding.details['user'],
          resource: finding.resource,
          scope: finding.scope,
          accessKeyId: finding.details['accessKeyId'],
          summary: finding.summary,
          plannedAction: plan,
        })}\n`,
      );
    }
    return;
  }
  const rows = findings.map((finding) => {
    const plan = finding.details['plannedAction'] as PlannedAction | undefined;
    const planned = plan === undefined || plan.action === 'none' ? '-' : `${plan.action}${plan.at === undefined ? '' : ` at ${plan.at.slice(0, 10)}`}`;
    return [finding.severity, finding.ruleId, String(finding.details['user'] ?? ''), finding.scope ?? '', planned, finding.summary];
  });
  io.out(textTable(['SEVERITY', 'RULE', 'USER', 'SCOPE', 'PLANNED', 'SUMMARY'], rows));
}

async function readStream(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk));
  return Buffer.concat(chunks);
}
