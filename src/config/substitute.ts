/**
 * `${NAME}` and `${NAME:-default}` in a config file: secrets and deployment knobs come from the environment.
 *
 * Substitution runs on the parsed tree, scalar by scalar, never on the raw text: a variable whose value
 * holds a newline, a colon or `${…}` stays one string and can never add keys to the file. Values are not
 * substituted again (no recursion), and keys are left alone. `$${` is a literal `${`.
 */

/** A key path in the parsed tree: keys of mappings and indexes of lists. */
export type TreePath = Array<string | number>

/** A `${…}` that could not be replaced; the scalar keeps its original text. */
export interface Unresolved {
  at: TreePath
  /** `missing`: `${NAME}` without a default and NAME is not set; `malformed`: `${` not followed by `NAME}`. */
  reason: 'missing' | 'malformed'
  /** The variable name, or the malformed text. */
  name: string
}

export interface Substituted {
  value: unknown
  unresolved: Unresolved[]
}

// `$${` (escape) | `${NAME}` / `${NAME:-default}` | any other `${` (malformed)
const REFERENCE = /\$\$\{|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}|\$\{[^}]*\}?/g

/** Replaces the references in every string scalar of `tree` (a fresh tree is returned; `tree` is untouched). */
export function substituteEnv (tree: unknown, env: NodeJS.ProcessEnv): Substituted {
  const unresolved: Unresolved[] = []
  const value = substituteNode(tree, [], env, unresolved)
  return { value, unresolved }
}

function substituteNode (node: unknown, at: TreePath, env: NodeJS.ProcessEnv, unresolved: Unresolved[]): unknown {
  if (typeof node === 'string') return substituteString(node, at, env, unresolved)
  if (Array.isArray(node)) return node.map((item, index) => substituteNode(item, [...at, index], env, unresolved))
  if (node !== null && typeof node === 'object') {
    const copy: Record<string, unknown> = {}
    for (const [key, child] of Object.entries(node)) copy[key] = substituteNode(child, [...at, key], env, unresolved)
    return copy
  }
  return node
}

function substituteString (text: string, at: TreePath, env: NodeJS.ProcessEnv, unresolved: Unresolved[]): string {
  return text.replace(REFERENCE, (match: string, name: string | undefined, fallback: string | undefined) => {
    if (match === '$${') return '${'
    if (name === undefined) {
      unresolved.push({ at, reason: 'malformed', name: match })
      return match
    }
    const set = env[name]
    // Like the shell's `:-`, an empty variable also takes the default.
    if (fallback !== undefined) return set === undefined || set === '' ? fallback : set
    if (set === undefined) {
      unresolved.push({ at, reason: 'missing', name })
      return match
    }
    return set
  })
}
