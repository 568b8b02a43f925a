// The browser tests: headless Chromium (the Debian package; Playwright downloads no browser) against the real system
// on 127.0.0.1, started once by e2e/global-setup.ts. One worker: the machine running CI has 2 cores, and the specs
// share one deployment. A failed test leaves its trace (npx playwright show-trace test-results/<test>/trace.zip) and
// a screenshot under test-results/; test-results/results.json is the summary ./test.sh counts.
import { defineConfig } from '@playwright/test';
import { contextOptions, launchOptions } from './e2e/support/browser';

export default defineConfig({
  testDir: 'e2e',
  testMatch: '*.spec.ts',
  globalSetup: './e2e/global-setup.ts',
  outputDir: 'test-results',
  workers: 1,
  fullyParallel: false,
  retries: 0,
  forbidOnly: true,
  timeout: 120_000,
  // Under ./test.sh's own limit (1,500 s), so that a run that hangs is reported by Playwright, with its teardown.
  globalTimeout: 1_380_000,
  expect: { timeout: 20_000 },
  reporter: [['list'], ['json', { outputFile: 'test-results/results.json' }]],
  use: {
    ...contextOptions,
    actionTimeout: 20_000,
    navigationTimeout: 20_000,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions,
  },
});
