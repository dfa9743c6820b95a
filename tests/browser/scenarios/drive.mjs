// A scenario a Go test drives step by step (driver.go: Env.Drive): it asks
// params.control for the next step, runs it on the page with playwright,
// and posts the outcome back, until the step "end". Playwright's locators
// reach into open shadow roots, so the click-to-call widget is reachable.

import path from 'node:path';

// Bounds each step, so a page that never gets where the test expects fails
// that step with a clear error instead of running into the run's timeout.
const STEP_TIMEOUT_MS = 15000;

async function run(ctx, s) {
  const { page } = ctx;
  const loc = () => page.locator(s.sel).first();
  switch (s.op) {
    case 'goto':
      await page.goto(new URL(s.path, ctx.url).href);
      return page.url();
    case 'viewport':
      await page.setViewportSize({ width: s.width, height: s.height });
      return null;
    case 'fill':
      await loc().fill(s.text);
      return null;
    case 'click':
      await loc().click();
      return null;
    case 'focus':
      await loc().focus();
      return null;
    case 'press': // a key on whatever has the focus
      await page.keyboard.press(s.key);
      return null;
    case 'type':
      await page.keyboard.type(s.text);
      return null;
    case 'wait': // until sel is in the state (visible, hidden, attached), with text in it if given
      if (s.text) await page.locator(s.sel, { hasText: s.text }).first().waitFor({ state: 'visible' });
      else await loc().waitFor({ state: s.state || 'visible' });
      return null;
    case 'text':
      return await loc().textContent();
    case 'attr':
      return await loc().getAttribute(s.name);
    case 'eval': // an expression; a promise is awaited
      return await page.evaluate(s.js);
    case 'until': { // an expression polled until truthy; its value
      // Polled from here with evaluate, not with waitForFunction: that one
      // evals a string predicate inside the page, which the pages' CSP
      // (script-src 'self') rightly refuses.
      const deadline = Date.now() + STEP_TIMEOUT_MS;
      for (;;) {
        const v = await page.evaluate(s.js);
        if (v) return v;
        if (Date.now() > deadline) throw new Error(`${s.js} stayed falsy (${JSON.stringify(v)})`);
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    case 'files': // choose files (paths here) in a file input
      await loc().setInputFiles(s.paths);
      return null;
    case 'download': { // click sel, save the download it starts into s.dir
      const [download] = await Promise.all([page.waitForEvent('download'), loc().click()]);
      const name = download.suggestedFilename();
      const file = path.join(s.dir, path.basename(name) || 'download');
      await download.saveAs(file);
      return { path: file, name };
    }
    case 'shot': {
      const file = path.join(ctx.artifacts, s.name + '.png');
      await page.screenshot({ path: file, fullPage: true });
      ctx.report('screenshot', { name: s.name, path: file });
      return file;
    }
    default:
      throw new Error(`unknown step ${s.op}`);
  }
}

export default async function drive(ctx) {
  const control = ctx.params.control;
  ctx.context.setDefaultTimeout(STEP_TIMEOUT_MS);
  for (;;) {
    const res = await fetch(control + '/next');
    if (res.status === 204) continue;
    if (!res.ok) throw new Error(`control: ${res.status}`);
    const step = await res.json();
    if (step.op === 'end') return;
    let value = null;
    let error = '';
    try {
      value = await run(ctx, step);
    } catch (err) {
      error = String(err && err.message || err);
    }
    await fetch(control + '/result', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ id: step.id, value: value ?? null, error }),
    });
  }
}
