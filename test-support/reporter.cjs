// mocha's spec reporter, plus one closing line "N passed, N failed, N skipped" that CI reads.
// The run ends with mocha's `exit` option (see .mocharc.cjs): a server, pool or child process a spec
// forgot to close must not keep CI waiting. So that such a leak is still seen and fixed, the reporter
// names what is left open when the run ends.
const Mocha = require('mocha');
const { Spec } = Mocha.reporters;
const { EVENT_RUN_END } = Mocha.Runner.constants;

// Resources every run has open at its end: the terminal, timers mocha itself keeps.
const EXPECTED = new Set(['TTYWrap', 'PipeWrap', 'FSReqCallback', 'Timeout', 'Immediate']);

class SignetReporter extends Spec {
  constructor(runner, options) {
    super(runner, options);
    runner.once(EVENT_RUN_END, () => {
      const s = runner.stats;
      const open = process.getActiveResourcesInfo().filter((r) => !EXPECTED.has(r));
      if (open.length > 0) {
        const counts = {};
        for (const r of open) counts[r] = (counts[r] ?? 0) + 1;
        const list = Object.entries(counts).map(([r, n]) => `${r}×${n}`).join(', ');
        console.log(`\nstill open after the last spec (a spec did not close it): ${list}`);
      }
      console.log(`\n${s.passes} passed, ${s.failures} failed, ${s.pending} skipped`);
    });
  }
}
module.exports = SignetReporter;
