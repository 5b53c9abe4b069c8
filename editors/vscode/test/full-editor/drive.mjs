// Drives a real VS Code (code-server) in headless Chromium: the installed .vsix must put a red
// squiggle on an error and the simulation's diagnostic on a token-wait task, complete state
// names, hover without repeating the diagnostics, show the timeline read-only, draw the graph and
// restart its server without an error. Writes screenshots.
// Usage: node drive.mjs URL WORKSPACE SCREENSHOT LOGS
import fs from 'fs';
import path from 'path';
import { chromium } from 'playwright-core';

const [url, workspace, screenshot, logs] = process.argv.slice(2);
const failures = [];
const check = (ok, what) => {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
  if (!ok) failures.push(what);
};
const found = (promise) => promise.then(() => true, () => false);

/** The page's helpers: open a file, run a command, find a line of the active editor. */
function helpers(page) {
  const quickInput = async (prefix, text) => {
    for (let attempt = 0; attempt < 3; attempt++) {
      await page.keyboard.press(prefix);
      if (await found(page.waitForSelector('.quick-input-widget input', { timeout: 10000 }))) {
        break;
      }
    }
    await page.keyboard.type(text, { delay: 15 });
    await page.waitForTimeout(1000);
    await page.keyboard.press('Enter');
  };
  return {
    async open(file) {
      for (let attempt = 0; attempt < 3; attempt++) {
        await quickInput('Control+P', file);
        if (await found(page.waitForSelector(`.tab[aria-label*="${file}"]`, { timeout: 20000 }))) {
          return;
        }
        await page.keyboard.press('Escape');
      }
      throw new Error(`${file} did not open`);
    },
    command: (title) => quickInput('F1', title),
    /** The `nth` text span of the active editor that holds `text`. */
    // VS Code draws spaces as no-break spaces.
    token: (text, nth = 0) =>
      page
        .locator('.editor-group-container.active .view-line span span', { hasText: new RegExp(text.replace(/ /g, '\\s')) })
        .nth(nth),
  };
}

async function diagnosticsAndLens(page, h) {
  await h.open('broken.asl.json');
  check(await found(page.waitForSelector('.squiggly-error', { timeout: 60000 })), 'a red squiggle on the misspelt Next of broken.asl.json');
  // Completion in the misspelt Next: the state names.
  await h.token('Doen').click();
  await page.keyboard.press('End');
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('Control+Space');
  const suggestions = await page
    .waitForSelector('.suggest-widget.visible .monaco-list-row', { timeout: 20000 })
    .then(() => page.locator('.suggest-widget.visible').innerText(), () => '');
  check(/Done/.test(suggestions), `completion in "Next" offers the state names (${suggestions.replace(/\s+/g, ' ').trim()})`);
  await page.keyboard.press('Escape');
  // Keep it in view: the callback definition opens in a split beside it.
  await page.keyboard.press('Control+\\');
  await page.waitForTimeout(1000);
  await h.open('approval.asl.json');
  check(await found(page.waitForSelector('.squiggly-info', { timeout: 60000 })), "the simulation's diagnostic is drawn on approval.asl.json");
  const lens = await page
    .waitForSelector('.codelens-decoration a', { timeout: 20000 })
    .then((a) => a.innerText(), () => '');
  check(/✓|✗|Simulated/.test(lens), `the StartAt code lens shows the outcome (${lens.trim()})`);
  await page.keyboard.press('Control+Shift+M');
  await page.waitForTimeout(2000);
  const problems = await page.locator('.markers-panel').innerText().catch(() => '');
  check(/No heartbeat for 60 s|Waits for its task token/.test(problems), 'the Problems panel shows how the token wait ends');
  check(/Doen/.test(problems), 'and the error of broken.asl.json');
  check(/asl simulation/.test(problems) && /\basl\b/.test(problems.replace(/asl simulation/g, '')), 'each problem says what found it (asl, asl simulation)');
  await page.screenshot({ path: screenshot });
  console.log(`screenshot: ${screenshot}`);
  await page.keyboard.press('Control+Shift+M');
}

