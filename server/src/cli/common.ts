/** Helpers shared by the CLI commands. */
import { SignetError } from '@signet/core';

/** The data directory: --data, then SIGNET_DATA, then ./data. */
export function dataDirOf(flags: Record<string, unknown>): string {
  return (flags.data as string | undefined) ?? process.env.SIGNET_DATA ?? 'data';
}

/** Parses an integer option within bounds, throwing INVALID_ARGUMENT with the option name. */
export function intOption(value: string | undefined, name: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new SignetError('INVALID_ARGUMENT', `--${name} must be an integer from ${min} to ${max}, got "${value}"`);
  return n;
}

/** Parses `x,y,w,h` in points. */
export function rectOption(value: string | undefined): { x: number; y: number; w: number; h: number } | undefined {
  if (value === undefined) return undefined;
  const parts = value.split(',').map((p) => Number(p.trim()));
  if (parts.length !== 4 || parts.some((n) => !Number.isFinite(n)) || parts[2] <= 0 || parts[3] <= 0) {
    throw new SignetError('INVALID_ARGUMENT', `--rect must be x,y,w,h in points with positive width and height, got "${value}"`);
  }
  return { x: parts[0], y: parts[1], w: parts[2], h: parts[3] };
}
