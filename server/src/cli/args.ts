/**
 * A small argv parser for the signet CLI: `--flag value`, `--flag=value`, `-o value`, booleans and
 * positionals. Unknown flags are errors, so a typo never silently changes what gets signed.
 */
import { SignetError } from '@signet/core';

/** Flag specification: name → 'string' | 'boolean' | 'multi' (repeatable). */
export type FlagSpec = Record<string, 'string' | 'boolean' | 'multi'>;

/** Parsed arguments. */
export interface ParsedArgs {
  positionals: string[];
  flags: Record<string, string | boolean | string[] | undefined>;
}

const ALIASES: Record<string, string> = { o: 'out', h: 'help' };

/** Parses `argv` against `spec`; throws INVALID_ARGUMENT on unknown flags or missing values. */
export function parseArgs(argv: string[], spec: FlagSpec): ParsedArgs {
  const positionals: string[] = [];
  const flags: ParsedArgs['flags'] = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') { positionals.push(...argv.slice(i + 1)); break; }
    if (!a.startsWith('-') || a === '-') { positionals.push(a); continue; }
    let name = a.replace(/^--?/, '');
    let value: string | undefined;
    const eq = name.indexOf('=');
    if (eq >= 0) { value = name.slice(eq + 1); name = name.slice(0, eq); }
    name = ALIASES[name] ?? name;
    const kind = spec[name];
    if (!kind) throw new SignetError('INVALID_ARGUMENT', `Unknown option ${a}; see \`signet help\``);
    if (kind === 'boolean') { flags[name] = true; continue; }
    if (value === undefined) {
      value = argv[++i];
      if (value === undefined) throw new SignetError('INVALID_ARGUMENT', `Option --${name} needs a value`);
    }
    if (kind === 'multi') flags[name] = [...((flags[name] as string[] | undefined) ?? []), value];
    else flags[name] = value;
  }
  return { positionals, flags };
}
