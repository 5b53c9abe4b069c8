// Lays out each SVG in headless Chromium (Debian's /usr/bin/chromium, driven by playwright-core)
// and reports, one line per problem, every text that overlaps another text, is covered by a box
// drawn above it, is crossed by an arrow or a bold line, sticks out of the box it labels, or is
// cut off by the picture's edge; with
// --png DIR, writes each picture there as PNG. Exit 0 when there is no problem, 1 otherwise.
//   node check.mjs [--png DIR] FILE.svg...
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import path from 'node:path';

const args = process.argv.slice(2);
let pngDir = null;
if (args[0] === '--png') {
  pngDir = args[1];
  args.splice(0, 2);
}
// The flags that work on a closed network (no background connections, no sandbox as root).
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});

// Runs in the page: the boxes Chromium laid out, in drawing order, and what is wrong with them.
function problemsInPage() {
  // The straight segments of the arrows (paths with a marker, M/L/H/V commands, as the graph draws
  // its edges) and of bold lines (2 px and more: a heartbeat, a failure), in page coordinates;
  // faint grid lines may run behind a text.
  function strokes(svg) {
    const segments = [];
    const toPage = (e, x, y) => {
      const p = new DOMPoint(x, y).matrixTransform(e.getScreenCTM());
      return [p.x, p.y];
    };
    for (const e of svg.querySelectorAll('path[marker-end]')) {
      const what = `an arrow (${e.getAttribute('d').slice(0, 40)})`;
      let at = null;
      for (const [, command, numbers] of e.getAttribute('d').matchAll(/([MLHVmlhv])([^MLHVmlhvz]*)/g)) {
        const n = numbers.split(/[ ,]+/).filter(Boolean).map(Number);
        const relative = command === command.toLowerCase() && at;
        let next;
        switch (command.toUpperCase()) {
          case 'H': next = [relative ? at[0] + n[0] : n[0], at[1]]; break;
          case 'V': next = [at[0], relative ? at[1] + n[0] : n[0]]; break;
          default: next = relative ? [at[0] + n[0], at[1] + n[1]] : [n[0], n[1]];
        }
        if (command.toUpperCase() !== 'M') segments.push({ what, from: toPage(e, ...at), to: toPage(e, ...next) });
        at = next;
      }
    }
    for (const e of svg.querySelectorAll('line')) {
      if (Number(e.getAttribute('stroke-width') || 1) < 2) continue;
      const [x1, y1, x2, y2] = ['x1', 'y1', 'x2', 'y2'].map((a) => Number(e.getAttribute(a)));
      segments.push({ what: 'a bold line', from: toPage(e, x1, y1), to: toPage(e, x2, y2) });
    }
    return segments;
  }

  // Whether a segment passes through a text's box (shrunk by a pixel: grazing is fine).
  function crosses({ from: [x1, y1], to: [x2, y2] }, box) {
    const [left, right, top, bottom] = [box.left + 1, box.right - 1, box.top + 1, box.bottom - 1];
    // Liang–Barsky clipping of the segment to the box.
    let [t0, t1] = [0, 1];
    const [dx, dy] = [x2 - x1, y2 - y1];
    for (const [p, q] of [[-dx, x1 - left], [dx, right - x1], [-dy, y1 - top], [dy, bottom - y1]]) {
      if (p === 0) {
        if (q < 0) return false;
      } else {
        const r = q / p;
        if (p < 0) t0 = Math.max(t0, r);
        else t1 = Math.min(t1, r);
      }
    }
    return t0 <= t1;
  }

  const svg = document.documentElement;
  const bounds = svg.getBoundingClientRect();
  const box = (e) => {
    const r = e.getBoundingClientRect();
    return { left: r.left, top: r.top, right: r.right, bottom: r.bottom };
  };
  // Touching is fine; a pixel and more of overlap both ways is not (glyph boxes include the
  // line's ascent and descent, so stacked lines touch).
  const overlap = (a, b) => Math.min(a.right, b.right) - Math.max(a.left, b.left) > 1
    && Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 1;
  const inside = (a, b) => a.left >= b.left - 0.5 && a.right <= b.right + 0.5
    && a.top >= b.top - 0.5 && a.bottom <= b.bottom + 0.5;
  const filled = (e) => {
    const fill = getComputedStyle(e).fill;
    return fill !== 'none' && Number(getComputedStyle(e).fillOpacity) > 0;
  };
  const shapes = [...svg.querySelectorAll('text, rect, circle, ellipse, polygon')]
    .filter((e) => !(e.tagName === 'rect' && e.getAttribute('width') === '100%'));
  const texts = [];
  const problems = [];
  const describe = (e) => (e.tagName === 'text' ? `"${e.textContent}"` : `a ${e.tagName}`);
  shapes.forEach((e, order) => {
    if (e.tagName !== 'text') {
      if (!filled(e)) return;
      const b = box(e);
      for (const t of texts) {
        if (overlap(t.box, b)) problems.push(`${describe(t.e)} is covered by ${describe(e)} drawn above it`);
      }
      return;
    }
    const b = box(e);
    if (!inside(b, bounds)) problems.push(`${describe(e)} is cut off by the picture's edge`);
    for (const t of texts) {
      if (overlap(t.box, b)) problems.push(`${describe(t.e)} and ${describe(e)} overlap`);
    }
    // A text inside a group that starts with a box (a state) must stay inside that box.
    const first = e.parentElement && e.parentElement.tagName === 'g' ? e.parentElement.firstElementChild : null;
    if (first && first.tagName === 'rect' && !inside(b, box(first))) {
      problems.push(`${describe(e)} sticks out of its box`);
    }
    texts.push({ e, box: b, order });
  });
  for (const segment of strokes(svg)) {
    for (const t of texts) {
      if (crosses(segment, t.box)) problems.push(`${describe(t.e)} is crossed by ${segment.what}`);
    }
  }
  return { problems, texts: texts.length };
}

let failed = 0;
for (const file of args) {
  const text = fs.readFileSync(file, 'utf8');
  const size = /width="(\d+)" height="(\d+)"/.exec(text);
  const viewport = { width: Number(size[1]), height: Number(size[2]) };
  const page = await browser.newPage({ viewport });
  await page.goto(`file://${path.resolve(file)}`);
  const { problems, texts } = await page.evaluate(problemsInPage);
  if (pngDir) {
    await page.screenshot({ path: path.join(pngDir, path.basename(file).replace(/\.svg$/, '.png')) });
  }
  await page.close();
  console.log(`${file}: ${texts} texts, ${problems.length} problems`);
  for (const problem of problems) console.log(`  ${problem}`);
  if (problems.length > 0) failed += 1;
}
await browser.close();
process.exit(failed > 0 ? 1 : 0);
