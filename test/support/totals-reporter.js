// Mocha's spec output plus a machine-readable tally, so scripts/test-all.mjs can add up every runner's totals.
'use strict';
const fs = require('fs');
const Mocha = require('mocha');

class TotalsReporter extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    const out = process.env.SPAN_LENS_TOTALS_FILE;
    const failures = [];
    runner.on('fail', (test, err) => failures.push({ title: test.fullTitle(), error: String(err && err.message) }));
    runner.once('end', () => {
      if (!out) return;
      const stats = runner.stats || {};
      fs.writeFileSync(out, JSON.stringify({ passed: stats.passes || 0, failed: stats.failures || 0, skipped: stats.pending || 0, failures }));
    });
  }
}
module.exports = TotalsReporter;
