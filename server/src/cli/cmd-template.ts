import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import {
  SignetError, fillTemplate, parseTemplate, validateVariables, templateInvalid,
  type ResolvedPosition, type TemplateDefinition, type TemplateVariables,
} from '@signet/core';
import { parseArgs } from './args.js';
import { cjkFontBytes } from '../fonts.js';
import { writeFileAtomic } from '../storage/atomic-write.js';

const USAGE = 'signet template fill TEMPLATE.json --vars VARS.json -o OUT.pdf [--json] | signet template check TEMPLATE.json [--vars VARS.json]';

/**
 * `signet template fill TEMPLATE.json --vars VARS.json -o OUT.pdf [--json]`: fills the template's
 * base PDF (named relative to the JSON file) and prints where each role signs and seals;
 * `signet template check TEMPLATE.json [--vars VARS.json]` only validates.
 */
export async function cmdTemplate(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === 'fill') return fill(rest);
  if (sub === 'check') return check(rest);
  throw new SignetError('INVALID_ARGUMENT', sub ? `Unknown template command '${sub}'; use: ${USAGE}` : `Give a template command: ${USAGE}`);
}

async function fill(argv: string[]): Promise<number> {
  const { flags, positionals } = parseArgs(argv, { vars: 'string', out: 'string', json: 'boolean', data: 'string' });
  const file = oneTemplate(positionals);
  const out = flags.out as string | undefined;
  if (!out) throw new SignetError('INVALID_ARGUMENT', 'Give the output file with -o OUT.pdf');
  const { template, basePdf } = loadTemplate(file);
  const vars = loadVars(flags.vars as string | undefined);
  const result = await fillTemplate(template, basePdf, vars, { font: cjkFontBytes() });
  writeFileAtomic(out, result.pdf);
  if (flags.json) {
    process.stdout.write(JSON.stringify({ output: out, template: template.id, positions: result.positions, fields: result.fields }, null, 2) + '\n');
  } else {
    process.stdout.write(result.positions.length ? result.positions.map(formatPosition).join('\n') + '\n' : 'No signature or seal fields in this template.\n');
  }
  process.stderr.write(`Filled ${template.id} → ${out} (${result.fields.length} value(s) drawn, ${result.positions.length} signing position(s))\n`);
  return 0;
}

async function check(argv: string[]): Promise<number> {
  const { flags, positionals } = parseArgs(argv, { vars: 'string', data: 'string' });
  const file = oneTemplate(positionals);
  const { template } = loadTemplate(file);
  if (flags.vars !== undefined) {
    const problems = validateVariables(template, loadVars(flags.vars as string));
    if (problems.length > 0) throw templateInvalid('The variables do not fit the template', problems);
  }
  process.stdout.write(`${file}: template ${template.id} is valid (${template.fields.length} fields)${flags.vars !== undefined ? ', and so are the variables' : ''}\n`);
  return 0;
}

function oneTemplate(positionals: string[]): string {
  if (positionals.length === 0) throw new SignetError('INVALID_ARGUMENT', `Give the template JSON: ${USAGE}`);
  if (positionals.length > 1) throw new SignetError('INVALID_ARGUMENT', `Unexpected argument "${positionals[1]}"; give one template JSON`);
  return positionals[0];
}

function readJson(path: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new SignetError('NOT_FOUND', `${what} ${path} does not exist; check the path`);
    throw e;
  }
  try {
    return JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (e) {
    throw new SignetError('INVALID_ARGUMENT', `${what} ${path} is not valid JSON (${(e as Error).message}); fix its syntax`);
  }
}

/** Reads and validates TEMPLATE.json and its base PDF (a path relative to the JSON file). */
function loadTemplate(file: string): { template: TemplateDefinition; basePdf: Uint8Array } {
  const template = parseTemplate(readJson(file, 'The template'));
  const pdfPath = resolve(dirname(file), template.basePdf);
  if (!existsSync(pdfPath)) {
    throw new SignetError('NOT_FOUND', `The base PDF ${pdfPath} of template ${template.id} does not exist; "basePdf" in ${file} is relative to the JSON file`);
  }
  return { template, basePdf: readFileSync(pdfPath) };
}

function loadVars(path: string | undefined): TemplateVariables {
  if (path === undefined) return {};
  const vars = readJson(path, 'The variables file');
  if (typeof vars !== 'object' || vars === null || Array.isArray(vars)) {
    throw new SignetError('INVALID_ARGUMENT', `The variables file ${path} must hold one JSON object of variable name → value`);
  }
  return vars as TemplateVariables;
}

function formatPosition(p: ResolvedPosition): string {
  const r = p.rect;
  const f = p.fractions;
  return `${p.kind.padEnd(9)} ${p.role.padEnd(12)} field ${p.field}  page ${p.page}  rect ${r.x},${r.y},${r.w},${r.h}  at (${f.x}, ${f.y}) of the page${p.anchored ? '  (anchor)' : ''}`;
}
