#!/usr/bin/env node
/**
 * The `spacelink` command: serve, sync, validate|retrieve|push, config check, migrate, demo.
 * Exit codes: 0 done (every sync item reached a known outcome), 1 the work could not proceed
 * (config, upstream down, lock held), 2 bad usage.
 */
import { Command, CommanderError, InvalidArgumentError } from 'commander'
import pino from 'pino'
import { loadConfig, ConfigError } from './config/load.js'
import { checkConfig, formatProblems } from './config/check.js'
import type { Config } from './config/schema.js'
import { openStore } from './store/index.js'
import { createUpstreams } from './clients/upstreams.js'
import { findingsTable, onlineCheck } from './diagnostics/online-check.js'
import { createSpacelink } from './spacelink.js'
import { runSync, type SyncOptions } from './sync/engine.js'
import { progressReporter, summaryTable } from './sync/report.js'
import type { QueryType } from './actions/types.js'
import { SpacelinkError } from './errors.js'
import { isSuccess } from './vocabulary.js'

function positiveInt (value: string): number {
  if (!/^[1-9]\d*$/.test(value) || Number(value) >= 2 ** 31) throw new InvalidArgumentError('must be a positive integer')
  return Number(value)
}

function configFrom (opts: { config?: string }): Config {
  return loadConfig({ ...(opts.config === undefined ? {} : { path: opts.config }), env: process.env })
}

function logger (): pino.Logger {
  return pino({ level: process.env.LOG_LEVEL ?? 'warn' }, pino.destination(2))
}

