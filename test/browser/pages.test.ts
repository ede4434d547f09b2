/**
 * The pages for people in a real browser (headless Chromium), against the demo museum on the RS and CS
 * simulators: a registrar opens a button link, reads the confirmation, presses, reads the result; an
 * operator signs in to the status page, filters, opens a transaction, presses retry and revert. After
 * each press the test reads what RS and CS hold. Every page is checked with axe-core (no serious or
 * critical violation), shows injected markup as text, runs no script, and is saved as a screenshot.
 */
import type { AddressInfo } from 'node:net'
import t, { type Test } from 'tap'
import type { Page } from 'playwright-core'
import { startHarness, type Harness } from '../helpers/harness.js'
import { findChromium, launchBrowser, newPage, screenshot, seriousViolations } from '../helpers/browser.js'
import { runSync } from '../../src/sync/engine.js'

const chromiumPath = findChromium()
const skip = chromiumPath === undefined ? 'no Chromium found (install Debian\'s chromium package or set CHROMIUM_PATH): the browser tests need one' : false

/** Markup a registrar could type into RS, or a CS record could hold: it must show as text and never run. */
const injection = '<script>window.__xss = 1</script>"\'><img src=x onerror="window.__xss = 2">'

async function listen (h: Harness): Promise<string> {
  await h.app.listen({ host: '127.0.0.1', port: 0 })
  const url = `http://127.0.0.1:${(h.app.server.address() as AddressInfo).port}`
  // Links, form actions and redirects are built from the public URL (as the demo does once it listens).
  h.config.server.publicUrl = url
  return url
}

async function accessible (t: Test, page: Page, what: string): Promise<void> {
  const violations = await seriousViolations(page)
  t.same(violations, [], `${what}: no serious or critical accessibility violation`)
}

async function noScriptRan (t: Test, page: Page, what: string): Promise<void> {
  t.equal(await page.evaluate(() => (globalThis as unknown as { __xss?: number }).__xss), undefined, `${what}: the injected markup did not run`)
}

