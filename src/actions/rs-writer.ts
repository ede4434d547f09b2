/**
 * The one owner of an action's RS writes. It decides what is written (only values that differ, only
 * values RS keeps), in which order (metadata, CS URL and the status sentence first, the synced flag
 * last: the flag is the commit marker, so a resource never says "synced" before the rest is there),
 * and when nothing may be written any more (a dry run, or an api_webhooks button already answered: RS
 * re-reads the resource after the answer, and a later write makes the person's next save an edit
 * conflict). It composes the status sentence, records every write in the transaction before making it
 * and marks it as sent (taking the mark back when RS refuses it), and keeps the resource listed as
 * unfinished until its write set is complete, so the next nightly run finishes what a crash, an RS outage
 * or an early answer left undone.
 *
 * Writes go through a queue (`#gate`): the deadline's early answer and a final write set never overlap.
 */
import type { Logger } from 'pino'
import type { RsFieldsConfig, FieldRef } from '../config/schema.js'
import type { FieldValue, ResourceSpaceClient } from '../clients/resourcespace.js'
import { isField } from '../clients/rs-fields.js'
import type { TransactionRepo, UnfinishedWritesRepo } from '../store/index.js'
import { SpacelinkError } from '../errors.js'
import { firstFailure, mapLimit } from '../util/concurrency.js'
import type { Outcome } from '../vocabulary.js'
import { describe, statusSentence } from './outcome.js'
import type { FieldChange, RefusedValue } from './types.js'

export interface DesiredValue {
  field: FieldRef
  value: string
}

/** Everything a finished action tells RS, written as one set. */
export interface WriteSet {
  /** The instance the resource belongs to (null when none applies). */
  instance: string | null
  outcome: Outcome
  /** The sentence after the outcome word. */
  detail: string
  /** Metadata changes, from `prepare`. */
  changes?: FieldChange[]
  /** Values not written, named in the status sentence. */
  refused?: RefusedValue[]
  cspaceUrl?: string
  /** The commit marker, written last. */
  synced?: 'true' | 'false'
}

export interface RsWriterDeps {
  rsid: number
  transactionId: string
  dryRun: boolean
  /** The RS fields spacelink owns. */
  owned: Pick<RsFieldsConfig, 'status' | 'cspaceUrl' | 'synced'>
  /** The resource's field values as last read (undefined before the resource was read). */
  loaded: () => FieldValue[] | undefined
  rs: Pick<ResourceSpaceClient, 'updateField' | 'refusal'>
  transactions: Pick<TransactionRepo, 'recordRsWrites' | 'markRsWritesDone'>
  unfinished: Pick<UnfinishedWritesRepo, 'begin' | 'finish'>
  log: Pick<Logger, 'info' | 'warn'>
  now: () => Date
}

/** Values checked at once before a write set (the option lists they need are read once per process). */
const parallelChecks = 8

export class RsWriter {
  readonly #deps: RsWriterDeps
  #gate: Promise<unknown> = Promise.resolve()
  #answered = false
  #committed = false
  /** Every RS write of the transaction, in order, as stored with it. */
  readonly #recorded: Array<FieldChange & { writtenAt: string | null }> = []

  constructor (deps: RsWriterDeps) {
    this.#deps = deps
  }

  /** True once the caller was answered early: from then on RS is not written by this action. */
  get answered (): boolean {
    return this.#answered
  }

  /** The writes RS accepted, in order. */
  get written (): FieldChange[] {
    return this.#recorded.filter(w => w.writtenAt !== null).map(({ writtenAt: _, ...change }) => change)
  }

  /**
   * The metadata changes that writing `desired` would make (values equal after trimming are left out),
   * and the values RS would not keep: a field that does not apply to the resource's type, an unknown
   * option, a date its edit form would erase, a blank required field.
   */
  async prepare (desired: readonly DesiredValue[]): Promise<{ changes: FieldChange[], refused: RefusedValue[] }> {
    const fields = this.#deps.loaded() ?? []
    const changes: FieldChange[] = []
    const refused: RefusedValue[] = []
    await mapLimit(desired, parallelChecks, async ({ field: ref, value }) => {
      const field = fields.find(f => isField(f, ref))
      if (field === undefined) {
        refused.push({ field: String(ref), fieldRef: null, value, reason: 'the field does not apply to this resource\'s type, or spacelink\'s RS user may not see it' })
        return
      }
      const label = { field: field.name === '' ? String(field.ref) : field.name, fieldRef: field.ref, title: field.title === '' ? field.name : field.title }
      if (field.value.trim() === value.trim() || changes.some(c => c.fieldRef === field.ref)) return
      const reason = await this.#deps.rs.refusal(field, value)
      if (reason !== undefined) refused.push({ ...label, value, reason })
      else changes.push({ ...label, previous: field.value.trim(), value })
    })
    return { changes, refused }
  }

