/**
 * push-resource-group: every resource sharing this resource's group value (e.g. all stills of one film)
 * is pushed to this resource's CS object, each one idempotently and, except the pressed one, as its own
 * transaction. The pressed resource is done last, in this action, so its status sentence can sum up the
 * group: counts per outcome and which members failed.
 */
import type { ActionContext } from '../context.js'
import { reportEarly } from '../early.js'
import { fieldValue, isEarly, loadResource, resolveObject, type Resolved } from '../resolve.js'
import type { ActionResult, HandlerResult } from '../types.js'
import { isSuccess, type Outcome } from '../../vocabulary.js'
import { pushToObject } from './push-resource.js'

export async function pushResourceGroup (ctx: ActionContext): Promise<HandlerResult> {
  const resolved = await resolveObject(ctx)
  if (isEarly(resolved)) return await reportEarly(ctx, resolved)
  const others = (await groupMembers(ctx, resolved)).filter(rsid => rsid !== ctx.req.rsid)
  const members: ActionResult[] = []
  for (const rsid of others) {
    // Each member runs the push handler on the group's object, in a transaction of its own; no deadline:
    // only the pressed resource is on the person's edit page.
    const { deadlineMs: _, ...rest } = ctx.req
    members.push(await ctx.runOther({ ...rest, rsid, queryType: 'push-resource' }, async c => await pushToObject(c, { ...resolved, loaded: await loadResource(c) })))
  }
  const result = await pushToObject(ctx, resolved, own => ({ outcome: groupOutcome(own.outcome, members), detail: summarise(resolved, own.outcome, members) }))
  return { ...result, httpStatus: 200, members }
}

/** The first failure of the group, else `pushed` when anything was pushed, else the pressed resource's outcome. */
function groupOutcome (own: Outcome, members: ActionResult[]): Outcome {
  const all = [own, ...members.map(m => m.outcome)]
  return all.find(o => !isSuccess(o)) ?? (all.includes('pushed') ? 'pushed' : own)
}

/** `group of 3 pushed to CollectionSpace object F-1972-03: 1 pushed, 2 already-pushed; failed: resource 16 (no-derivative)` */
function summarise (resolved: Resolved, ownOutcome: Outcome, members: ActionResult[]): string {
  const all = [ownOutcome, ...members.map(m => m.outcome)]
  const counts = new Map<string, number>()
  for (const o of all) counts.set(o, (counts.get(o) ?? 0) + 1)
  const failed = members.filter(m => !isSuccess(m.outcome)).map(m => `resource ${m.rsid} (${m.outcome})`)
  return `group of ${all.length} resource(s) to CollectionSpace object ${resolved.object.objectNumber}: ${[...counts].map(([o, n]) => `${n} ${o}`).join(', ')}` +
    (failed.length === 0 ? '' : `; failed: ${failed.join(', ')}`)
}

/** The resource itself plus every resource whose group field holds exactly the same value. */
async function groupMembers (ctx: ActionContext, resolved: Resolved): Promise<number[]> {
  const groupRef = ctx.services.config.resourcespace.fields.group
  if (groupRef === undefined) return [ctx.req.rsid]
  const value = fieldValue(resolved.loaded.fields, groupRef)
  if (value === '') return [ctx.req.rsid]
  const hits = await ctx.services.rs.findByExactValue(groupRef, value, { restypes: resolved.instance.resourceTypes })
  return [...new Set([ctx.req.rsid, ...hits.map(h => h.ref)])].sort((a, b) => a - b)
}
