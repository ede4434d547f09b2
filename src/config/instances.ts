/** Looking up a CollectionSpace instance by the name a caller gave: one answer for every way in. */
import { SpacelinkError } from '../errors.js'
import type { Config, InstanceConfig } from './schema.js'

/** The 400 for a name no instance has; it lists the configured names, so the caller can correct theirs. */
export function unknownInstance (config: Pick<Config, 'instances'>, name: string): SpacelinkError {
  return new SpacelinkError(
    'UNKNOWN_INSTANCE',
    400,
    'Unknown instance',
    `no CollectionSpace instance named '${name}' is configured`,
    { instances: Object.keys(config.instances) }
  )
}

export function requireInstance (config: Pick<Config, 'instances'>, name: string): InstanceConfig {
  const instance = config.instances[name]
  if (instance === undefined) throw unknownInstance(config, name)
  return instance
}
