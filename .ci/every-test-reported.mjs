// Fails when a test file never reported a result. A file that hangs past tap's timeout or dies
// before its plan could otherwise pass unnoticed as "fewer tests" on a loaded machine.
import { readFileSync, readdirSync } from 'node:fs'

const output = readFileSync(process.argv[2] ?? 0, 'utf8')
const files = readdirSync('test', { recursive: true })
  .map(name => `test/${name}`)
  .filter(path => path.endsWith('.test.ts'))
  .sort()
const reported = new Map()
for (const match of output.matchAll(/^(ok|not ok) \d+ - (test\/\S+\.test\.ts)/gm)) reported.set(match[2], match[1])
const missing = files.filter(file => !reported.has(file))
const failed = files.filter(file => reported.get(file) === 'not ok')
console.log(`== ${files.length} test files: ${reported.size} reported, ${failed.length} failed, ${missing.length} silent`)
for (const file of missing) console.log(`   never reported: ${file}`)
for (const file of failed) console.log(`   failed: ${file}`)
process.exit(missing.length + failed.length === 0 ? 0 : 1)
