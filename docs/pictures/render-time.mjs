// How long Chromium takes to render an SVG (a fresh page each time; median of 5):
//   asl-sim graph target/bench-inputs/large-2000.asl.json -o /tmp/large.svg
//   cp docs/pictures/render-time.mjs target/picture-check/ && node target/picture-check/render-time.mjs /tmp/large.svg
// playwright-core comes with the picture test's install (simulator/tests/pictures/install.sh).
import { chromium } from 'playwright-core';
import fs from 'node:fs';
const svg = fs.readFileSync(process.argv[2], 'utf8');
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
const times = [];
for (let i = 0; i < 5; i++) {
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  await page.setContent('<html><body></body></html>');
  const ms = await page.evaluate((svg) => new Promise((resolve) => {
    const t0 = performance.now();
    document.body.innerHTML = svg;
    document.body.getBoundingClientRect();
    requestAnimationFrame(() => requestAnimationFrame(() => resolve(performance.now() - t0)));
  }), svg);
  times.push(ms);
  await page.close();
}
times.sort((a, b) => a - b);
console.log(`render in Chromium: median ${times[2].toFixed(0)} ms (${times.map((t) => t.toFixed(0)).join(', ')})`);
await browser.close();
