#!/usr/bin/env node
// Runs one browser scenario in headless Debian Chromium through
// playwright-core and reports everything as JSON lines on stdout, one
// event per line, for the Go tests to parse (tests/browser/event.go).
//
//   node run.mjs <scenario.mjs> --url URL --artifacts DIR
//                [--timeout-ms 30000] [--params JSON] [--chromium PATH]
//                [--exit-on-stdin-close]
//
// A scenario module's default export is `async function (ctx)`; see
// scenarios/page.mjs and the README. Exit status: 0 when the scenario
// succeeded, 1 when it failed, 2 for a usage error.

import { mkdtemp, mkdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

// The flags this machine needs (.library machines doc): no sandbox as root,
// fake media, and no background traffic to a network that refuses it.
// --ignore-certificate-errors lets pages reach our self-signed WSS/HTTPS;
// --allow-loopback-in-peer-connection gives WebRTC 127.0.0.1 candidates so
// media can stay on loopback.
const chromiumFlags = [
  '--headless',
  '--no-sandbox',
  '--use-fake-device-for-media-stream',
  '--use-fake-ui-for-media-stream',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--ignore-certificate-errors',
  '--allow-loopback-in-peer-connection',
];

// emit writes one event as a JSON line. Values that cannot be serialised
// (cycles, BigInt) become an error event rather than a crash.
function emit(event) {
  let line;
  try {
    line = JSON.stringify(event);
  } catch (err) {
    line = JSON.stringify({ type: 'error', text: `unserialisable ${event.type} event: ${err.message}` });
  }
  process.stdout.write(line + '\n');
}

function usage(msg) {
  emit({ type: 'error', text: `usage: ${msg}` });
  process.stderr.write('usage: node run.mjs <scenario.mjs> --url URL --artifacts DIR ' +
    '[--timeout-ms N] [--params JSON] [--chromium PATH] [--exit-on-stdin-close]\n');
  process.exit(2);
}

function parseArgs(argv) {
  const opts = { timeoutMs: 30000, params: {}, chromium: '/usr/bin/chromium', exitOnStdinClose: false };
  const rest = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) usage(`${a} needs a value`);
      return argv[++i];
    };
    switch (a) {
      case '--url': opts.url = value(); break;
      case '--artifacts': opts.artifacts = value(); break;
      case '--chromium': opts.chromium = value(); break;
      case '--exit-on-stdin-close': opts.exitOnStdinClose = true; break;
      case '--timeout-ms': {
        const n = Number(value());
        if (!Number.isInteger(n) || n <= 0) usage('--timeout-ms must be a positive integer');
        opts.timeoutMs = n;
        break;
      }
      case '--params':
        try {
          opts.params = JSON.parse(value());
        } catch (err) {
          usage(`--params is not JSON: ${err.message}`);
        }
        break;
      default:
        if (a.startsWith('--')) usage(`unknown flag ${a}`);
        rest.push(a);
    }
  }
  if (rest.length !== 1) usage('exactly one scenario module is needed');
  if (!opts.url) usage('--url is required');
  if (!opts.artifacts) usage('--artifacts is required');
  try {
    new URL(opts.url);
  } catch {
    usage(`--url ${JSON.stringify(opts.url)} is not a URL`);
  }
  opts.scenario = path.resolve(rest[0]);
  return opts;
}

// watchPage forwards a page's console, errors and failed requests, and
// exposes window.hookswitchReport/Done/Fail so the page itself can report.
async function watchPage(page, bridge) {
  page.on('console', (msg) => {
    const loc = msg.location();
    emit({ type: 'console', level: msg.type(), text: msg.text(), url: loc.url || undefined, line: loc.lineNumber || undefined });
  });
  page.on('pageerror', (err) => {
    emit({ type: 'pageerror', text: err.message, stack: err.stack });
    bridge.fail(new Error(`page error: ${err.message}`));
  });
  page.on('crash', () => {
    emit({ type: 'error', text: 'page crashed' });
    bridge.fail(new Error('page crashed'));
  });
  page.on('requestfailed', (req) => {
    emit({ type: 'requestfailed', url: req.url(), text: req.failure()?.errorText ?? 'unknown' });
  });
  await page.exposeFunction('hookswitchReport', (name, value) => bridge.report(String(name), value));
  await page.exposeFunction('hookswitchDone', () => bridge.done());
  await page.exposeFunction('hookswitchFail', (msg) => bridge.fail(new Error(`page failed: ${String(msg)}`)));
}

