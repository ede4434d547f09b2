/** Plain-object checks for parsed JSON and request bodies. */

/** True for `{…}`: not null, not an array. */
export function isRecord (value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
