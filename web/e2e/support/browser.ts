// How the tests run Chromium: the Debian package (Playwright downloads no browser), headless, reaching 127.0.0.1 only.
import { browserPath } from './deployment';

/** Every context's options: the config's `use` and the worker's own contexts alike. */
export const contextOptions = { ignoreHTTPSErrors: true, acceptDownloads: true, viewport: { width: 1280, height: 860 } };

export const launchOptions = {
  executablePath: browserPath,
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
};
