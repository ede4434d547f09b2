/** Lints an OpenAPI document with Redocly's recommended rules (the engine of `redocly lint`). */
import { createConfig, lintFromString } from '@redocly/openapi-core'

export interface LintProblem { severity: string, ruleId: string, message: string, where: string }

export async function lintOpenApi (doc: unknown): Promise<LintProblem[]> {
  const config = await createConfig({ extends: ['recommended'] })
  const problems = await lintFromString({ source: JSON.stringify(doc), absoluteRef: 'openapi.json', config })
  return problems.map(p => ({ severity: p.severity, ruleId: p.ruleId, message: p.message, where: p.location[0]?.pointer ?? '' }))
}
