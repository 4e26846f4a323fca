// One mocha run over every package: `*.spec.ts` files sit beside the code they test.
module.exports = {
  'node-option': ['import=tsx'],
  spec: ['core/src/**/*.spec.ts', 'server/src/**/*.spec.ts', 'connector-*/src/**/*.spec.ts', 'addin-word/src/**/*.spec.ts', 'server/web/**/*.spec.ts'],
  reporter: './test-support/reporter.cjs',
  timeout: 60000,
  slow: 2000,
  // End the process when the run ends, even if a spec left a handle open (the reporter names it):
  // a leaked socket once kept CI waiting until its time limit.
  exit: true,
};
