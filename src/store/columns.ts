/**
 * Small conversions between database columns and the values callers see, the same on both engines:
 * JSON stored as text, 0/1 booleans, PostgreSQL's bigint-as-string, ISO timestamps, page windows.
 */

export function nowIso (): string {
  return new Date().toISOString()
}

export function toJson (value: unknown): string {
  return JSON.stringify(value)
}

/** Parses a JSON column; a damaged value reads as `fallback` rather than breaking a whole listing. */
export function fromJson<T> (text: string | null, fallback: T): T {
  if (text === null) return fallback
  try {
    return JSON.parse(text) as T
  } catch {
    return fallback
  }
}

/** PostgreSQL returns bigint and count(*) as strings; SQLite returns numbers. */
export function toNumber (value: number | string | bigint): number {
  return typeof value === 'number' ? value : Number(value)
}

export function toNullableNumber (value: number | string | bigint | null): number | null {
  return value === null ? null : toNumber(value)
}

export interface PageRequest {
  /** Zero-based. */
  page: number
  size: number
}

export interface Page<T> {
  items: T[]
  total: number
}

/** LIMIT/OFFSET for a zero-based page; negative or fractional input is clamped rather than sent to SQL. */
export function pageWindow ({ page, size }: PageRequest): { limit: number, offset: number } {
  const limit = Math.max(0, Math.trunc(size))
  return { limit, offset: Math.max(0, Math.trunc(page)) * limit }
}
