/**
 * Loads the configuration at start: the file (YAML or JSON) from `path` or `SPACELINK_CONFIG`, `${VAR}`
 * replaced from `env`, defaults filled in, everything validated. Nothing starts on a config with a problem:
 * `ConfigError` lists every problem, each with its key path.
 */
import { SpacelinkError } from '../errors.js'
import { examineConfig, formatProblems, type ConfigProblem, type ConfigSource } from './check.js'
import { resourceSpaceBaseUrl, type Config } from './schema.js'

export class ConfigError extends SpacelinkError {
  readonly problems: ConfigProblem[]

  constructor (problems: ConfigProblem[]) {
    const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`
    super('CONFIG_INVALID', 500, 'Invalid configuration', `invalid configuration (${count}):\n${formatProblems(problems)}`)
    this.name = 'ConfigError'
    this.problems = problems
  }
}

/** The validated configuration; throws `ConfigError` with every problem found. */
export function loadConfig (source: ConfigSource = {}): Config {
  const { config, problems } = examineConfig(source)
  if (config === undefined || problems.length > 0) throw new ConfigError(problems)
  // Derived once here so every consumer sees the same RS UI base.
  config.resourcespace.baseUrl = resourceSpaceBaseUrl(config.resourcespace)
  return config
}
