/**
 * A spacelink process for crash tests: builds the app from the config in SPACELINK_TEST_CONFIG (JSON),
 * presses push-resource for the resource in argv[2] and prints the answer. The test kills it (SIGKILL:
 * no cleanup, no lock release, no final writes) while the push is in flight.
 *
 *   SPACELINK_TEST_CONFIG='{…}' node --import tsx test/helpers/push-child.ts <rsid>
 */
import { buildServer } from '../../src/server.js'
import type { Config } from '../../src/config/schema.js'
import { demoKeys } from '../../src/demo/start-demo.js'

const config = JSON.parse(process.env.SPACELINK_TEST_CONFIG ?? '') as Config
const rsid = Number(process.argv[2])
const app = await buildServer(config, { schedule: false })
await app.ready()
console.log('ready')
const res = await app.inject({
  method: 'POST',
  url: `/api/v1/callback?rsid=${rsid}&query_type=push-resource`,
  headers: { 'x-api-key': demoKeys.button, accept: 'application/json' }
})
console.log(JSON.stringify({ statusCode: res.statusCode, body: res.json() }))
await app.close()
