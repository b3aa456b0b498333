/**
 * Runs cfn-lint (https://github.com/aws-cloudformation/cfn-lint, a Python tool) on a template: errors,
 * warnings and informational findings. When it is missing, the run fails with one line saying how to
 * install it: the template tests never skip the lint.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Template } from './package.js';

export interface LintFinding {
  /** E..., W... or I... */
  readonly rule: string;
  readonly level: 'Error' | 'Warning' | 'Informational';
  /** The logical id of the resource (or the section, e.g. "Conditions") the finding is about. */
  readonly resource: string;
  readonly message: string;
}

interface CfnLintMatch {
  readonly Level: LintFinding['level'];
  readonly Message: string;
  readonly Rule: { readonly Id: string };
  readonly Location: { readonly Path: readonly (string | number)[] | null };
}

/** cfn-lint's exit status is a bit mask of what it found (2 error, 4 warning, 8 informational); 1 means it could not lint. */
const COULD_NOT_LINT = 1;

export async function lintTemplate(template: Template): Promise<LintFinding[]> {
  const dir = await mkdtemp(join(tmpdir(), 'warden-cfn-lint-'));
  try {
    const file = join(dir, 'template.json');
    await writeFile(file, JSON.stringify(template, null, 2));
    // Run from the temporary directory: no .cfnlintrc of the checkout can hide a finding.
    const stdout = await runCfnLint(['--format', 'json', '--include-checks', 'I', '--', file], dir);
    return (JSON.parse(stdout) as CfnLintMatch[]).map((match) => {
      const [section, name] = match.Location.Path ?? [];
      return { rule: match.Rule.Id, level: match.Level, resource: String(section === 'Resources' ? name : section), message: match.Message };
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function runCfnLint(args: readonly string[], cwd: string): Promise<string> {
  try {
    return (await promisify(execFile)('cfn-lint', args, { cwd, timeout: 120_000, maxBuffer: 16 * 1024 * 1024 })).stdout;
  } catch (error) {
    const failed = error as Error & { code?: string | number; stdout?: string; stderr?: string };
    if (failed.code === 'ENOENT') throw new Error('cfn-lint is not installed (the template tests lint the packaged stack): pip install cfn-lint');
    // Findings make the exit status non-zero: only "could not lint" is a failure of the run itself.
    if (typeof failed.code === 'number' && (failed.code & COULD_NOT_LINT) === 0 && failed.stdout !== undefined) return failed.stdout;
    throw new Error(`cfn-lint could not lint the template: ${failed.stderr?.trim() || failed.message}`, { cause: error });
  }
}