t.test('a registrar: confirmation page, press, result page', { skip }, async t => {
  const h = await startHarness(t)
  const url = await listen(h)
  const browser = await launchBrowser(t, chromiumPath as string)
  const { page } = await newPage(browser)
  h.editRsField(2, 'title', 'Working title')
  h.editRsField(5, 'title', injection)
  const writesBefore = h.rs.state().writes.length

  // Markup in an RS title is shown as text and never runs.
  await page.goto(`${url}/api/v1/callback?rsid=5&query_type=validate-cspace-id&key=${h.keys.button}`)
  t.match(await page.locator('section[aria-labelledby="resource-heading"]').innerText(), injection, 'an RS title with markup, shown as text')
  await noScriptRan(t, page, 'confirmation page')

  await page.goto(`${url}/api/v1/callback?rsid=2&query_type=retrieve-metadata&key=${h.keys.button}`)
  t.equal(await page.locator('h1').textContent(), 'Copy metadata from CollectionSpace')
  const facts = await page.locator('section[aria-labelledby="resource-heading"]').innerText()
  t.match(facts, /Title\s+Working title/, 'the RS title')
  t.match(facts, /Accession number\s+2020\.1\.1/)
  t.match(facts, /Type\s+Photo \(type 1\)/, 'the resource type by its RS name')
  t.ok(await page.locator('img[alt^="Thumbnail of"]').evaluate(img => (img as unknown as { naturalWidth: number }).naturalWidth > 0), 'the RS thumbnail loads')
  const match = await page.locator('section[aria-labelledby="match-heading"]').innerText()
  t.match(match, /Object number\s+2020\.1\.1/)
  t.match(match, /Portrait of a Collaboration/)
  t.ok(await page.getByRole('link', { name: 'Open it in CollectionSpace' }).getAttribute('href'), 'a link to the CS record')
  const planned = await page.locator('table').innerText()
  t.match(planned, /Creator\s+\(empty\)\s+Georgia O'Keeffe; Alfred Stieglitz/, 'what the press will write, by the field\'s RS title')
  t.ok(await page.getByRole('link', { name: 'Cancel and go back to ResourceSpace' }).isVisible(), 'a way back')
  await accessible(t, page, 'confirmation page')
  await screenshot(page, 'confirm')
  t.equal(h.rs.state().writes.length, writesBefore, 'opening the page wrote nothing into RS')
  t.same(Object.keys(h.cs.state().calls).filter(c => !c.startsWith('GET')), [], 'and asked CS only to read')

  await page.getByRole('button', { name: 'Copy metadata from CollectionSpace' }).click()
  await page.waitForURL(`${url}/api/v1/callback`)
  t.match(await page.locator('.outcome').innerText(), /Metadata copied from CollectionSpace\s+updated/)
  const written = await page.locator('table').innerText()
  t.match(written, /Creator\s+\(empty\)\s+Georgia O'Keeffe; Alfred Stieglitz/, 'before → after by RS title')
  t.match(written, /spacelink status/, 'spacelink\'s own fields by their titles too')
  t.notMatch(written, /^\s*9[0-2]\s/m, 'no bare field refs')
  t.match(await page.locator('.reference').innerText(), /Reference for IT: [0-9a-f-]{36}/)
  await accessible(t, page, 'result page')
  await screenshot(page, 'result')
  t.equal(h.rsField(2, 92), "Georgia O'Keeffe; Alfred Stieglitz", 'RS holds the CS creators')
  t.equal(h.rsField(2, 8), 'Portrait of a Collaboration', 'and the CS title')
})

t.test('an ambiguous number: the candidates carry titles and links, and the page says what to do', { skip }, async t => {
  const h = await startHarness(t)
  h.cs.addObject({ tenant: 'art', csid: 'a0000003-0001-4000-8001', objectNumber: '2001.5.1', title: `Study C ${injection}`, makers: [], updatedAt: '2026-01-15T10:00:00.000Z' })
  h.cs.addObject({ tenant: 'art', csid: 'e0000009-0001-4000-8001', objectNumber: '2024.9.9', title: 'Bowl, first state', makers: [], updatedAt: '2026-01-15T10:00:00.000Z' })
  h.cs.addObject({ tenant: 'art', csid: 'e0000010-0001-4000-8001', objectNumber: '2024.9.9', title: 'Bowl, second state', makers: [], updatedAt: '2026-01-15T10:00:00.000Z' })
  h.editRsField(5, 'accessionnumber', '2024.9.9')
  const url = await listen(h)
  const browser = await launchBrowser(t, chromiumPath as string)
  const { page } = await newPage(browser)
  await page.goto(`${url}/api/v1/callback?rsid=4&query_type=validate-cspace-id&hash=${h.hash(4)}`)
  t.match(await page.locator('.outcome').innerText(), /Several CollectionSpace records share this accession number/, 'the confirmation warns before the press')
  await page.getByRole('button', { name: 'Check the CollectionSpace record' }).click()
  await page.waitForURL(`${url}/api/v1/callback`)
  const outcome = await page.locator('.outcome').innerText()
  t.match(outcome, /These 3 CollectionSpace records share 2001\.5\.1/)
  for (const title of ['Study A', 'Study B', `Study C ${injection}`]) t.match(outcome, title, `${title.slice(0, 7)}: by its title`)
  t.match(outcome, /csid a0000001-0001-4000-8001/)
  t.match(outcome, /What to do next: Fix the number in CollectionSpace or in ResourceSpace/)
  const links = await page.locator('ul.candidates a').evaluateAll(as => as.map(a => (a as unknown as { href: string }).href))
  t.equal(links.length, 3)
  t.ok(links.every(l => /\/cspace\/art\/record\/collectionobject\//.test(l)), 'each candidate links to its CS record')
  await noScriptRan(t, page, 'ambiguous result')
  await accessible(t, page, 'ambiguous result page')
  t.match(h.rsField(4, 91), /spacelink: ambiguous: /, 'RS says it too')

  // The screenshot for the README: two records sharing one number.
  await page.goto(`${url}/api/v1/callback?rsid=5&query_type=validate-cspace-id&hash=${h.hash(5)}`)
  await page.getByRole('button', { name: 'Check the CollectionSpace record' }).click()
  await page.waitForURL(`${url}/api/v1/callback`)
  t.match(await page.locator('.outcome').innerText(), /These 2 CollectionSpace records share 2024\.9\.9/)
  await screenshot(page, 'result-ambiguous')
})

t.test('an operator: sign in, needs attention, filter, a transaction, retry and revert', { skip }, async t => {
  const h = await startHarness(t)
  const url = await listen(h)
  // A registrar's press, then the night.
  h.editRsField(2, 'title', 'Working title')
  const pressed = await h.app.inject({ method: 'POST', url: '/api/v1/callback?rsid=2&query_type=retrieve-metadata', headers: { 'x-api-key': h.keys.button } })
  t.equal(pressed.json().outcome, 'updated')
  await runSync(h.app.spacelink, 'art')

  const browser = await launchBrowser(t, chromiumPath as string)
  const { page } = await newPage(browser)
  await page.goto(`${url}/`)
  t.match(page.url(), /\/login\?next=%2F$/, 'not signed in: the sign-in page')
  await accessible(t, page, 'sign-in page')
  await screenshot(page, 'login')
  await page.getByLabel('Admin key').fill(h.keys.button)
  await page.getByRole('button', { name: 'Sign in' }).click()
  t.match(await page.getByRole('alert').innerText(), /needs the admin scope/, 'the button key does not open the status page')
  await page.getByLabel('Admin key').fill(h.keys.admin)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await page.waitForURL(`${url}/`)
  t.equal(await page.locator('h1').textContent(), 'spacelink status')

  const attention = await page.locator('section[aria-labelledby="attention"]').innerText()
  for (const outcome of ['ambiguous', 'not-found', 'no-accession-number', 'no-derivative']) t.match(attention, outcome, `${outcome} is listed`)
  t.match(attention, /Resource 6 \(art\)\s+1999\.99\.99/, 'with the accession number')
  t.match(await page.locator('section[aria-labelledby="runs"] figcaption').innerText(), /Items worked on per night/)
  t.ok(await page.locator('section[aria-labelledby="runs"] svg rect').count() > 0, 'a chart of items per night')
  await accessible(t, page, 'status page')
  await screenshot(page, 'status')
  await page.setViewportSize({ width: 390, height: 844 })
  const widths = await page.evaluate(() => {
    const view = globalThis as unknown as { innerWidth: number, document: { documentElement: { scrollWidth: number } } }
    return { page: view.document.documentElement.scrollWidth, screen: view.innerWidth }
  })
  t.ok(widths.page <= widths.screen + 1, 'on a phone, nothing is wider than the screen')
  await screenshot(page, 'status-phone')
  await page.setViewportSize({ width: 1100, height: 900 })

  // A number with markup in RS: the status page shows it as text.
  h.editRsField(10, 'accessionnumber', injection)
  await h.app.inject({ method: 'POST', url: '/api/v1/callback?rsid=10&query_type=validate-cspace-id', headers: { 'x-api-key': h.keys.button } })
  await page.reload()
  t.match(await page.locator('section[aria-labelledby="attention"]').innerText(), injection, 'an accession number with markup, shown as text')
  await noScriptRan(t, page, 'status page')

  // Filter: only not-found outcomes.
  await page.getByLabel('Outcome').selectOption('not-found')
  await page.getByRole('button', { name: 'Show actions' }).click()
  await page.waitForURL(/outcome=not-found/)
  const rows = await page.locator('section[aria-labelledby="recent"] tbody tr').allInnerTexts()
  t.ok(rows.length > 0 && rows.every(r => r.includes('not-found')), 'only not-found actions are listed')

  // The registrar's press of resource 2, in detail, and its revert.
  await page.getByLabel('Outcome').selectOption('updated')
  await page.getByLabel('Resource').fill('2')
  await page.getByRole('button', { name: 'Show actions' }).click()
  await page.waitForURL(/rsid=2/)
  const found = page.locator('section[aria-labelledby="recent"] tbody tr')
  t.equal(await found.count(), 1, 'the one press that updated resource 2')
  await found.getByRole('link', { name: /Details/ }).click()
  await page.waitForURL(/\/status\/transactions\//)
  const diff = await page.locator('table').first().innerText()
  t.match(diff, /Creator\s+\(empty\)\s+Georgia O'Keeffe; Alfred Stieglitz\s+written/, 'the RS field diff')
  await accessible(t, page, 'transaction page')
  await screenshot(page, 'transaction')
  await page.getByRole('button', { name: /Revert/ }).click()
  await page.waitForURL(`${url}/api/v1/callback`)
  t.match(await page.locator('.outcome').innerText(), /Earlier values restored\s+reverted/)
  t.equal(h.rsField(2, 92), '', 'RS: the creator field is empty again')
  t.equal(h.rsField(2, 8), 'Working title', 'RS: the title is back to what the registrar had')

  // Retry resource 6 after a registrar fixed its number in RS.
  h.editRsField(6, 'accessionnumber', '2018.3.6')
  await page.goto(`${url}/`)
  await page.getByRole('button', { name: 'Retry resource 6' }).click()
  await page.waitForURL(`${url}/api/v1/callback`)
  t.match(await page.locator('.outcome').innerText(), /Image sent to CollectionSpace\s+pushed/)
  t.ok(h.cs.state().media.some(m => m.identificationNumber === 'RS-6-scr'), 'CS: resource 6\'s image is a media record now')
  t.equal(h.rsField(6, 89), 'true', 'RS: resource 6 is synced')
  await page.getByRole('link', { name: 'Back to the status page' }).click()
  t.notMatch(await page.locator('section[aria-labelledby="attention"]').innerText(), /Resource 6\b/, 'resource 6 no longer needs attention')

  await page.getByRole('button', { name: 'Sign out' }).click()
  await page.waitForURL(/\/login$/)
  await page.goto(`${url}/`)
  t.match(page.url(), /\/login\?next=/, 'signed out: the status page asks again')
})
