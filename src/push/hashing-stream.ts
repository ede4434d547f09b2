/**
 * Counts and hashes bytes as they flow RS → CS (sha-256 and md5, stored in the link), and fails the
 * stream when the count does not match what RS announced, so a truncated download never becomes a blob.
 */
import { createHash } from 'node:crypto'
import { Transform, type TransformCallback } from 'node:stream'

export class HashingStream extends Transform {
  readonly #sha256 = createHash('sha256')
  readonly #md5 = createHash('md5')
  readonly #expectedLength: number | undefined
  byteLength = 0

  constructor (expectedLength?: number) {
    super()
    this.#expectedLength = expectedLength
  }

  override _transform (chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.byteLength += chunk.length
    this.#sha256.update(chunk)
    this.#md5.update(chunk)
    done(null, chunk)
  }

  override _flush (done: TransformCallback): void {
    if (this.#expectedLength !== undefined && this.byteLength !== this.#expectedLength) {
      done(new Error(`derivative truncated: received ${this.byteLength} of ${this.#expectedLength} bytes`))
      return
    }
    done()
  }

  digests (): { sha256: string, md5: string } {
    return { sha256: this.#sha256.copy().digest('hex'), md5: this.#md5.copy().digest('hex') }
  }
}
