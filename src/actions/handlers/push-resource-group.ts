/**
 * push-resource-group: every resource sharing this resource's group value (e.g. all stills of one film)
 * is pushed to this resource's CS object, each one idempotently and as its own transaction.
 */
import type { ActionContext } from '../action-context.js'
import { isEarly, loadResource, resolveObject, type Resolved } from '../resolve.js'
import { fieldValue } from '../resource-context.js'
import { reportEarly } from './report-early.js'
import { pushResolved } from './push-resource.js'
import { runAction } from '../run-action.js'
import type { ActionResult, HandlerResult } from '../types.js'

export async function pushResourceGroup (ctx: ActionContext): Promise<HandlerResult> {
  const resolved = await resolveObject(ctx)
  if (isEarly(resolved)) return await reportEarly(ctx, resolved)
  const members = await groupMembers(ctx, resolved)
  const results: ActionResult[] = []
  for (const rsid of members) {
    const member = rsid === ctx.req.rsid
      ? await runAction(ctx.services, { ...ctx.req, queryType: 'push-resource' }, { handler: async c => await pushResolved(c, { ...resolved }), memo: ctx.memo, keepGoing: true })
      : await runAction(ctx.services, { ...ctx.req, rsid, queryType: 'push-resource' }, { handler: async c => await pushResolved(c, { ...resolved, loaded: await loadResource(c) }), keepGoing: true })
    results.push(member)
  }
  const counts = new Map<string, number>()
  for (const r of results) counts.set(r.outcome, (counts.get(r.outcome) ?? 0) + 1)
  const summary = [...counts].map(([o, n]) => `${n} ${o}`).join(', ')
  const failed = results.some(r => r.httpStatus >= 400)
  return {
    instance: resolved.instanceName,
    outcome: failed ? results.find(r => r.httpStatus >= 400)?.outcome ?? 'upstream-error' : (counts.has('pushed') ? 'pushed' : 'already-pushed'),
    httpStatus: 200,
    message: `group of ${results.length} resource(s) pushed to CollectionSpace object ${resolved.object.objectNumber}: ${summary}`,
    accessionNumber: resolved.accessionNumber,
    object: resolved.object,
    members: results
  }
}

/** The resource itself plus every resource whose group field holds exactly the same value. */
async function groupMembers (ctx: ActionContext, resolved: Resolved): Promise<number[]> {
  const groupRef = ctx.services.config.resourcespace.fields.group
  if (groupRef === undefined) return [ctx.req.rsid]
  const value = fieldValue(resolved.loaded.fields, groupRef)
  if (value === '') return [ctx.req.rsid]
  // The same exact-value search as accession numbers: RS's `field:value` also matches longer values.
  const hits = await ctx.services.rs.findByAccessionNumber(groupRef, value, { restypes: resolved.instance.resourceTypes })
  return [...new Set([ctx.req.rsid, ...hits.map(h => h.ref)])].sort((a, b) => a - b)
}
