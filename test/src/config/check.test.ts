// Config text uses ${NAME} for environment variables: these strings are config, not template literals.
/* eslint-disable no-template-curly-in-string */
import t from 'tap'
import { join } from 'node:path'
import { checkConfig, formatProblems, type ConfigProblem } from '../../../src/config/check.js'

const fixtures = join(import.meta.dirname, '../../fixtures/config')

/** A small valid config; each test breaks one part of a fresh copy. */
function validConfig () {
  return {
    server: { apiKeys: [{ key: 'admin-key-0123456789', scopes: ['admin'] }] },
    resourcespace: {
      apiUrl: 'https://dam.example-museum.org/api/',
      user: 'spacelink',
      key: 'rs-key',
      fields: { accessionNumber: 8, originalFilename: 51, synced: 89, status: 91, cspaceUrl: 90 }
    },
    instances: {
      art: {
        resourceTypes: [1],
        cspace: {
          servicesUrl: 'https://cs.example-museum.org/cspace-services/',
          recordUrl: 'https://cs.example-museum.org/cspace/art/record/collectionobject/{csid}',
          user: 'art',
          password: 'secret'
        },
        derivative: { sizes: ['scr'] }
      } as Record<string, unknown>
    } as Record<string, unknown>
  }
}

function check (value: unknown, env: NodeJS.ProcessEnv = {}): ConfigProblem[] {
  return checkConfig({ value, env })
}

t.test('a valid config has no problems', async (t) => {
  t.same(check(validConfig()), [])
})

t.test('every kind of problem is reported at once, each at its key path', async (t) => {
  const problems = checkConfig({ path: join(fixtures, 'many-problems.yaml'), env: {} })
  t.same(problems, [
    { path: 'server.prot', message: "unknown key 'prot' (did you mean 'port'?)" },
    { path: 'server.port', message: 'must be a whole number' },
    { path: 'server.publicUrl', message: 'must be an http:// or https:// URL' },
    { path: 'server.apiKeys[0].key', message: 'must be at least 16 characters long' },
    { path: 'server.apiKeys[2].key', message: 'is the same key as server.apiKeys[1].key' },
    { path: 'server.apiKeys[2].scopes[0]', message: "must be one of 'callback', 'resourcesync', 'admin'" },
    { path: 'server.webhookDeadlineMs', message: 'must be below 60000' },
    { path: 'database.url', message: 'must start with sqlite: (e.g. sqlite:./data/spacelink.db) or postgres://' },
    { path: 'resourcespace.user', message: 'is required' },
    { path: 'resourcespace.apiUrl', message: 'must be a URL' },
    { path: 'resourcespace.key', message: 'environment variable RS_API_KEY is not set' },
    {
      path: 'resourcespace.fields.synced',
      message: 'must be a ResourceSpace field: a positive number (the ref) or a shortname of lowercase letters, digits and _'
    },
    { path: 'instances.art.resourceTypes', message: 'must not be empty' },
    { path: 'instances.art.cspace.servicesUrl', message: 'must be a URL' },
    { path: 'instances.art.cspace.recordUrl', message: "must contain {csid}, where the record's CSID goes" },
    { path: 'instances.art.accessionNumber.fromFilename.pattern', message: 'is not a valid regular expression: Unterminated character class' },
    { path: 'instances.art.accessionNumber.fromFilename.replace[1][0]', message: 'is not a valid regular expression: Unterminated character class' },
    { path: 'instances.art.derivative.transfer', message: "must be one of 'stream', 'blob-uri'" },
    { path: 'instances.art.media.rules[0].whenFilename', message: 'is not a valid regular expression: Nothing to repeat' },
    { path: 'instances.art.schedule', message: 'is not a valid cron expression: Invalid value for minute: 61' },
    { path: 'instances.video.resourceTypes[1]', message: "resource type 3 is already claimed by instance 'film'" },
    { path: 'sync.concurrency', message: 'must be at least 1' }
  ])
})

