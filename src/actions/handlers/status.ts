/** status: what spacelink remembers of a resource (links, last transactions). Read-only; asks no upstream. */
import type { ActionContext } from '../context.js'
import type { HandlerResult } from '../types.js'

export async function status (ctx: ActionContext): Promise<HandlerResult> {
  const { store } = ctx.services
  const [links, transactions] = await Promise.all([
    store.links.findByRsid(ctx.req.rsid),
    store.transactions.latestForRsid(ctx.req.rsid, 10)
  ])
  const done = links.filter(l => l.step === 'done')
  const earlier = transactions.filter(t => t.id !== ctx.transactionId)
  const detail = done.length === 0
    ? `resource ${ctx.req.rsid} has not been pushed to CollectionSpace (${earlier.length} earlier action(s))`
    : `resource ${ctx.req.rsid} is linked to ${done.length} CollectionSpace media record(s): ${done.map(l => `${l.size} → media ${l.mediaCsid ?? '?'}`).join(', ')}`
  return {
    instance: ctx.req.instance ?? done[0]?.instance ?? null,
    outcome: 'status',
    detail,
    status: {
      links: links.map(l => ({
        id: l.id,
        instance: l.instance,
        size: l.size,
        version: l.version,
        step: l.step,
        objectCsid: l.objectCsid,
        objectNumber: l.objectNumber,
        mediaCsid: l.mediaCsid,
        blobCsid: l.blobCsid,
        sha256: l.sha256,
        updatedAt: l.updatedAt
      })),
      transactions: earlier.map(t => ({ id: t.id, startedAt: t.startedAt, queryType: t.queryType, caller: t.caller, outcome: t.outcome, message: t.message }))
    }
  }
}
