/**
 * The one owner of RS writes, tested on its own: fakes for RS and the store record every call, so the
 * order of writes, the commit marker, the early answer and the unfinished-write bookkeeping are seen
 * exactly, without simulators or HTTP.
 */
import t from 'tap'
import { RsWriter, type RsWriterDeps } from '../../../src/actions/rs-writer.js'
import type { FieldValue } from '../../../src/clients/resourcespace.js'
import { refusalOf } from '../../../src/clients/rs-fields.js'

const at = new Date('2026-11-21T14:02:33Z')

function field (ref: number, name: string, type: number, value = '', required = false): FieldValue {
  return { ref, name, title: `${name[0]?.toUpperCase() ?? ''}${name.slice(1)}`, type, required, value }
}

interface Rig {
  writer: RsWriter
  events: string[]
  /** Holds every RS write until the returned function is called. */
  holdWrites: () => () => void
  /** The fields of the writes sent to RS so far (answered or not). */
  sent: () => string[]
  /** The transaction's RS writes as stored, by position: field and whether it is marked written. */
  stored: () => Array<[string, boolean]>
}

function rig (opts: { dryRun?: boolean, failOn?: string, fields?: FieldValue[] } = {}): Rig {
  const events: string[] = []
  const fields = opts.fields ?? [
    field(8, 'title', 0, 'Old title', true),
    field(12, 'date', 4),
    field(89, 'synced', 3),
    field(90, 'cspaceurl', 0),
    field(91, 'spacelinkstatus', 1),
    field(93, 'technique', 3)
  ]
  let hold: Promise<void> = Promise.resolve()
  const sent: string[] = []
  const recorded: string[] = []
  const marked = new Set<number>()
  const deps: RsWriterDeps = {
    rsid: 5,
    transactionId: 'tx-1',
    dryRun: opts.dryRun === true,
    owned: { status: 91, cspaceUrl: 90, synced: 89 },
    loaded: () => fields,
    rs: {
      async refusal (f, value) { return refusalOf(f, value, f.ref === 89 ? ['true', 'false'] : ['Oil', 'Ink']) },
      async updateField (_rsid, ref, value) {
        sent.push(String(ref))
        await hold
        if (String(ref) === opts.failOn) throw new Error(`RS answered 503 to update_field ${String(ref)}`)
        events.push(`write ${String(ref)}=${value}`)
      }
    },
    transactions: {
      async recordRsWrites (_id, writes, from = 0) {
        if (from !== recorded.length) throw new Error(`writes recorded at ${from}, but ${recorded.length} are stored`)
        recorded.push(...writes.map(w => w.field))
        events.push(`record ${writes.map(w => w.field).join(',')}`)
      },
      async markRsWritesDone (_id, positions, writtenAt) {
        for (const p of positions) {
          if (writtenAt === null) marked.delete(p)
          else marked.add(p)
          events.push(`${writtenAt === null ? 'undone' : 'done'} ${recorded[p] ?? `?${p}`}`)
        }
      }
    },
    unfinished: {
      async begin (rsid, instance, tx) { events.push(`begin ${rsid} ${String(instance)} ${tx}`) },
      async finish (rsid, tx) { events.push(`finish ${rsid} ${tx}`) }
    },
    log: { info () {}, warn () {} },
    now: () => at
  }
  return {
    writer: new RsWriter(deps),
    events,
    sent: () => [...sent],
    stored: () => recorded.map((f, i) => [f, marked.has(i)]),
    holdWrites: () => {
      let release = (): void => {}
      hold = new Promise<void>(resolve => { release = resolve })
      return release
    }
  }
}

t.test('a write set is recorded and begun before RS is written; the synced flag comes last; then it is finished', async t => {
  const { writer, events } = rig()
  const prepared = await writer.prepare([{ field: 'title', value: 'Red Hills and Bones' }, { field: 12, value: '1941-00-00' }])
  const written = await writer.commit({ instance: 'art', outcome: 'pushed', detail: "'scr' to CollectionSpace object 2019.12.3", changes: prepared.changes, cspaceUrl: 'http://cs/1', synced: 'true' })
  t.equal(events[0], 'record title,date,cspaceurl,spacelinkstatus,synced')
  t.equal(events[1], 'begin 5 art tx-1')
  const writes = events.filter(e => e.startsWith('write'))
  t.equal(writes.at(-1), 'write 89=true', 'the commit marker is the last write')
  t.equal(writes.length, 5)
  t.equal(events.at(-1), 'finish 5 tx-1', 'the set is finished only after the marker')
  t.equal(
    written.find(w => w.field === 'spacelinkstatus')?.value,
    "2026-11-21 14:02 spacelink: pushed: 'scr' to CollectionSpace object 2019.12.3",
    'the outcome word once, with the minute in UTC'
  )
})

t.test('every write of a set but the flag is sent at once; the flag waits until all of them succeeded', async t => {
  const { writer, events, holdWrites, sent } = rig()
  const release = holdWrites()
  const prepared = await writer.prepare([{ field: 'title', value: 'Red Hills and Bones' }, { field: 12, value: '1941-00-00' }, { field: 'technique', value: 'Oil' }])
  const committing = writer.commit({ instance: 'art', outcome: 'pushed', detail: 'x', changes: prepared.changes, cspaceUrl: 'http://cs/1', synced: 'true' })
  // Let every write that does not wait for another reach RS.
  for (let i = 0; i < 20; i++) await Promise.resolve()
  t.same(sent().sort(), ['12', '8', '90', '91', '93'], 'the metadata, CS URL and status sentence are all in flight together; the flag is not')
  release()
  await committing
  t.equal(events.filter(e => e.startsWith('write')).at(-1), 'write 89=true', 'the flag after all of them')
})

