/* global process */
// Preloaded into a child (`node --import …/peak-rss.mjs dist/cli.js …`): on exit, writes the
// process's peak resident set size to the file named by RELEASE_GATE_PEAK_RSS_FILE, so bounds
// tests measure the built CLI as users run it, without a profiler.
import { writeFileSync } from 'node:fs';

const out = process.env.RELEASE_GATE_PEAK_RSS_FILE;
if (out) {
  process.on('exit', () => {
    // resourceUsage().maxRSS is in KiB
    writeFileSync(out, String(process.resourceUsage().maxRSS * 1024));
  });
}
