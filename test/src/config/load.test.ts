// Config text uses ${NAME} for environment variables: these strings are config, not template literals.
/* eslint-disable no-template-curly-in-string */
import t from 'tap'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { loadConfig, ConfigError } from '../../../src/config/load.js'
import { SpacelinkError } from '../../../src/errors.js'

const root = join(import.meta.dirname, '../../..')
const examplePath = join(root, 'spacelink.example.yaml')
const fixtures = join(root, 'test/fixtures/config')

// The variables the reference file needs (docs/product.md §Configuration: secrets come from the environment).
const exampleEnv = {
  RS_API_KEY: 'rs-api-key',
  RS_WEBHOOK_SECRET: 'rs-webhook-secret',
  SPACELINK_BUTTON_KEY: 'button-key-0123456789',
  SPACELINK_ADMIN_KEY: 'admin-key-0123456789',
  CS_ART_USER: 'art-user',
  CS_ART_PASSWORD: 'art-password',
  CS_FILM_USER: 'film-user',
  CS_FILM_PASSWORD: 'film-password'
}

function configError (fn: () => unknown): ConfigError {
  try {
    fn()
  } catch (err) {
    if (err instanceof ConfigError) return err
    throw err
  }
  throw new Error('expected a ConfigError')
}

t.test('the reference example loads unchanged with its environment variables set', async (t) => {
  const config = loadConfig({ path: examplePath, env: exampleEnv })

  t.equal(config.server.port, 3000, 'port from ${PORT:-3000} is the number 3000')
  t.equal(config.server.host, '0.0.0.0')
  t.equal(config.server.publicUrl, 'http://localhost:3000')
  t.same(config.server.apiKeys, [
    { key: 'button-key-0123456789', scopes: ['callback'] },
    { key: 'admin-key-0123456789', scopes: ['admin'] }
  ])
  t.same(config.server.corsOrigins, ['https://dam.example-museum.org'])
  t.same(config.server.rateLimit, { max: 120, timeWindow: '1 minute' })
  t.equal(config.server.bodyLimit, 65536)
  t.equal(config.server.webhookDeadlineMs, 45000)
  t.equal(config.server.logLevel, 'info')
  t.same(config.database, { url: 'sqlite:./data/spacelink.db', retentionDays: 90 })

  t.equal(config.resourcespace.key, 'rs-api-key')
  t.equal(config.resourcespace.webhookSecret, 'rs-webhook-secret')
  t.equal(config.resourcespace.connections, 128)
  t.equal(config.resourcespace.baseUrl, 'https://dam.example-museum.org/', 'UI base derived from apiUrl')
  t.same(config.resourcespace.fields, {
    accessionNumber: 'accessionnumber', originalFilename: 'originalfilename', synced: 89, status: 91, cspaceUrl: 90, group: 95
  })

  t.same(Object.keys(config.instances), ['art', 'film'])
  const art = config.instances.art!
  t.same(art.resourceTypes, [1])
  t.equal(art.cspace.user, 'art-user')
  t.equal(art.cspace.password, 'art-password')
  t.equal(art.cspace.connections, 128)
  t.same(art.accessionNumber.fromFilename?.replace, [['-', '.'], ['([a-z])\\.([a-z])', '$1-$2']])
  t.same(art.derivative, { sizes: ['scr', 'pre', 'thm'], transfer: 'stream' })
  t.equal(art.mapping.length, 3)
  t.same(art.mapping[1], {
    rsField: 12,
    cs: 'collectionobjects_common/objectProductionDateGroupList/objectProductionDateGroup',
    join: '; ',
    blankWhenEmpty: false,
    rsFieldType: 'date'
  }, 'the date field is filled from the structured date group')
  t.same(art.media.rules, [{ whenFilename: '_6\\.jpe?g$', set: { 'media_bampfa/websiteDisplayLevel': 'No public display' } }])
  t.equal(art.schedule, '0 2 * * *')

  const film = config.instances.film!
  t.same(film.resourceTypes, [3, 4])
  t.equal(film.cspace.user, 'film-user')
  t.same(film.accessionNumber, { fromField: true })
  t.equal(film.derivative.transfer, 'blob-uri')
  t.same(film.media, { fields: {}, rules: [] }, 'media defaults to no fields and no rules')
  t.same(config.sync, { concurrency: 8, maxConcurrency: 64, pageSize: 200, retries: 3, retryBaseDelayMs: 200, maxAttempts: 5 })
  t.same(config.monitoring.webhook, { url: '', token: '' }, 'notices are off until the environment names a webhook')
  t.equal(config.monitoring.email.smtpUrl, '')
  t.equal(config.monitoring.instances.film?.staleAfterHours, 170)
  t.same(config.resourcesync, { access: 'public', maxListSize: 50000 })
})

