/**
 * A separate process that runs the nightly sync of one instance against simulators started by the test,
 * so the test can SIGKILL it mid-run (no cleanup, no lock release, pushes cut off between steps).
 *
 *   SYNC_CHILD_RS_API_URL=… SYNC_CHILD_CS_SERVICES_URL=… SYNC_CHILD_DATABASE_URL=… \
 *   SYNC_CHILD_LOCK_TTL_MS=1000 node --import tsx test/helpers/sync-child.ts <instance>
 *
 * Prints `started <runId>`, then `done <n>` after every item, then `finished <json summary>`.
 * Both TTLs (run lock, resource locks) are short so the test need not wait a minute for a dead holder.
 */
import { demoConfig } from '../../src/demo/demo-config.js'
import { demoKeys } from '../../src/demo/start-demo.js'
import { RS_SIMULATOR_KEY, RS_SIMULATOR_USER } from '../../src/simulators/resourcespace/index.js'
import { createSpacelink } from '../../src/spacelink.js'
import { openStore } from '../../src/store/index.js'
import { runSync } from '../../src/sync/engine.js'

function required (name: string): string {
  const value = process.env[name]
  if (value === undefined || value === '') {
    console.error(`sync-child: ${name} is not set`)
    process.exit(2)
  }
  return value
}

const instance = process.argv[2] ?? 'art'
const csServicesUrl = required('SYNC_CHILD_CS_SERVICES_URL')
const databaseUrl = required('SYNC_CHILD_DATABASE_URL')
const ttlMs = Number(process.env.SYNC_CHILD_LOCK_TTL_MS ?? 1000)
const config = demoConfig({
  rsApiUrl: required('SYNC_CHILD_RS_API_URL'),
  rsUser: RS_SIMULATOR_USER,
  rsKey: RS_SIMULATOR_KEY,
  csServicesUrl,
  csUiUrl: csServicesUrl.replace(/cspace-services\/?$/, 'cspace/'),
  port: 0,
  publicUrl: 'http://spacelink.test',
  databaseUrl,
  adminKey: demoKeys.admin,
  buttonKey: demoKeys.button,
  webhookSecret: demoKeys.webhookSecret
})
config.sync.retryBaseDelayMs = 5

const store = await openStore(databaseUrl, { resourceLockTtlMs: ttlMs })
const spacelink = await createSpacelink({ config, store })
const summary = await runSync(spacelink, instance, {
  lockTtlMs: ttlMs,
  onStart: runId => { console.log(`started ${runId}`) },
  onProgress: p => { console.log(`done ${p.done}`) }
})
console.log(`finished ${JSON.stringify(summary)}`)
await spacelink.close()
await store.close()