  /**
   * Writes a finished action's set: metadata, CS URL and status sentence, then the synced flag. Nothing
   * in a dry run; once answered early, the set is only recorded (as unfinished, for the nightly run).
   * Returns the writes made.
   */
  async commit (set: WriteSet): Promise<FieldChange[]> {
    return await this.#queue(async () => {
      this.#committed = true
      if (this.#deps.dryRun) return []
      const first = [...(set.changes ?? []), ...this.#owned([
        ...(set.cspaceUrl === undefined ? [] : [[this.#deps.owned.cspaceUrl, set.cspaceUrl] as const]),
        [this.#deps.owned.status, statusSentence(describe(set.outcome, set.detail, set.refused), this.#deps.now())]
      ])]
      const marker = set.synced === undefined ? [] : this.#owned([[this.#deps.owned.synced, set.synced]])
      if (first.length + marker.length === 0) return []
      const positions = await this.#record([...first, ...marker])
      await this.#deps.unfinished.begin(this.#deps.rsid, set.instance, this.#deps.transactionId)
      if (this.#answered) {
        this.#deps.log.info(
          { fields: [...first, ...marker].map(c => c.field) },
          'RS not written: the button was already answered; the next nightly run finishes this write set'
        )
        return []
      }
      // Every write but the flag at once: each is one field of the resource, and RS's update_field
      // touches only that field's values (and the resource's modified date), so writes to different
      // fields do not race. All of them settle before the flag, and the flag is written only if
      // every one succeeded: the flag is the commit marker.
      const written = await this.#write(first, positions.slice(0, first.length))
      written.push(...await this.#write(marker, positions.slice(first.length)))
      await this.#deps.unfinished.finish(this.#deps.rsid, this.#deps.transactionId)
      return written
    })
  }

  /**
   * The deadline passed: unless the final set is already written, say in the status field that the
   * action goes on (with `detail`), and from now on write nothing. True when the caller may be answered
   * now; false when the action had already finished its writes (answer with its real outcome then).
   */
  async answerEarly (detail: string): Promise<boolean> {
    return await this.#queue(async () => {
      if (this.#committed) return false
      this.#answered = true
      if (this.#deps.dryRun) return true
      const [status] = this.#owned([[this.#deps.owned.status, statusSentence(describe('in-progress', detail), this.#deps.now())]])
      if (status === undefined) return true
      const positions = await this.#record([status])
      try {
        await this.#write([status], positions)
      } catch (err) {
        this.#deps.log.warn({ err }, 'could not tell RS that the action continues in the background')
      }
      return true
    })
  }

  /** Changes for fields spacelink owns, against their current values; a field RS does not show is a configuration error. */
  #owned (values: ReadonlyArray<readonly [FieldRef, string]>): FieldChange[] {
    const fields = this.#deps.loaded()
    return values.flatMap(([ref, value]) => {
      if (fields === undefined) return [{ field: String(ref), fieldRef: typeof ref === 'number' ? ref : null, previous: '', value }]
      const field = fields.find(f => isField(f, ref))
      if (field === undefined) {
        throw new SpacelinkError('RS_FIELD_MISSING', 502, 'ResourceSpace field missing',
          `resource ${this.#deps.rsid} has no field ${String(ref)}, which spacelink writes its results into: make it a global field in RS (or add this resource type to it), or fix resourcespace.fields in the configuration`, { field: ref })
      }
      if (field.value.trim() === value.trim()) return []
      return [{ field: field.name === '' ? String(field.ref) : field.name, fieldRef: field.ref, title: field.title, previous: field.value.trim(), value }]
    })
  }

  /** Stores the writes with the transaction before they are made; returns their positions in its list. */
  async #record (changes: FieldChange[]): Promise<number[]> {
    const from = this.#recorded.length
    this.#recorded.push(...changes.map(c => ({ ...c, writtenAt: null })))
    await this.#deps.transactions.recordRsWrites(this.#deps.transactionId, this.#recorded.slice(from), from)
    return changes.map((_, i) => from + i)
  }

  /**
   * Makes the writes at once. They are marked written before they are sent, in one statement, and a write
   * RS refuses has its mark taken back once all have settled (then the first failure is thrown). Marked
   * first because a crash in between must err on the safe side: a write marked but never made is one
   * whose revert finds RS still holding the previous value and has nothing to do for it (revert-plan.ts),
   * while a write made but not marked would be skipped by its revert and stay in RS for good. `written_at`
   * is therefore when the write was sent.
   */
  async #write (changes: FieldChange[], positions: number[]): Promise<FieldChange[]> {
    const writtenAt = this.#deps.now().toISOString()
    await this.#deps.transactions.markRsWritesDone(this.#deps.transactionId, positions, writtenAt)
    const settled = await Promise.allSettled(changes.map(async change => {
      await this.#deps.rs.updateField(this.#deps.rsid, change.fieldRef ?? change.field, change.value)
    }))
    const refused = positions.filter((_, i) => settled[i]?.status === 'rejected')
    for (const position of positions) {
      const entry = this.#recorded[position]
      if (entry === undefined || refused.includes(position)) continue
      entry.writtenAt = writtenAt
      // Later diffs of this action (a group's pressed resource) see what RS holds now.
      const known = this.#deps.loaded()?.find(f => isField(f, entry.fieldRef ?? entry.field))
      if (known !== undefined) known.value = entry.value
    }
    const failed = firstFailure(settled)
    if (failed === undefined) return changes
    // A mark that cannot be taken back errs on the safe side (see above); RS's refusal is what to report.
    await this.#deps.transactions.markRsWritesDone(this.#deps.transactionId, refused, null).catch(() => {})
    throw failed.reason
  }

  async #queue<T> (work: () => Promise<T>): Promise<T> {
    const turn = this.#gate.then(work)
    this.#gate = turn.catch(() => {})
    return await turn
  }
}