// A variable .env.example offers but nothing reads is a setting IT fills in and that silently does nothing
// (it happened: the monitoring variables were listed while the reference file had no monitoring section).
t.test('every variable .env.example offers reaches spacelink: through the reference file, or read directly', async (t) => {
  const envExample = readFileSync(join(root, '.env.example'), 'utf8')
  const offered = [...envExample.matchAll(/^#?\s*([A-Z][A-Z0-9_]+)=/gm)].map(m => m[1] as string)
  t.ok(offered.length > 10, `.env.example lists ${offered.length} variables`)
  const example = readFileSync(examplePath, 'utf8')
  const readDirectly: Record<string, string> = {
    SPACELINK_CONFIG: 'src/config/load.ts',
    LOG_LEVEL: 'src/server.ts',
    FASTIFY_CLOSE_GRACE_DELAY: 'src/server.ts',
    POSTGRES_PASSWORD: 'compose.yaml'
  }
  for (const name of new Set(offered)) {
    const where = readDirectly[name]
    if (where === undefined) t.ok(example.includes(`\${${name}`), `${name} is used by spacelink.example.yaml`)
    else t.ok(readFileSync(join(root, where), 'utf8').includes(name), `${name} is read by ${where}`)
  }

  const config = loadConfig({
    path: examplePath,
    env: {
      ...exampleEnv,
      SPACELINK_METRICS_TOKEN: 'metrics-token-0123456789',
      SPACELINK_NOTIFY_WEBHOOK_URL: 'https://chat.example-museum.org/hooks/it',
      SPACELINK_NOTIFY_WEBHOOK_TOKEN: 'hook-token',
      SPACELINK_SMTP_URL: 'smtp://it:secret@mail.example-museum.org:587'
    }
  })
  t.equal(config.monitoring.metricsToken, 'metrics-token-0123456789')
  t.same(config.monitoring.webhook, { url: 'https://chat.example-museum.org/hooks/it', token: 'hook-token' })
  t.equal(config.monitoring.email.smtpUrl, 'smtp://it:secret@mail.example-museum.org:587')
  t.same(config.monitoring.email.to, ['collections-it@example-museum.org'])
})

const sharedExample = join(root, '../shared/examples/spacelink.example.yaml')
t.test('the original reference configuration (free-text date mapping, no rsFieldType) still loads: only --online can tell', {
  skip: existsSync(sharedExample) ? false : 'shared/ is not next to the repository'
}, async (t) => {
  const config = loadConfig({ path: sharedExample, env: exampleEnv })
  t.equal(config.instances.art?.mapping[1]?.cs, 'collectionobjects_common/objectProductionDateGroupList/objectProductionDateGroup/dateDisplayDate')
  t.not(readFileSync(examplePath, 'utf8'), readFileSync(sharedExample, 'utf8'), 'the repository example maps the structured date instead')
})

t.test('environment values fill the ${NAME:-default} slots and are typed by the schema', async (t) => {
  const config = loadConfig({
    path: examplePath,
    env: { ...exampleEnv, PORT: '8080', SPACELINK_PUBLIC_URL: 'https://links.example-museum.org', DATABASE_URL: 'postgres://s@db/s' }
  })
  t.equal(config.server.port, 8080)
  t.equal(config.server.publicUrl, 'https://links.example-museum.org')
  t.equal(config.database.url, 'postgres://s@db/s')
})

t.test('the path comes from SPACELINK_CONFIG when none is given', async (t) => {
  const config = loadConfig({ env: { ...exampleEnv, SPACELINK_CONFIG: examplePath } })
  t.equal(config.instances.art?.cspace.user, 'art-user')
})

t.test('a JSON config works like YAML', async (t) => {
  const config = loadConfig({
    path: join(fixtures, 'spacelink.json'),
    env: { SPACELINK_ADMIN_KEY: 'admin-key-0123456789', RS_API_KEY: 'k', CS_ART_USER: 'u', CS_ART_PASSWORD: 'p' }
  })
  t.equal(config.server.port, 8080, 'default of ${PORT:-8080}, as a number')
  t.same(config.server.apiKeys[0]?.scopes, ['admin', 'callback'])
  t.equal(config.database.url, 'postgres://spacelink@db:5432/spacelink')
  t.same(config.instances.art?.resourceTypes, [1, 2])
  t.equal(config.instances.art?.derivative.transfer, 'stream', 'transfer defaults to stream')
  t.same(config.instances.art?.mapping, [])
  t.same(config.instances.art?.accessionNumber, { fromField: true })
})

t.test('a value from the environment cannot inject keys', async (t) => {
  const sneaky = 'x\nserver:\n  apiKeys: [{ key: evil-evil-evil-evil, scopes: [admin] }]\n${CS_ART_USER}'
  const config = loadConfig({ path: examplePath, env: { ...exampleEnv, CS_ART_PASSWORD: sneaky, RS_API_KEY: '${RS_WEBHOOK_SECRET}' } })
  t.equal(config.instances.art?.cspace.password, sneaky, 'the whole value is one string, its ${...} untouched')
  t.equal(config.resourcespace.key, '${RS_WEBHOOK_SECRET}', 'values are not substituted twice')
  t.equal(config.server.apiKeys.length, 2)
  t.notOk(config.server.apiKeys.some((apiKey) => apiKey.key.startsWith('evil')))
})

t.test('a config that fails throws ConfigError with every problem', async (t) => {
  const err = configError(() => loadConfig({ path: examplePath, env: { ...exampleEnv, CS_FILM_PASSWORD: undefined, PORT: 'eighty' } }))
  t.ok(err instanceof SpacelinkError)
  t.equal(err.code, 'CONFIG_INVALID')
  t.equal(err.status, 500)
  t.same(err.problems, [
    { path: 'server.port', message: 'must be a whole number' },
    { path: 'instances.film.cspace.password', message: 'environment variable CS_FILM_PASSWORD is not set' }
  ])
  t.match(err.message, /server\.port: must be a whole number\ninstances\.film\.cspace\.password: environment variable CS_FILM_PASSWORD/)
})

t.test('no file, an unreadable file and a broken file are problems of the whole config', async (t) => {
  t.same(configError(() => loadConfig({ env: {} })).problems, [
    { path: '', message: 'no configuration file: pass --config PATH or set SPACELINK_CONFIG' }
  ])
  const missing = configError(() => loadConfig({ path: join(fixtures, 'nope.yaml'), env: {} }))
  t.match(missing.problems, [{ path: '', message: /^cannot read .*nope\.yaml: ENOENT$/ }])
  t.match(configError(() => loadConfig({ text: 'server:\n  port: 1\n  port: 2\n', env: {} })).problems,
    [{ path: '', message: /^Map keys must be unique at line 3/ }])
  t.same(configError(() => loadConfig({ text: '# nothing\n', env: {} })).problems, [{ path: '', message: 'the configuration is empty' }])
  t.same(configError(() => loadConfig({ text: '[1, 2]', env: {} })).problems, [{ path: '', message: 'must be a mapping of keys to values' }])
})

t.test('an already parsed value is validated the same way and is not modified', async (t) => {
  const text = readFileSync(examplePath, 'utf8')
  const { parse } = await import('yaml')
  const value = parse(text) as { server: { port: string } }
  const config = loadConfig({ value, env: exampleEnv })
  t.equal(config.server.port, 3000)
  t.equal(value.server.port, '${PORT:-3000}', 'the caller keeps its own object')
})
