import t from 'tap'
import { underRsGate } from '../../../src/actions/rs-writes.js'
import type { ActionContext } from '../../../src/actions/action-context.js'

t.test('RS work of one action runs one piece at a time, in order, and a failure does not block the rest', async t => {
  const ctx = { rsGate: Promise.resolve() } as unknown as ActionContext
  const order: string[] = []
  const slow = async (name: string, ms: number): Promise<string> => {
    order.push(`${name}+`)
    await new Promise(resolve => setTimeout(resolve, ms))
    order.push(`${name}-`)
    return name
  }
  const results = await Promise.allSettled([
    underRsGate(ctx, async () => await slow('first', 30)),
    underRsGate(ctx, async () => { throw new Error('refused') }),
    underRsGate(ctx, async () => await slow('third', 1))
  ])
  t.same(order, ['first+', 'first-', 'third+', 'third-'], 'the third waits for the first and is not stopped by the second')
  t.same(results.map(r => r.status), ['fulfilled', 'rejected', 'fulfilled'])
})
