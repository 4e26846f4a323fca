/**
 * The `signet` command line. Parses argv, dispatches to one command, and turns SignetErrors into one
 * clear line on stderr with a non-zero exit (never a stack trace for a user error).
 */
import { isSignetError } from '@signet/core';

/** Runs the CLI and resolves to the process exit code. */
export async function main(argv: string[]): Promise<number> {
  try {
    const [cmd] = argv;
    switch (cmd) {
      default:
        process.stderr.write(`signet: unknown command '${cmd ?? ''}'. Try: init, ca export, sign, verify, start\n`);
        return 2;
    }
  } catch (e) {
    if (isSignetError(e)) {
      process.stderr.write(`signet: ${e.message} [${e.code}]\n`);
      return 1;
    }
    throw e;
  }
}