t.test('formatProblems prints one line per problem', async (t) => {
  t.equal(formatProblems([
    { path: 'instances.art.cspace.servicesUrl', message: 'must be a URL' },
    { path: '', message: 'the configuration is empty' }
  ]), 'instances.art.cspace.servicesUrl: must be a URL\n(config): the configuration is empty')
  t.equal(formatProblems([]), '')
})

t.test('missing required keys are named', async (t) => {
  const config = validConfig()
  const art = config.instances.art as Record<string, unknown>
  delete art.cspace
  delete art.derivative
  t.same(check({ ...config, resourcespace: undefined }), [
    { path: 'resourcespace', message: 'is required' },
    { path: 'instances.art.cspace', message: 'is required' },
    { path: 'instances.art.derivative', message: 'is required' }
  ])
  t.same(check({ server: {} }), [
    { path: 'resourcespace', message: 'is required' },
    { path: 'instances', message: 'is required' }
  ])
})

t.test('wrong types are named with what was expected', async (t) => {
  const config = validConfig()
  const art = config.instances.art as Record<string, unknown>
  art.resourceTypes = 'one'
  art.accessionNumber = { fromField: 'yes' }
  art.mapping = [{ rsField: 'Title', cs: 'collectionobjects_common:title' }]
  ;(art.cspace as Record<string, unknown>).password = 123456
  t.same(check({ ...config, server: { port: 3000.5, apiKeys: {} } }), [
    { path: 'server.port', message: 'must be a whole number' },
    { path: 'server.apiKeys', message: 'must be a list' },
    { path: 'instances.art.resourceTypes', message: 'must be a list' },
    { path: 'instances.art.cspace.password', message: 'must be a string (put it in quotes)' },
    { path: 'instances.art.accessionNumber.fromField', message: 'must be true or false' },
    {
      path: 'instances.art.mapping[0].rsField',
      message: 'must be a ResourceSpace field: a positive number (the ref) or a shortname of lowercase letters, digits and _'
    },
    { path: 'instances.art.mapping[0].cs', message: "must be a CollectionSpace path of local names separated by '/', e.g. collectionobjects_common/title" }
  ])
})

t.test('unknown keys are rejected everywhere, with a suggestion when one is close', async (t) => {
  const config = validConfig()
  const art = config.instances.art as Record<string, unknown>
  art.derivative = { sizes: ['scr'], tranfser: 'stream' }
  art.media = { fields: { 'media_common/title': '{accessionNumber}' }, rulez: [] }
  t.same(check({ ...config, databse: {}, sync: { concurrency: 2, colour: 'blue' } }), [
    { path: 'instances.art.derivative.tranfser', message: "unknown key 'tranfser' (did you mean 'transfer'?)" },
    { path: 'instances.art.media.rulez', message: "unknown key 'rulez' (did you mean 'rules'?)" },
    { path: 'databse', message: "unknown key 'databse' (did you mean 'database'?)" },
    { path: 'sync.colour', message: "unknown key 'colour'" }
  ])
})

t.test('instance names and counts are checked', async (t) => {
  const config = validConfig()
  t.same(check({ ...config, instances: {} }), [{ path: 'instances', message: 'must define at least one instance' }])
  t.same(check({ ...config, instances: { Art: config.instances.art } }), [
    { path: 'instances.Art', message: "'Art' is not a valid instance name: use lowercase letters, digits, - and _, starting with a letter" }
  ])
})

t.test('an instance with no resource type, or a type claimed twice, is a problem', async (t) => {
  const config = validConfig()
  const art = config.instances.art as Record<string, unknown>
  config.instances.film = { ...art, resourceTypes: [2, 1] }
  config.instances.photo = { ...art, resourceTypes: [] }
  t.same(check(config), [
    { path: 'instances.film.resourceTypes[1]', message: "resource type 1 is already claimed by instance 'art'" },
    { path: 'instances.photo.resourceTypes', message: 'must not be empty' }
  ])
  t.same(check({ ...config, instances: { art: { ...art, resourceTypes: [1, 1] } } }), [
    { path: 'instances.art.resourceTypes', message: 'must not list the same value twice' }
  ])
})

