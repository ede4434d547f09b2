/**
 * HAL-style collections (docs/product.md §HTTP conventions): `_embedded`, `page`, and absolute
 * `_links` (self, first, prev, next, last) built from the configured public URL, never from `Host`.
 */
import { Type, type Static } from '@fastify/type-provider-typebox'
import type { FastifyReply } from 'fastify'
import { SpacelinkError } from '../errors.js'
import { absoluteUrl } from '../util/url.js'

export const halContentType = 'application/hal+json; charset=utf-8'

export const PagingQuerySchema = Type.Object({
  page: Type.Integer({ minimum: 0, default: 0, description: 'zero-based page number' }),
  size: Type.Integer({ minimum: 1, default: 20, description: 'page size; clamped to 100' }),
  sort: Type.Optional(Type.String({ pattern: '^[A-Za-z]+(,(asc|desc))?$', description: 'field,asc|desc' }))
})
export type PagingQuery = Static<typeof PagingQuerySchema>

export interface Paging { page: number, size: number }

export function clampPaging (q: { page?: number, size?: number }): Paging {
  return { page: q.page ?? 0, size: Math.min(q.size ?? 20, 100) }
}

/** Builds a HAL collection body; `query` holds the filters to keep in every link. */
export function halCollection<T> (init: {
  publicUrl: string
  path: string
  name: string
  items: T[]
  total: number
  paging: Paging
  query?: Record<string, string | number | undefined>
}): Record<string, unknown> {
  const { page, size } = init.paging
  const totalPages = Math.max(1, Math.ceil(init.total / size))
  const link = (p: number): { href: string } => {
    const params = new URLSearchParams()
    for (const [k, v] of Object.entries(init.query ?? {})) if (v !== undefined && k !== 'page' && k !== 'size') params.set(k, String(v))
    params.set('page', String(p))
    params.set('size', String(size))
    return { href: `${absoluteUrl(init.publicUrl, init.path)}?${params.toString()}` }
  }
  const links: Record<string, { href: string }> = { self: link(page), first: link(0), last: link(totalPages - 1) }
  if (page > 0) links.prev = link(Math.min(page - 1, totalPages - 1))
  if (page < totalPages - 1) links.next = link(page + 1)
  return {
    _embedded: { [init.name]: init.items },
    page: { size, totalElements: init.total, totalPages, number: page },
    _links: links
  }
}

/** Parses `sort=field,dir` against a whitelist; throws a 400-shaped error for anything else. */
export function parseSort<F extends string> (
  sort: string | undefined,
  allowed: readonly F[],
  fallback: { field: F, dir: 'asc' | 'desc' }
): { field: F, dir: 'asc' | 'desc' } {
  if (sort === undefined || sort === '') return fallback
  const [field, dir = 'asc'] = sort.split(',')
  if (!allowed.includes(field as F)) {
    throw new SpacelinkError(
      'INVALID_INPUT',
      400,
      'Invalid input',
      `sort field must be one of ${allowed.join(', ')}`,
      { errors: [{ pointer: '/sort', detail: 'unknown sort field' }] }
    )
  }
  return { field: field as F, dir: dir === 'desc' ? 'desc' : 'asc' }
}

/** Answers one page of a collection: each row through `view`, links kept with the page's filters. */
export async function sendCollection<R> (reply: FastifyReply, publicUrl: string, init: {
  path: string
  name: string
  page: { items: R[], total: number }
  view: (row: R) => unknown
  paging: Paging
  query?: Record<string, string | number | undefined>
}): Promise<FastifyReply> {
  const { page, view, ...rest } = init
  return await reply.type(halContentType).send(halCollection({ ...rest, publicUrl, items: page.items.map(view), total: page.total }))
}
