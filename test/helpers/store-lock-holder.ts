/**
 * A separate process that takes a store lock and keeps it until it is killed, so tests can show what
 * happens to a lock whose holder dies (SIGKILL: no cleanup, no release).
 *
 *   node --import tsx test/helpers/store-lock-holder.ts <database-url> run <instance> <holder> <ttl-ms>
 *   node --import tsx test/helpers/store-lock-holder.ts <database-url> resource <key> <ttl-ms>
 *
 * Prints `locked` once it holds the lock (or `refused` when the run lock is taken), then idles. The run lock
 * is heartbeated like a live sync run would, so it only expires after the process is gone.
 */
import { openStore } from '../../src/store/index.js'

const [url, kind, name, ...rest] = process.argv.slice(2)
if (url === undefined || name === undefined || (kind !== 'run' && kind !== 'resource')) {
  console.error('usage: store-lock-holder.ts <url> run <instance> <holder> <ttl-ms> | <url> resource <key> <ttl-ms>')
  process.exit(2)
}

if (kind === 'run') {
  const holder = rest[0] ?? 'child'
  const ttlMs = Number(rest[1] ?? 1000)
  const store = await openStore(url, { migrate: false })
  if (!(await store.locks.acquireRunLock(name, holder, ttlMs))) {
    console.log('refused')
    process.exit(1)
  }
  setInterval(() => { store.locks.heartbeatRunLock(name, holder, ttlMs).catch(() => {}) }, Math.max(10, Math.floor(ttlMs / 4)))
  console.log('locked')
} else {
  const ttlMs = Number(rest[0] ?? 1000)
  const store = await openStore(url, { migrate: false, resourceLockTtlMs: ttlMs })
  store.locks.withResourceLock(name, () => {
    console.log('locked')
    // Hold the lock for as long as the process lives.
    return new Promise(() => {})
  }).catch(err => { console.error(err); process.exit(1) })
  setInterval(() => {}, 60_000)
}
