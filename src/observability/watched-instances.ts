/**
 * Which instances are expected to sync on their own, and how old their last successful sync may be:
 * every instance with a schedule (the global limit unless it has its own), and any instance given a limit
 * of its own under `monitoring.instances`.
 */
import type { Config } from '../config/schema.js'

export interface WatchedInstance {
  instance: string
  staleAfterHours: number
}

export function watchedInstances (config: Pick<Config, 'instances' | 'monitoring'>): WatchedInstance[] {
  const { monitoring } = config
  return Object.entries(config.instances)
    .filter(([name, i]) => i.schedule !== undefined || monitoring.instances[name] !== undefined)
    .map(([name]) => ({ instance: name, staleAfterHours: monitoring.instances[name]?.staleAfterHours ?? monitoring.staleAfterHours }))
}
