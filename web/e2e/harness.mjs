// What the browser tests share (run.mjs, newcomer.mjs): the paths of the build they test, bounded checks, `imguard up`
// as a child process on free 127.0.0.1 ports, the CLI, and headless Chromium that may reach 127.0.0.1 only, with every
// console error, failed response and foreign request collected as a problem.
//
// Environment: IMGUARD_DLL (default ../src/Imguard.Cli/bin/Release/net10.0/imguard.dll), CHROMIUM
// (default /usr/bin/chromium).
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
export const web = path.resolve(here, '..');
export const repo = path.resolve(web, '..');
export const dll = process.env.IMGUARD_DLL ?? path.join(repo, 'src/Imguard.Cli/bin/Release/net10.0/imguard.dll');
export const browserPath = process.env.CHROMIUM ?? '/usr/bin/chromium';
export const dist = path.join(web, 'dist');
export const results = path.join(web, 'test-results');
export const START_TIMEOUT_MS = 180_000;
export const STEP_TIMEOUT_MS = 20_000;
export const STOP_TIMEOUT_MS = 30_000;
export const JOB_TIMEOUT_MS = 180_000;

let checks = 0;

/** How many checks have passed so far. */
export function checkCount() {
  return checks;
}

export function check(condition, message) {
  if (!condition) throw new Error(`check failed: ${message}`);
  checks++;
}

/** Polls `condition` (async) every 200 ms until it holds or the step timeout passes. */
export async function until(condition, message, timeoutMs = STEP_TIMEOUT_MS) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await condition()) {
      checks++;
      return;
    }
    await new Promise(r => setTimeout(r, 200));
  }
  throw new Error(`timed out: ${message}`);
}

export function fail(message) {
  console.error(`e2e: ${message}`);
  process.exit(1);
}

/** Exits with a plain message when the build under test (imguard.dll, web/dist) or the browser is missing. */
export function requireBuild() {
  if (!existsSync(dll)) fail(`${dll} not found; build the solution first (dotnet build Imguard.slnx -c Release).`);
  if (!existsSync(browserPath)) fail(`${browserPath} not found; install the Debian package chromium (./test.sh does).`);
  if (!existsSync(path.join(dist, 'index.html'))) fail('web/dist/index.html not found; run `npm run build` first.');
}

/** Runs `dotnet imguard.dll ARGS` with `input` on standard input; resolves with its exit code and output. */
export function runCli(args, input = '', timeoutMs = 60_000) {
  return new Promise((resolve, reject) => {
    const child = spawn('dotnet', [dll, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', d => { output += d; });
    child.stderr.on('data', d => { output += d; });
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`imguard ${args[0]} ran past ${timeoutMs / 1000} s:\n${output}`)); }, timeoutMs);
    child.on('error', error => { clearTimeout(timer); reject(error); });
    child.on('exit', code => { clearTimeout(timer); resolve({ code, output }); });
    child.stdin.end(input);
  });
}

