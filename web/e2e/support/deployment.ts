// The system the browser tests drive: the paths of the build under test, `imguard up` as a child process on free
// 127.0.0.1 ports (its output kept in a log file the specs can read), and the CLI.
//
// Environment: IMGUARD_DLL (default ../src/Imguard.Cli/bin/Release/net10.0/imguard.dll), CHROMIUM
// (default /usr/bin/chromium).
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const web = path.resolve(here, '..', '..');
export const repo = path.resolve(web, '..');
export const dll = process.env.IMGUARD_DLL ?? path.join(repo, 'src/Imguard.Cli/bin/Release/net10.0/imguard.dll');
export const browserPath = process.env.CHROMIUM ?? '/usr/bin/chromium';
export const dist = path.join(web, 'dist');
export const START_TIMEOUT_MS = 180_000;
export const STOP_TIMEOUT_MS = 30_000;

/** What global setup hands the workers (through their environment): the running deployment. */
export interface Deployment {
  /** The platform, e.g. https://127.0.0.1:12345. */
  origin: string;
  adminPassword: string;
  /** This run's throw-away folder: the deployment's data directory is `deployment/` in it. */
  root: string;
  /** The deployment's CA certificate, for the CLI. */
  caPath: string;
  /** Everything `imguard up` and its roles printed so far (stderr lines prefixed `stderr: `). */
  logPath: string;
  /** How long `imguard up` took until it printed its origin, in seconds. */
  startSeconds: number;
}

const ENV_KEY = 'IMGUARD_E2E_DEPLOYMENT';

export function publishDeployment(deployment: Deployment): void {
  process.env[ENV_KEY] = JSON.stringify(deployment);
}

export function readDeployment(): Deployment {
  const text = process.env[ENV_KEY];
  if (!text) throw new Error(`${ENV_KEY} is not set: the browser tests run through \`npx playwright test\` (its global setup starts imguard up).`);
  return JSON.parse(text) as Deployment;
}

/** Throws a plain message when the build under test (imguard.dll, web/dist) or the browser is missing. */
export function requireBuild(): void {
  if (!existsSync(dll)) throw new Error(`${dll} not found; build the solution first (dotnet build Imguard.slnx -c Release).`);
  if (!existsSync(browserPath)) throw new Error(`${browserPath} not found; install the Debian package chromium (./test.sh does).`);
  if (!existsSync(path.join(dist, 'index.html'))) throw new Error('web/dist/index.html not found; run `npm run build` first.');
}

/** Runs `dotnet imguard.dll ARGS` with `input` on standard input; resolves with its exit code and output. */
export function runCli(args: string[], input = '', timeoutMs = 60_000): Promise<{ code: number | null; output: string }> {
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
function portFree(port: number): Promise<boolean> {
  return new Promise(resolve => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen({ host: '127.0.0.1', port, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** A base port P with P..P+4 free (imguard up uses five consecutive ports). */
export async function freeBasePort(): Promise<number> {
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
function portRange(): [number, number] {
  try {
    const [first = 0, last = 0] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    if (first - 10000 >= 1000) return [10000, first];
    if (65535 - last >= 2000) return [last + 1, 65535];
  } catch {
    // not Linux: the wide range below
  }
  return [20000, 50000];
}

export interface RunningImguard {
  readonly child: ChildProcess;
  readonly lines: string[];
  /** The platform's origin and the first administrator's password, once `imguard up` has printed them. */
  ready(): Promise<{ origin: string; adminPassword: string }>;
  /** SIGINT, then SIGKILL if it has not stopped within STOP_TIMEOUT_MS; every wait bounded. */
  stop(): Promise<void>;
}

/** `imguard up` as a child process, its output collected line by line and appended to `logPath`. */
export function startImguard(dataDir: string, basePort: number, logPath: string): RunningImguard {
  const child = spawn('dotnet', [dll, 'up', '--data-dir', dataDir, '--base-port', String(basePort)], {
    env: { ...process.env, DOTNET_CLI_TELEMETRY_OPTOUT: '1', DOTNET_NOLOGO: '1', Platform__WebRoot: dist },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const log = createWriteStream(logPath, { mode: 0o600 });
  const lines: string[] = [];
  let exited: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  const collect = (prefix: string) => {
    let partial = '';
    return (chunk: Buffer) => {
      partial += chunk.toString('utf8');
      const parts = partial.split('\n');
      partial = parts.pop() ?? '';
      for (const line of parts) {
        lines.push(prefix + line);
        log.write(prefix + line + '\n');
      }
    };
  };
  child.stdout?.on('data', collect(''));
  child.stderr?.on('data', collect('stderr: '));
  const exit = new Promise<void>(resolve => child.on('exit', (code, signal) => { exited = { code, signal }; log.end(); resolve(); }));

  const waitFor = async (pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray> => {
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
  };

  return {
    child,
    lines,
    async ready() {
      const [, url = ''] = await waitFor(/IMGuard is up: (https:\/\/127\.0\.0\.1:\d+)\/?/, START_TIMEOUT_MS);
      const [, adminPassword = ''] = await waitFor(/admin password: (\S+)/, 1000);
      return { origin: new URL(url).origin, adminPassword };
    },
    async stop() {
      if (exited) return;
      child.kill('SIGINT');
      const timer = new Promise<'timeout'>(r => setTimeout(() => r('timeout'), STOP_TIMEOUT_MS).unref());
      if ((await Promise.race([exit, timer])) === 'timeout') {
        console.error(`e2e: imguard up did not stop within ${STOP_TIMEOUT_MS / 1000} s of SIGINT; killing it.`);
        child.kill('SIGKILL');
        await Promise.race([exit, new Promise(r => setTimeout(r, 5000).unref())]);
      }
    },
  };
}
