// Starts the system the specs drive, once per run: `imguard up` (audit server, platform, both parties; real TLS from a
// throw-away CA) on free 127.0.0.1 ports, serving the built UI (web/dist) as the platform's Platform:WebRoot. The
// workers read the origin and the admin password it printed from their environment (see deployment.ts).
//
// The returned function is the global teardown: Playwright runs it after the last spec, after a failure and on
// Ctrl-C. A runner sent SIGTERM, or one that exits without its teardown, still kills `imguard up` (its roles stop when
// up's pipe closes). IMGUARD_E2E_KEEP=1 keeps the data directory.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freeBasePort, publishDeployment, requireBuild, startImguard } from './support/deployment';

export default async function globalSetup(): Promise<() => Promise<void>> {
  requireBuild();
  const started = Date.now();
  const root = mkdtempSync(path.join(os.tmpdir(), 'imguard-e2e-'));
  const logPath = path.join(root, 'imguard-up.log');
  const up = startImguard(path.join(root, 'deployment'), await freeBasePort(), logPath);
  // The runner handles SIGINT (teardown below); SIGTERM or an exit without teardown must not leave the system running.
  const killOnExit = () => { up.child.kill('SIGKILL'); };
  const killOnTerm = () => { up.child.kill('SIGKILL'); process.exit(143); };
  process.on('exit', killOnExit);
  process.once('SIGTERM', killOnTerm);

  const teardown = async () => {
    await up.stop();
    process.off('exit', killOnExit);
    process.off('SIGTERM', killOnTerm);
    if (process.env.IMGUARD_E2E_KEEP === '1') console.log(`e2e: kept ${root}`);
    else rmSync(root, { recursive: true, force: true });
  };

  try {
    const { origin, adminPassword } = await up.ready();
    const startSeconds = (Date.now() - started) / 1000;
    console.log(`e2e: imguard up at ${origin} after ${startSeconds.toFixed(1)} s (data in ${root})`);
    publishDeployment({ origin, adminPassword, root, caPath: path.join(root, 'deployment', 'pki', 'ca.crt'), logPath, startSeconds });
  } catch (error) {
    await teardown();
    throw error;
  }
  return teardown;
}