t.test('API keys must be long enough, unique and scoped', async (t) => {
  const config = validConfig()
  t.same(check({
    ...config,
    server: {
      apiKeys: [
        { key: 'short', scopes: ['admin'] },
        { key: 'same-key-0123456789', scopes: ['callback'] },
        { key: 'same-key-0123456789', scopes: [] },
        { key: 'same-key-0123456789', scopes: ['admin'] }
      ]
    }
  }), [
    { path: 'server.apiKeys[0].key', message: 'must be at least 16 characters long' },
    { path: 'server.apiKeys[2].key', message: 'is the same key as server.apiKeys[1].key' },
    { path: 'server.apiKeys[2].scopes', message: 'must not be empty' },
    { path: 'server.apiKeys[3].key', message: 'is the same key as server.apiKeys[1].key' }
  ])
  const duplicate = formatProblems(check({ ...config, server: { apiKeys: [{ key: 'secret-0123456789', scopes: ['admin'] }, { key: 'secret-0123456789', scopes: ['admin'] }] } }))
  t.notMatch(duplicate, 'secret-0123456789', 'the key itself is never printed')
})

t.test('URLs are checked where spacelink connects or links', async (t) => {
  const config = validConfig()
  const art = config.instances.art as Record<string, unknown>
  art.cspace = { ...(art.cspace as object), servicesUrl: 'ftp://cs.example-museum.org/', recordUrl: 'not a url {csid}' }
  t.same(check({
    ...config,
    server: { publicUrl: 'links.example-museum.org' },
    resourcespace: { ...config.resourcespace, baseUrl: '//dam' }
  }), [
    { path: 'server.publicUrl', message: 'must be a URL' },
    { path: 'resourcespace.baseUrl', message: 'must be a URL' },
    { path: 'instances.art.cspace.servicesUrl', message: 'must be an http:// or https:// URL' },
    { path: 'instances.art.cspace.recordUrl', message: 'must be a URL' }
  ])
})

t.test('regular expressions, cron and accession sources are checked', async (t) => {
  const config = validConfig()
  const art = config.instances.art as Record<string, unknown>
  art.accessionNumber = { fromField: false }
  art.media = { rules: [{ whenFilename: '_6\\.jpe?g$', set: {} }, { whenFilename: '(', set: { 'media_common/x': 'y' } }] }
  art.schedule = 'every night'
  t.same(check(config), [
    { path: 'instances.art.accessionNumber', message: 'needs fromField: true or a fromFilename pattern, or no accession number can be found' },
    { path: 'instances.art.media.rules[1].whenFilename', message: 'is not a valid regular expression: Unterminated group' },
    {
      path: 'instances.art.schedule',
      message: "is not a valid cron expression: invalid configuration format ('every night'), exactly five or six space separated parts are required."
    }
  ])
  art.schedule = '@daily'
  art.accessionNumber = { fromField: false, fromFilename: { pattern: '^(\\d+)_' } }
  art.media = {}
  t.same(check(config), [], 'nicknames, a pattern without replacements and empty media are fine')
})

t.test('the webhook deadline stays below the 60 s RS waits', async (t) => {
  t.same(check({ ...validConfig(), server: { webhookDeadlineMs: 60000 } }), [{ path: 'server.webhookDeadlineMs', message: 'must be below 60000' }])
  t.same(check({ ...validConfig(), server: { webhookDeadlineMs: 59999 } }), [])
})

t.test('the ResourceSync section: an access rule of three, and lists no longer than the Sitemap limit', async (t) => {
  const config = { ...validConfig(), resourcesync: { access: 'open', maxListSize: 60000 } }
  t.same(check(config).map(p => p.path), ['resourcesync.access', 'resourcesync.maxListSize'])
  t.same(check({ ...validConfig(), resourcesync: { access: 'key', maxListSize: 10 } }), [])
})

