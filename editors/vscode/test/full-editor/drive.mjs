// Drives a real VS Code (code-server) in headless Chromium: the installed .vsix must put a red
// squiggle on an error and the simulation's diagnostic on a token-wait task. Writes a
// screenshot. Usage: node drive.mjs URL WORKSPACE SCREENSHOT
import { chromium } from 'playwright-core';

const [url, workspace, screenshot] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: [
    '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
  ],
});
const failures = [];
const check = (ok, what) => {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
  if (!ok) failures.push(what);
};
try {
  const page = await browser.newPage({ viewport: { width: 1600, height: 900 } });
  await page.goto(`${url}/?folder=${encodeURIComponent(workspace)}`);
  await page.waitForSelector('.monaco-workbench', { timeout: 60000 });
  // Let the workbench settle (extensions activate on the first ASL document).
  await page.waitForTimeout(3000);

  async function open(file) {
    await page.keyboard.press('Control+P');
    await page.waitForSelector('.quick-input-widget input', { timeout: 15000 });
    await page.keyboard.type(file, { delay: 20 });
    await page.waitForTimeout(800);
    await page.keyboard.press('Enter');
    await page.waitForSelector(`.tab[aria-label*="${file}"]`, { timeout: 15000 });
  }

  await open('broken.asl.json');
  const squiggle = await page
    .waitForSelector('.squiggly-error', { timeout: 60000 })
    .then(() => true, () => false);
  check(squiggle, 'a red squiggle on the misspelt Next of broken.asl.json');
  // Keep it in view: the callback definition opens in a split beside it.
  await page.keyboard.press('Control+\\');
  await page.waitForTimeout(1000);

  await open('approval.asl.json');
  const info = await page
    .waitForSelector('.squiggly-info', { timeout: 60000 })
    .then(() => true, () => false);
  check(info, "the simulation's diagnostic is drawn on approval.asl.json");
  // The code lens on StartAt carries the simulation's summary.
  const lens = await page
    .waitForSelector('.codelens-decoration a', { timeout: 20000 })
    .then((a) => a.innerText(), () => '');
  check(/FAILED|SUCCEEDED/.test(lens), `the StartAt code lens shows the outcome (${lens.trim()})`);

  // The Problems panel lists what the simulation says about the token wait.
  await page.keyboard.press('Control+Shift+M');
  await page.waitForTimeout(2000);
  const problems = await page.locator('.markers-panel').innerText().catch(() => '');
  check(/No heartbeat for 60 s|Waits for its task token/.test(problems), 'the Problems panel shows how the token wait ends');
  check(/Doen/.test(problems), 'and the error of broken.asl.json');
  await page.screenshot({ path: screenshot });
  console.log(`screenshot: ${screenshot}`);
  // The graph view beside the editor.
  await page.keyboard.press('Control+Shift+M');
  await page.keyboard.press('F1');
  await page.waitForSelector('.quick-input-widget input', { timeout: 15000 });
  await page.keyboard.type('ASL: Show the state machine as a graph', { delay: 10 });
  await page.waitForTimeout(800);
  await page.keyboard.press('Enter');
  const graph = await page
    .waitForSelector('.tab[aria-label*="Graph: approval"]', { timeout: 30000 })
    .then(() => true, () => false);
  check(graph, 'the graph view opens beside the editor');
  await page.waitForTimeout(3000);
  await page.screenshot({ path: screenshot.replace('.png', '-graph.png') });
} finally {
  await browser.close();
}
if (failures.length > 0) {
  console.error(`${failures.length} check(s) failed`);
  process.exit(1);
}