t.test('a failed write of the set stops the flag, though the others were written', async t => {
  const { writer, events, stored } = rig({ failOn: '90' })
  await t.rejects(writer.commit({ instance: 'art', outcome: 'pushed', detail: 'x', cspaceUrl: 'http://cs/1', synced: 'true' }), /503/)
  t.ok(events.includes('done spacelinkstatus'), 'the status sentence, sent at the same time, was written')
  t.same(stored(), [['cspaceurl', false], ['spacelinkstatus', true], ['synced', false]], 'only the write RS accepted is marked')
  t.ok(events.indexOf('done cspaceurl') < events.findIndex(e => e.startsWith('write 91')), 'each write is marked before it is sent (after a crash a revert may find nothing to undo, but never skips a written field)')
  t.ok(events.includes('undone cspaceurl'), 'and the mark of the refused one is taken back')
  t.same(writer.written.map(w => w.field), ['spacelinkstatus'], 'and only it is reported as written')
  t.notOk(events.some(e => e.startsWith('write 89')), 'the flag was not written')
  t.notOk(events.some(e => e.startsWith('finish')), 'the set stays unfinished')
})

t.test('values RS would not keep are refused before writing and named in the sentence; equal values are not written', async t => {
  const { writer, events } = rig()
  const prepared = await writer.prepare([
    { field: 'title', value: 'Old title' },
    { field: 12, value: 'ca. 1950' },
    { field: 'technique', value: 'Watercolour' },
    { field: 'nosuchfield', value: 'x' }
  ])
  t.same(prepared.changes, [], 'nothing left to change')
  t.same(prepared.refused.map(r => [r.field, r.reason.slice(0, 30)]).sort(), [
    ['date', "'ca. 1950' is not a date RS ke"],
    ['nosuchfield', 'the field does not apply to th'],
    ['technique', "'Watercolour' is not one of it"]
  ])
  await writer.commit({ instance: 'art', outcome: 'unchanged', detail: 'RS already holds the values', refused: prepared.refused })
  const status = events.find(e => e.startsWith('write 91='))
  t.match(status, /unchanged: RS already holds the values \(not written: .*Technique: 'Watercolour' is not one of its options \(Oil, Ink\)/)
  t.equal(events.filter(e => e.startsWith('write')).length, 1, 'only the status sentence')
})

t.test('a dry run writes and records nothing', async t => {
  const { writer, events } = rig({ dryRun: true })
  await writer.commit({ instance: 'art', outcome: 'valid', detail: 'x', cspaceUrl: 'http://cs/1', synced: 'true' })
  t.same(events, [])
})

t.test('a write that fails leaves the set unfinished (the nightly run completes it)', async t => {
  const { writer, events } = rig({ failOn: '89' })
  await t.rejects(writer.commit({ instance: 'art', outcome: 'pushed', detail: 'x', cspaceUrl: 'http://cs/1', synced: 'true' }), /503/)
  t.ok(events.includes('begin 5 art tx-1'))
  t.notOk(events.some(e => e.startsWith('finish')), 'not finished')
  t.ok(events.includes('done spacelinkstatus'), 'the status was written before the marker failed')
})

t.test('answered early: the person reads "in-progress"; the final set is recorded as unfinished and not written', async t => {
  const { writer, events, stored } = rig()
  t.equal(await writer.answerEarly('the push continues in the background: http://spacelink/tx-1'), true)
  t.ok(writer.answered)
  await writer.commit({ instance: 'art', outcome: 'pushed', detail: 'x', cspaceUrl: 'http://cs/1', synced: 'true' })
  const writes = events.filter(e => e.startsWith('write'))
  t.same(writes, ['write 91=2026-11-21 14:02 spacelink: in-progress: the push continues in the background: http://spacelink/tx-1'])
  t.same(stored(), [['spacelinkstatus', true], ['cspaceurl', false], ['spacelinkstatus', false], ['synced', false]],
    'the early status first and marked; the final set after it, each at a position of its own, none marked')
  t.ok(events.includes('begin 5 art tx-1'))
  t.notOk(events.some(e => e.startsWith('finish')))
})

t.test('a deadline that passes while the final set is being written waits for it and does not overwrite it', async t => {
  const { writer, events, holdWrites } = rig()
  const release = holdWrites()
  const committing = writer.commit({ instance: 'art', outcome: 'pushed', detail: 'final', synced: 'true' })
  const early = writer.answerEarly('continues')
  release()
  await committing
  t.equal(await early, false, 'the final writes were under way: answer with the real outcome')
  t.notOk(events.some(e => e.includes('in-progress')))
  t.equal(events.at(-1), 'finish 5 tx-1')
})

t.test('a field spacelink writes its results into must exist on the resource', async t => {
  const { writer } = rig({ fields: [field(8, 'title', 0)] })
  await t.rejects(writer.commit({ instance: 'art', outcome: 'valid', detail: 'x' }), { code: 'RS_FIELD_MISSING' })
})