t.test('substitution problems name the variable and the key, and hide the follow-on errors', async (t) => {
  const text = [
    'server:',
    '  port: ${PORT}',
    '  publicUrl: ${PUBLIC_URL}',
    '  host: ${HOST:-127.0.0.1}',
    '  logLevel: ${LOG_LEVEL:-debug}',
    'resourcespace: { apiUrl: "https://dam/api/", user: u, key: "${RS_KEY} and ${RS", fields: { accessionNumber: 8, originalFilename: 51, synced: 89, status: 91, cspaceUrl: 90 } }',
    'instances: { art: { resourceTypes: [1], cspace: { servicesUrl: "https://cs/", recordUrl: "https://cs/{csid}", user: "${CS USER}", password: p }, derivative: { sizes: [scr] } } }'
  ].join('\n')
  t.same(checkConfig({ text, env: {} }), [
    { path: 'server.port', message: 'environment variable PORT is not set' },
    { path: 'server.publicUrl', message: 'environment variable PUBLIC_URL is not set' },
    { path: 'resourcespace.key', message: 'environment variable RS_KEY is not set' },
    { path: 'resourcespace.key', message: "'${RS' is not a variable reference: write ${NAME} or ${NAME:-default} (or $${ for a literal ${)" },
    { path: 'instances.art.cspace.user', message: "'${CS USER}' is not a variable reference: write ${NAME} or ${NAME:-default} (or $${ for a literal ${)" }
  ])
  t.same(checkConfig({ text, env: { PORT: '3000', PUBLIC_URL: 'https://x/', RS_KEY: 'k', RS: 'r' } }).map((problem) => problem.path),
    ['resourcespace.key', 'instances.art.cspace.user'])
})

t.test('strings from the environment are turned into the numbers and booleans the schema wants, and only those', async (t) => {
  const base = validConfig()
  const art = base.instances.art as Record<string, unknown>
  art.accessionNumber = { fromField: '${FROM_FIELD}', fromFilename: { pattern: '^(\\d+)_' } }
  art.mapping = [{ rsField: '${TITLE_FIELD}', cs: 'a/b' }, { rsField: '${CREATOR_FIELD}', cs: 'a/c', blankWhenEmpty: 'TRUE' }]
  const value = { ...base, server: { port: '${PORT}', rateLimit: { timeWindow: '${WINDOW}' } } }
  t.same(check(value, { PORT: '8080', FROM_FIELD: 'false', TITLE_FIELD: '12', CREATOR_FIELD: 'creator', WINDOW: '60000' }), [])
  t.same(check(value, { PORT: '80.5', FROM_FIELD: 'no', TITLE_FIELD: '12', CREATOR_FIELD: 'creator', WINDOW: '1 hour' }), [
    { path: 'server.port', message: 'must be a whole number' },
    { path: 'instances.art.accessionNumber.fromField', message: 'must be true or false' }
  ])
})

// The only guard before the first night when RS cannot be reached yet: the same rule as `config check --online`.
t.test('a free-text CS date mapped into a field declared rsFieldType: date is a problem without asking RS', async (t) => {
  const config = validConfig()
  const group = 'collectionobjects_common/objectProductionDateGroupList/objectProductionDateGroup'
  const art = config.instances.art as Record<string, unknown>
  art.mapping = [
    { rsField: 'title', cs: 'collectionobjects_common/titleGroupList/titleGroup/title' },
    { rsField: 12, cs: `${group}/dateDisplayDate`, rsFieldType: 'date' },
    { rsField: 13, cs: `${group}/dateDisplayDate`, rsFieldType: 'text' },
    { rsField: 14, cs: group, rsFieldType: 'date' }
  ]
  const problems = check(config)
  t.equal(problems.length, 1, 'only the free-text part into the date field')
  t.equal(problems[0]?.path, 'instances.art.mapping[1].cs')
  t.match(problems[0]?.message, /free-text date part 'dateDisplayDate' into an RS date field/)
  t.match(problems[0]?.message, new RegExp(`map the structured date group '${group}' instead`))
})
