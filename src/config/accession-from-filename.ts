/**
 * The accession number hidden in an original filename, for museums whose files are named after the object
 * (`bampfa_1990-12-3_2.jpg` → `1990.12.3`): the instance's `fromFilename.pattern` picks the raw number out
 * (first capture group, else the whole match), then each `replace` pair rewrites every match in turn.
 */
import type { FilenamePattern, InstanceConfig } from './schema.js'

interface CompiledPattern {
  pattern: RegExp
  replace: Array<[RegExp, string]>
}

// Bulk sync asks this for thousands of filenames; compile each configured rule once.
const compiled = new WeakMap<FilenamePattern, CompiledPattern>()

function compile (rule: FilenamePattern): CompiledPattern {
  let result = compiled.get(rule)
  if (result === undefined) {
    result = {
      pattern: new RegExp(rule.pattern),
      replace: rule.replace.map(([pattern, replacement]) => [new RegExp(pattern, 'g'), replacement])
    }
    compiled.set(rule, result)
  }
  return result
}

/** The accession number from `filename`, or undefined when the instance has no pattern or the name does not match. */
export function accessionFromFilename (instance: Pick<InstanceConfig, 'accessionNumber'>, filename: string): string | undefined {
  const rule = instance.accessionNumber.fromFilename
  if (rule === undefined) return undefined
  const { pattern, replace } = compile(rule)
  const match = pattern.exec(filename)
  if (match === null) return undefined
  let number = match[1] ?? match[0]
  for (const [search, replacement] of replace) number = number.replace(search, replacement)
  return number === '' ? undefined : number
}
