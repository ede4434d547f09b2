import t from 'tap'
import { authenticate, webhookHash } from '../../../src/auth/api-keys.js'
import type { Config } from '../../../src/config/schema.js'
import { SpacelinkError } from '../../../src/errors.js'

function refusal (fn: () => unknown): { status: number, code: string } {
  try {
    fn()
  } catch (err) {
    if (err instanceof SpacelinkError) return { status: err.status, code: err.code }
    throw err
  }
  throw new Error('expected a refusal')
}

const config = {
  server: { apiKeys: [{ key: 'button-key-0123456789', scopes: ['callback'] }, { key: 'admin-key-0123456789', scopes: ['admin'] }] },
  resourcespace: { webhookSecret: 'example-hash-secret' }
} as unknown as Config

t.test('the webhook hash is RS\'s HMAC-SHA256 of the ref (vector from a real RS)', async t => {
  t.equal(webhookHash('example-hash-secret', 2), 'a269279e11c0fa5be8f6acb856625e91c5321e00e141825fb4b24370d2ea3c29')
  const p = authenticate(config, { hash: 'a269279e11c0fa5be8f6acb856625e91c5321e00e141825fb4b24370d2ea3c29', rsid: 2 }, 'callback')
  t.equal(p.kind, 'webhook-hash')
})

t.test('a hash for another resource is refused', async t => {
  t.match(refusal(() => authenticate(config, { hash: webhookHash('example-hash-secret', 3), rsid: 2 }, 'callback')), { status: 401 })
})

t.test('keys carry scopes: a button key cannot use the admin API, an admin key can do both', async t => {
  t.equal(authenticate(config, { key: 'button-key-0123456789' }, 'callback').kind, 'key')
  t.match(refusal(() => authenticate(config, { key: 'button-key-0123456789' }, 'admin')), { status: 403, code: 'FORBIDDEN' })
  t.ok(authenticate(config, { bearer: 'admin-key-0123456789' }, 'callback'))
  t.ok(authenticate(config, { bearer: 'admin-key-0123456789' }, 'admin'))
})

t.test('no key, a wrong key, or a hash without a secret configured are 401', async t => {
  t.match(refusal(() => authenticate(config, {}, 'callback')), { status: 401 })
  t.match(refusal(() => authenticate(config, { key: 'nope' }, 'callback')), { status: 401 })
  const noSecret = { ...config, resourcespace: {} } as unknown as Config
  t.match(refusal(() => authenticate(noSecret, { hash: webhookHash('x', 1), rsid: 1 }, 'callback')), { status: 401 })
})

t.test('removing every key does not open the API; only allowAnonymous does', async t => {
  const noKeys = { server: { apiKeys: [], allowAnonymous: false }, resourcespace: {} } as unknown as Config
  t.match(refusal(() => authenticate(noKeys, {}, 'admin')), { status: 401 })
  const open = { server: { apiKeys: [], allowAnonymous: true }, resourcespace: {} } as unknown as Config
  t.equal(authenticate(open, {}, 'admin').kind, 'open')
})