export function buildCli (): Command {
  const program = new Command('spacelink')
    .description('Links ResourceSpace (images) with CollectionSpace (object records)')
    .option('-c, --config <file>', 'configuration file (default: $SPACELINK_CONFIG)')
    .showHelpAfterError()
    // Usage errors are thrown to main (subcommands inherit this), which exits 2 instead of commander's 1.
    .exitOverride()

  program.command('serve')
    .description('run the HTTP server (buttons, REST API, scheduled syncs)')
    .action(async () => {
      const { startServer } = await import('./server.js')
      await startServer(configFrom(program.opts()))
    })

  type SyncCliOptions = Pick<SyncOptions, 'dryRun' | 'limit' | 'refresh' | 'retryFailed' | 'concurrency' | 'maxConcurrency'> & { serialCalls?: boolean }
  program.command('sync')
    .description('sync one CS instance now: metadata into RS, derivatives into CS')
    .argument('<instance>', 'configured instance name')
    .option('--dry-run', 'read everything, write nothing, report what would change')
    .option('--limit <n>', 'at most this many resources', positiveInt)
    .option('--refresh', 're-pull metadata of synced resources whose CS record changed since the last run')
    .option('--retry-failed', 'also retry every resource that failed in an earlier run')
    .option('--concurrency <n>', 'resources in flight at once, and calls per upstream, to start with', positiveInt)
    .option('--max-concurrency <n>', 'ceiling of the adaptive width (equal to --concurrency: a fixed width)', positiveInt)
    .option('--serial-calls', 'one call at a time per upstream (a baseline for benchmarks; slow)')
    .action(async (instance: string, opts: SyncCliOptions) => {
      const config = configFrom(program.opts())
      const spacelink = await createSpacelink({ config, logger: logger() })
      const reporter = progressReporter(process.stderr)
      // Ctrl-C or SIGTERM: stop at the next item boundary, print what was done; the next run picks up the rest.
      const stop = new AbortController()
      const onSignal = (signal: NodeJS.Signals): void => {
        process.stderr.write(`sync: ${signal}: stopping once the items in flight are done; the next run picks up the rest\n`)
        stop.abort()
      }
      process.once('SIGINT', onSignal)
      process.once('SIGTERM', onSignal)
      try {
        const { serialCalls, ...rest } = opts
        const summary = await runSync(spacelink, instance, {
          ...rest,
          ...(serialCalls === true ? { callWidth: 1 } : {}),
          signal: stop.signal,
          onProgress: p => reporter.update(p)
        })
        reporter.stop()
        process.stdout.write(summaryTable(summary))
        process.exitCode = summary.status === 'finished' ? 0 : 1
      } finally {
        process.off('SIGINT', onSignal)
        process.off('SIGTERM', onSignal)
        reporter.stop()
        await spacelink.close()
      }
    })

  for (const [name, queryType] of [['validate', 'validate-cspace-id'], ['retrieve', 'retrieve-metadata'], ['push', 'push-resource']] as const) {
    program.command(name)
      .description(`${queryType} for one resource, as a button would`)
      .argument('<instance>', 'configured instance name')
      .argument('<rsid>', 'ResourceSpace resource ref', positiveInt)
      .option('--dry-run', 'write nothing (retrieve, push)')
      .option('--force', 'push a new version even if already pushed (push)')
      .option('--size <code>', 'derivative size to push (push)')
      .action(async (instance: string, rsid: number, opts: { dryRun?: boolean, force?: boolean, size?: string }) => {
        const spacelink = await createSpacelink({ config: configFrom(program.opts()), logger: logger() })
        try {
          const result = await spacelink.run({ rsid, queryType: queryType as QueryType, caller: 'cli', instance, dryRun: opts.dryRun === true, force: opts.force === true, ...(opts.size === undefined ? {} : { size: opts.size }) })
          process.stdout.write(`${result.message}\n`)
          for (const c of result.changes ?? []) process.stdout.write(`  ${c.title ?? c.field}: ${JSON.stringify(c.previous)} → ${JSON.stringify(c.value)}\n`)
          process.stdout.write(`transaction ${result.transactionId}\n`)
          // A failure outcome (not found, ambiguous, no derivative, upstream error) is a failed command.
          process.exitCode = isSuccess(result.outcome) ? 0 : 1
        } finally {
          await spacelink.close()
        }
      })
  }

  const configCommand = program.command('config').description('configuration tools')
  configCommand.command('check')
    .description('validate the configuration file and print every problem with its key path')
    .option('-c, --config <file>', 'configuration file (default: $SPACELINK_CONFIG)')
    .option('--online', 'also connect to RS and each CS instance: fields, types, options and permissions, in a table')
    .action(async (opts: { config?: string, online?: boolean }) => {
      const path = opts.config ?? program.opts<{ config?: string }>().config
      const problems = checkConfig({ ...(path === undefined ? {} : { path }), env: process.env })
      if (problems.length > 0) {
        process.stderr.write(`${formatProblems(problems)}\n${problems.length} problem(s)\n`)
        process.exitCode = 1
        return
      }
      process.stdout.write(`configuration ${path ?? process.env.SPACELINK_CONFIG ?? ''} is valid\n`)
      if (opts.online !== true) return
      const config = configFrom({ ...(path === undefined ? {} : { config: path }) })
      const upstreams = createUpstreams(config)
      try {
        const findings = await onlineCheck(config, upstreams.rs, upstreams.cs)
        process.stdout.write(findingsTable(findings))
        const count = findings.filter(f => f.verdict === 'problem').length
        process.stdout.write(count === 0 ? 'online check: no problems\n' : `online check: ${count} problem(s)\n`)
        process.exitCode = count === 0 ? 0 : 1
      } finally {
        await upstreams.close()
      }
    })

  program.command('migrate')
    .description('apply database migrations (also done at every start)')
    .action(async () => {
      const config = configFrom(program.opts())
      const store = await openStore(config.database.url, { migrate: false })
      try {
        const { applied } = await store.migrate()
        process.stdout.write(applied.length === 0 ? 'database is up to date\n' : `applied ${applied.join(', ')}\n`)
      } finally {
        await store.close()
      }
    })

  program.command('demo')
    .description('start simulated RS + CS with a sample museum and spacelink wired to them (SQLite)')
    .option('--port <n>', 'spacelink port', positiveInt, 3000)
    .option('--latency <ms>', 'simulated upstream latency', (v: string) => Number(v), 0)
    .action(async (opts: { port: number, latency: number }) => {
      const { startDemo, demoInstructions } = await import('./demo/start-demo.js')
      const demo = await startDemo({ port: opts.port, latencyMs: opts.latency, schedule: false })
      process.stdout.write(demoInstructions(demo))
      const stop = (): void => { demo.close().then(() => process.exit(0), () => process.exit(1)) }
      process.once('SIGINT', stop)
      process.once('SIGTERM', stop)
    })

  return program
}

export async function main (argv: string[]): Promise<void> {
  try {
    await buildCli().parseAsync(argv)
  } catch (err) {
    if (err instanceof CommanderError) {
      // Commander has already printed the message (or the help that was asked for).
      process.exitCode = err.exitCode === 0 ? 0 : 2
      return
    }
    if (err instanceof ConfigError) {
      process.stderr.write(`configuration invalid:\n${formatProblems(err.problems)}\n`)
    } else if (err instanceof SpacelinkError) {
      process.stderr.write(`${err.title}: ${err.message}\n`)
    } else {
      process.stderr.write(`${err instanceof Error ? err.stack ?? err.message : String(err)}\n`)
    }
    process.exitCode = 1
  }
}

if (import.meta.filename === process.argv[1] || process.argv[1]?.endsWith('/spacelink')) {
  await main(process.argv)
}