/** Whether a TCP port on 127.0.0.1 can be bound now. */
function portFree(port) {
  return new Promise(resolve => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen({ host: '127.0.0.1', port, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** A base port P with P..P+4 free (imguard up uses five consecutive ports). */
export async function freeBasePort() {
  // Outside the kernel's ephemeral range: a port inside it can be handed to some client's outgoing connection between
  // this check and the server's bind ("address already in use" on a busy machine).
  const [low, high] = portRange();
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = low + Math.floor(Math.random() * (high - low - 5));
    let ok = true;
    for (let i = 0; i < 5 && ok; i++) ok = await portFree(base + i);
    if (ok) return base;
  }
  throw new Error('no five free consecutive ports found on 127.0.0.1');
}

/** Where to look for listening ports: below the ephemeral range when there is room, else above it, else 20000–50000. */
function portRange() {
  try {
    const [first, last] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    if (first - 10000 >= 1000) return [10000, first];
    if (65535 - last >= 2000) return [last + 1, 65535];
  } catch {
    // not Linux: the wide range below
  }
  return [20000, 50000];
}

/** `imguard up` as a child process, its output collected line by line. */
export function startImguard(dataDir, basePort) {
  const child = spawn('dotnet', [dll, 'up', '--data-dir', dataDir, '--base-port', String(basePort)], {
    env: { ...process.env, DOTNET_CLI_TELEMETRY_OPTOUT: '1', DOTNET_NOLOGO: '1', Platform__WebRoot: dist },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const lines = [];
  let exited = null;
  const collect = prefix => {
    let partial = '';
    return chunk => {
      partial += chunk.toString('utf8');
      const parts = partial.split('\n');
      partial = parts.pop() ?? '';
      for (const line of parts) lines.push(prefix + line);
    };
  };
  child.stdout.on('data', collect(''));
  child.stderr.on('data', collect('stderr: '));
  const exit = new Promise(resolve => child.on('exit', (code, signal) => { exited = { code, signal }; resolve(exited); }));
  return {
    child, lines, exit,
    get exited() { return exited; },
    async waitFor(pattern, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        for (const line of lines) {
          const match = line.match(pattern);
          if (match) return match;
        }
        if (exited) throw new Error(`imguard up exited (${JSON.stringify(exited)}) before printing ${pattern}:\n${lines.join('\n')}`);
        await new Promise(r => setTimeout(r, 200));
      }
      throw new Error(`imguard up did not print ${pattern} within ${timeoutMs / 1000} s:\n${lines.join('\n')}`);
    },
    /** The platform's origin and the first administrator's password, once `imguard up` has printed them. */
    async ready() {
      const [, url] = await this.waitFor(/IMGuard is up: (https:\/\/127\.0\.0\.1:\d+)\/?/, START_TIMEOUT_MS);
      const [, adminPassword] = await this.waitFor(/admin password: (\S+)/, 1000);
      return { origin: new URL(url).origin, adminPassword };
    },
    async stop() {
      if (exited) return;
      child.kill('SIGINT');
      const timer = new Promise(r => setTimeout(() => r('timeout'), STOP_TIMEOUT_MS));
      if ((await Promise.race([exit, timer])) === 'timeout') {
        console.error(`e2e: imguard up did not stop within ${STOP_TIMEOUT_MS / 1000} s of SIGINT; killing it.`);
        child.kill('SIGKILL');
        await Promise.race([exit, new Promise(r => setTimeout(r, 5000))]);
      }
    },
  };
}

/** Headless Chromium (the Debian package, driven by playwright-core) that resolves 127.0.0.1 only. */
export function launchBrowser() {
  return chromium.launch({
    executablePath: browserPath,
    headless: true,
    args: [
      // The deployment's own CA signs the platform's certificate; users import <data-dir>/pki/ca.crt instead.
      '--ignore-certificate-errors',
      // Nothing but 127.0.0.1: every other host name fails to resolve.
      '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
      '--no-sandbox',
      '--disable-dev-shm-usage',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  });
}

/**
 * A page in a fresh context (downloads accepted, 1280×860, bounded waits) that collects `problems` (console errors
 * such as CSP violations, failed responses, page errors, requests to another host) and `sent` (every HTTPS request
 * by destination and body size).
 */
export async function openPage(browser) {
  const context = await browser.newContext({ ignoreHTTPSErrors: true, acceptDownloads: true, viewport: { width: 1280, height: 860 } });
  context.setDefaultTimeout(STEP_TIMEOUT_MS);
  const page = await context.newPage();
  const problems = [];
  const sent = [];
  // Failed responses are checked by URL; other console errors (e.g. a CSP violation) are problems.
  page.on('console', message => {
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) problems.push(`console: ${message.text()}`);
  });
  page.on('response', response => {
    if (response.status() >= 400) problems.push(`${response.status()} ${response.request().method()} ${new URL(response.url()).pathname}`);
  });
  page.on('pageerror', error => problems.push(`page error: ${error.message}`));
  // Every request body the page sends, by destination: no pixel (and no share) may reach the platform.
  page.on('request', request => {
    const target = new URL(request.url());
    if (!['127.0.0.1', ''].includes(target.hostname) && target.protocol !== 'data:') problems.push(`request to ${request.url()}`);
    if (target.protocol === 'https:') sent.push({ origin: target.origin, method: request.method(), path: target.pathname, bytes: request.postDataBuffer()?.length ?? 0 });
  });
  return { context, page, problems, sent };
}
