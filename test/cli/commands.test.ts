import { readdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Command, FindingsSubcommand } from '../../shared/cli/command.js';
import { FINDINGS_SUBCOMMANDS } from '../../shared/cli/commands/findings.js';
import { COMMANDS } from '../../shared/cli/main.js';
import { runWarden } from '../support/cli.js';

const COMMANDS_DIR = fileURLToPath(new URL('../../shared/cli/commands/', import.meta.url));

/** What the .ts files directly in `dir` export that `is` recognises, file by file. */
async function exportsOf<T>(dir: string, is: (value: unknown) => value is T): Promise<Map<string, T[]>> {
  const files = (await readdir(dir, { withFileTypes: true })).filter((entry) => entry.isFile() && entry.name.endsWith('.ts')).map((entry) => entry.name);
  const found = new Map<string, T[]>();
  for (const file of files) found.set(file, Object.values((await import(`${dir}${file}`)) as Record<string, unknown>).filter(is));
  return found;
}

const isCommand = (value: unknown): value is Command => typeof value === 'object' && value !== null && 'run' in value && 'name' in value;
const isSubcommand = (value: unknown): value is FindingsSubcommand => typeof value === 'object' && value !== null && 'prepare' in value && 'usage' in value;

describe('the command catalogues', () => {
  it.each([
    ['warden', COMMANDS_DIR, isCommand, () => Promise.all(COMMANDS.map((entry) => entry.load()))],
    ['warden findings', `${COMMANDS_DIR}findings/`, isSubcommand, async () => FINDINGS_SUBCOMMANDS],
  ] as const)('%s lists every command file in its folder, each once and by a name of its own', async (_catalogue, dir, is, load) => {
    const catalogue: readonly (Command | FindingsSubcommand)[] = await load();
    const found = await exportsOf<Command | FindingsSubcommand>(dir, is);
    for (const [file, commands] of found) expect(commands, `${file} exports one command`).toHaveLength(1);
    expect(new Set<unknown>(catalogue)).toEqual(new Set([...found.values()].flat()));
    expect(new Set(catalogue.map((command) => command.name)).size).toBe(catalogue.length);
  });

  it('loads, for each entry of the warden catalogue, the command of the same name', async () => {
    const names = await Promise.all(COMMANDS.map(async (entry) => (await entry.load()).name));

    expect(names).toEqual(COMMANDS.map((entry) => entry.name));
  });

  it('shows every command in warden --help, and every findings subcommand in warden findings --help', async () => {
    const help = await runWarden(['--help']);
    const findingsHelp = await runWarden(['findings', '--help']);

    for (const command of COMMANDS) expect(help.stdout).toContain(`warden ${command.name} --help`);
    expect(help.stdout).toContain(`warden findings ${FINDINGS_SUBCOMMANDS.map((subcommand) => subcommand.name).join('|')}`);
    for (const subcommand of FINDINGS_SUBCOMMANDS) expect(findingsHelp.stdout).toContain(`  warden findings ${subcommand.name} `);
  });
});