// pageBridge is how a page ends a scenario: done() resolves finished,
// fail() (or any page error) rejects it. Only the first call counts.
function pageBridge() {
  let resolve, reject;
  const finished = new Promise((res, rej) => { resolve = res; reject = rej; });
  finished.catch(() => {}); // a scenario may never await it
  let settled = false;
  return {
    finished,
    report: (name, value) => emit({ type: 'result', name, value }),
    done: () => { if (!settled) { settled = true; resolve(); } },
    fail: (err) => { if (!settled) { settled = true; reject(err); } },
  };
}

function withTimeout(promise, ms) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`scenario timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const scenarioName = path.basename(opts.scenario, path.extname(opts.scenario));

  let scenario;
  try {
    scenario = (await import(pathToFileURL(opts.scenario).href)).default;
  } catch (err) {
    emit({ type: 'error', text: `load scenario ${opts.scenario}: ${err.message}`, stack: err.stack });
    emit({ type: 'done', ok: false });
    return 1;
  }
  if (typeof scenario !== 'function') {
    emit({ type: 'error', text: `scenario ${opts.scenario} has no default export function` });
    emit({ type: 'done', ok: false });
    return 1;
  }

  // Imported here, not at the top: usage errors stay fast, and a missing
  // install is reported as an event like any other failure.
  let chromium;
  try {
    ({ chromium } = await import('playwright-core'));
  } catch (err) {
    emit({ type: 'error', text: `load playwright-core (run tests/run to install it): ${err.message}` });
    emit({ type: 'done', ok: false });
    return 1;
  }

  await mkdir(opts.artifacts, { recursive: true });
  const userDataDir = await mkdtemp(path.join(tmpdir(), 'hookswitch-chromium-'));
  let context;
  let ok = false;
  const bridge = pageBridge();
  const closing = [];

  // Closing stdin (the Go test ended, even by a crash) stops the browser.
  if (opts.exitOnStdinClose) {
    process.stdin.on('close', () => bridge.fail(new Error('stdin closed: the test is gone')));
    process.stdin.on('end', () => bridge.fail(new Error('stdin closed: the test is gone')));
    process.stdin.resume();
  }
  for (const sig of ['SIGTERM', 'SIGINT']) {
    process.on(sig, () => bridge.fail(new Error(`stopped by ${sig}`)));
  }

  try {
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: opts.chromium,
      headless: true,
      args: chromiumFlags,
      ignoreHTTPSErrors: true,
      permissions: ['microphone', 'camera'],
      // Our own handlers close the browser; playwright's would exit first.
      handleSIGINT: false,
      handleSIGTERM: false,
      timeout: opts.timeoutMs,
    });
    emit({ type: 'ready', version: context.browser()?.version() ?? '' });
    context.setDefaultTimeout(opts.timeoutMs);
    context.on('page', (p) => closing.push(watchPage(p, bridge)));

    const page = context.pages()[0] ?? await context.newPage();
    await watchPage(page, bridge);

    const ctx = {
      page,
      context,
      url: opts.url,
      params: opts.params,
      artifacts: opts.artifacts,
      timeoutMs: opts.timeoutMs,
      report: bridge.report,
      log: (text) => emit({ type: 'log', text: String(text) }),
      // Resolves when the page calls hookswitchDone(); rejects on
      // hookswitchFail(msg), an uncaught page error or a crash.
      pageDone: bridge.finished,
    };
    // A failure signalled while the scenario waits on something else
    // (a selector, a navigation) ends it at once, not at the timeout.
    await withTimeout(Promise.race([scenario(ctx), bridge.finished.then(() => new Promise(() => {}))]), opts.timeoutMs);
    ok = true;
  } catch (err) {
    emit({ type: 'error', text: err.message, stack: err.stack });
    if (context) {
      const shot = path.join(opts.artifacts, `${scenarioName}-failure.png`);
      for (const [i, p] of context.pages().entries()) {
        const file = i === 0 ? shot : shot.replace(/\.png$/, `-${i}.png`);
        try {
          await p.screenshot({ path: file, fullPage: true, timeout: 5000 });
          emit({ type: 'screenshot', path: file });
        } catch (shotErr) {
          emit({ type: 'log', text: `no screenshot: ${shotErr.message}` });
        }
      }
    }
  } finally {
    await Promise.allSettled(closing);
    if (context) {
      await withTimeout(context.close(), 10000).catch((err) => emit({ type: 'log', text: `close browser: ${err.message}` }));
    }
    await rm(userDataDir, { recursive: true, force: true }).catch(() => {});
  }
  emit({ type: 'done', ok });
  return ok ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    emit({ type: 'error', text: `runner: ${err.message}`, stack: err.stack });
    emit({ type: 'done', ok: false });
    process.exit(1);
  },
);