async function hovers(page, h) {
  await h.token('HeartbeatSeconds').hover();
  const field = await page
    .waitForSelector('.monaco-hover:not(.hidden) .hover-contents', { timeout: 20000 })
    .then(() => page.locator('.monaco-hover:not(.hidden)').innerText(), () => '');
  check(/HeartbeatSeconds/.test(field) && /heartbeat/i.test(field), 'hover on HeartbeatSeconds documents it');
  await page.mouse.move(5, 5);
  await page.waitForTimeout(800);
  // On the state's name: the simulation's diagnostic is shown once (by VS Code), not again.
  // Its second mention: the first is StartAt's value.
  await h.token('Ask for approval', 1).hover();
  const state = await page
    .waitForSelector('.monaco-hover:not(.hidden) .hover-contents', { timeout: 20000 })
    .then(async () => {
      await page.waitForTimeout(1500);
      return page.locator('.monaco-hover:not(.hidden)').innerText();
    }, () => '');
  const repeats = (state.match(/No heartbeat for 60 s/g) ?? []).length;
  check(/a `?Task`? state/.test(state) && repeats <= 1, `the state's hover says what it is and no diagnostic twice (${state.replace(/\s+/g, ' ').slice(0, 160)})`);
  await page.mouse.move(5, 5);
}

async function timeline(page, h) {
  await h.command('ASL: Show execution history as a timeline');
  const opened = await found(page.waitForSelector('.tab[aria-label*="timeline"]', { timeout: 30000 }));
  check(opened, 'the timeline opens beside the editor');
  await page.waitForTimeout(2000);
  const text = (await page.locator('.editor-group-container.active .view-lines').innerText().catch(() => '')).replace(/\u00a0/g, ' ');
  check(/Ask for approval/.test(text), `the timeline lists the states it went through (${text.replace(/\s+/g, ' ').slice(0, 120)})`);
  // Read-only: typing changes nothing and the tab never turns dirty (nothing asks to be saved).
  await page.locator('.editor-group-container.active .view-lines').click();
  await page.keyboard.type('x');
  await page.waitForTimeout(800);
  const dirty = await page.locator('.tab.dirty').count();
  check(dirty === 0, 'the timeline is read-only: no dirty tab after typing in it');
  await page.keyboard.press('Control+W');
}

async function graphAndRestart(page, h) {
  await h.command('ASL: Show the state machine as a graph');
  check(await found(page.waitForSelector('.tab[aria-label*="Graph: approval"]', { timeout: 30000 })), 'the graph view opens beside the editor');
  await page.waitForTimeout(3000);
  await page.screenshot({ path: screenshot.replace('.png', '-graph.png') });
  await h.command('ASL: Restart server');
  await page.waitForTimeout(8000);
  // The server is back: a squiggle is drawn again after an edit.
  const log = outputLog();
  check(/Starting .*asl-lsp[\s\S]*Starting .*asl-lsp/.test(log), 'the server was started again');
  const errors = log.split('\n').filter((l) => /\[Error|\bERROR\b/.test(l));
  check(errors.length === 0, `restarting logs no error${errors.length ? `: ${errors.join(' / ')}` : ''}`);
}

/** What the extension wrote to its output channel (code-server keeps it under the logs). */
function outputLog() {
  const files = [];
  const walk = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.includes('ASL Workbench')) files.push(full);
    }
  };
  walk(logs);
  return files.map((f) => fs.readFileSync(f, 'utf8')).join('\n');
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: [
    '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
  ],
});
try {
  const page = await browser.newPage({ viewport: { width: 1600, height: 900 } });
  await page.goto(`${url}/?folder=${encodeURIComponent(workspace)}`);
  await page.waitForSelector('.monaco-workbench', { timeout: 90000 });
  // Let the workbench settle (extensions activate on the first ASL document).
  await page.waitForTimeout(5000);
  const h = helpers(page);
  for (const step of [diagnosticsAndLens, hovers, timeline, graphAndRestart]) {
    try {
      await step(page, h);
    } catch (e) {
      check(false, `${step.name}: ${e.message.split('\n')[0]}`);
      // Beside this script, in target/ (never in docs/).
      const shot = path.join(path.dirname(new URL(import.meta.url).pathname), `${step.name}-failed.png`);
      await page.screenshot({ path: shot });
      console.log(`screenshot of the failure: ${shot}`);
      await page.keyboard.press('Escape');
    }
  }
} finally {
  await browser.close();
}
if (failures.length > 0) {
  console.error(failures.length === 1 ? '1 check failed' : `${failures.length} checks failed`);
  process.exit(1);
}
