/**
 * A real browser for the page tests: Debian's `chromium` driven by playwright-core through
 * `executablePath` (playwright's own browser download is not used, and is not reachable from CI).
 * `findChromium()` is undefined when none is installed, and the tests then skip saying so; `.ci/run`
 * installs it. Screenshots go to `test-artifacts/screenshots/` (git-ignored); axe-core, injected into
 * the page, checks accessibility.
 */
import { accessSync, constants, mkdirSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { delimiter, join } from 'node:path'
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'
import type { Teardown } from './databases.js'

const root = join(import.meta.dirname, '..', '..')
export const screenshotDir = join(root, 'test-artifacts', 'screenshots')

/** `CHROMIUM_PATH`, else the first of chromium, chromium-browser, google-chrome on the PATH. */
export function findChromium (): string | undefined {
  const candidates = process.env.CHROMIUM_PATH !== undefined && process.env.CHROMIUM_PATH !== ''
    ? [process.env.CHROMIUM_PATH]
    : (process.env.PATH ?? '').split(delimiter).flatMap(dir => ['chromium', 'chromium-browser', 'google-chrome'].map(name => join(dir, name)))
  return candidates.find(path => {
    try {
      accessSync(path, constants.X_OK)
      return true
    } catch {
      return false
    }
  })
}

export async function launchBrowser (t: Teardown, executablePath: string): Promise<Browser> {
  const browser = await chromium.launch({
    executablePath,
    // Chromium's sandbox cannot start as root (CI runs as root); the pages come from our own loopback server.
    args: typeof process.getuid === 'function' && process.getuid() === 0 ? ['--no-sandbox'] : [],
    timeout: 120_000
  })
  t.teardown(async () => { await browser.close() })
  return browser
}

/** A fresh browser profile (its own cookies) with generous timeouts: the suite must pass on a slow, busy machine. */
export async function newPage (browser: Browser, viewport = { width: 1100, height: 900 }): Promise<{ context: BrowserContext, page: Page }> {
  // bypassCSP: only so that the test can inject axe-core; the pages themselves allow no script.
  const context = await browser.newContext({ viewport, bypassCSP: true })
  context.setDefaultTimeout(60_000)
  context.setDefaultNavigationTimeout(120_000)
  const page = await context.newPage()
  return { context, page }
}

export async function screenshot (page: Page, name: string): Promise<string> {
  mkdirSync(screenshotDir, { recursive: true })
  const path = join(screenshotDir, `${name}.png`)
  await page.screenshot({ path, fullPage: true })
  return path
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8')

export interface AxeViolation {
  id: string
  impact: string | null
  help: string
  targets: string[]
}

/** axe-core's serious and critical violations on the page as it is now (WCAG 2.x A and AA rules). */
export async function seriousViolations (page: Page): Promise<AxeViolation[]> {
  await page.addScriptTag({ content: axeSource })
  const violations = await page.evaluate(async () => {
    interface AxeResult { violations: Array<{ id: string, impact: string | null, help: string, nodes: Array<{ target: unknown[] }> }> }
    const { axe, document } = globalThis as unknown as { axe: { run: (context: unknown, options: unknown) => Promise<AxeResult> }, document: unknown }
    const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } })
    return result.violations.map(v => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map(n => String(n.target)) }))
  })
  return violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
}
