/** Filling every variable of the document from one form. */
import { AddinError } from '../addin-error.js';
import type { FillOutcome } from '../office/office-gateway.js';
import type { AppDeps } from './app-deps.js';
import { readOutline, type VariableInfo } from './document-outline.js';

/** The form's rows: every variable with its current value. */
export async function variableForm(deps: AppDeps): Promise<VariableInfo[]> {
  return (await readOutline(deps.gateway)).variables;
}

/**
 * Writes the values into the document, trimming them; empty values leave their variable as it
 * is. Throws INVALID_ARGUMENT when every value is empty.
 */
export async function fillAll(deps: AppDeps, values: Readonly<Record<string, string>>): Promise<FillOutcome> {
  const trimmed = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, v.trim()]).filter(([, v]) => v !== ''));
  if (Object.keys(trimmed).length === 0) {
    throw new AddinError('INVALID_ARGUMENT', '请至少填写一个变量。Enter a value for at least one variable.');
  }
  return deps.gateway.fillVariables(trimmed);
}
