/**
 * The bytes the RS simulator serves: real JPEG previews (jpeg-js), the "no preview" placeholder PNG RS
 * answers for missing files, and stand-in bytes for non-JPEG originals.
 *
 * Encoding a JPEG is the expensive part, so pixels are drawn for eight colour variants per size and
 * cached; each resource then gets its own bytes by a JPEG comment (COM segment) naming the resource and
 * size. Every (resource, size) thus has distinct, stable bytes that decode to a real image.
 */
import { crc32, deflateSync } from 'node:zlib'
import jpeg from 'jpeg-js'

/** Preview widths (the simulator's stand-ins for RS's size boxes). */
const sizeWidths: Record<string, number> = { col: 100, thm: 150, pre: 400, scr: 800, lpr: 1024, hpr: 1024, '': 1024 }

const variants = 8
const palette: Array<[number, number, number]> = [
  [200, 60, 50], [60, 140, 200], [70, 170, 90], [220, 170, 40],
  [140, 80, 180], [40, 160, 160], [210, 110, 150], [120, 120, 120]
]

export interface ImageDimensions {
  width: number
  height: number
}

/** Known preview size codes (an unknown code has no file and so downloads as the placeholder). */
export function isPreviewSize (size: string): boolean {
  return size !== '' && size in sizeWidths
}

/** Width and height of a size for a resource: odd variants are portrait, even ones landscape. */
export function dimensions (ref: number, size: string): ImageDimensions {
  const width = sizeWidths[size] ?? 150
  const portrait = (ref % variants) % 2 === 1
  return { width, height: Math.round(width * (portrait ? 4 / 3 : 3 / 4)) }
}

const encoded = new Map<string, Buffer>()

/**
 * A real JPEG of the given size for the resource (cached per size and colour variant). `revision` counts
 * replacements of the resource's file: a new revision has other bytes of the same length.
 */
export function previewJpeg (ref: number, size: string, revision = 0): Buffer {
  const variant = ref % variants
  const key = `${size}:${variant}`
  let base = encoded.get(key)
  if (base === undefined) {
    base = drawJpeg(dimensions(ref, size), variant)
    encoded.set(key, base)
  }
  return withComment(
    base,
    `spacelink RS simulator: resource ${ref}, size ${size === '' ? 'original' : size}, file ${String(revision % 10000).padStart(4, '0')}`
  )
}

function drawJpeg ({ width, height }: ImageDimensions, variant: number): Buffer {
  const [r, g, b] = palette[variant] ?? [128, 128, 128]
  const data = Buffer.alloc(width * height * 4)
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4
      const shade = 0.55 + 0.45 * (x / width)
      // Diagonal stripes, spaced by variant, so the variants also differ in structure.
      const stripe = Math.floor((x + y) / (8 + variant * 2)) % 2 === 0 ? 1 : 0.8
      data[i] = Math.round(r * shade * stripe)
      data[i + 1] = Math.round(g * shade * stripe)
      data[i + 2] = Math.round(b * (1.2 - shade) * stripe)
      data[i + 3] = 255
    }
  }
  return jpeg.encode({ data, width, height }, 80).data
}

/** Inserts a COM segment after the JFIF APP0 segment (which must stay first). */
function withComment (jpegBytes: Buffer, text: string): Buffer {
  const comment = Buffer.from(text, 'latin1')
  const segment = Buffer.alloc(4 + comment.length)
  segment.writeUInt16BE(0xfffe, 0)
  segment.writeUInt16BE(comment.length + 2, 2)
  comment.copy(segment, 4)
  const hasApp0 = jpegBytes.readUInt16BE(2) === 0xffe0
  const at = hasApp0 ? 4 + jpegBytes.readUInt16BE(4) : 2
  return Buffer.concat([jpegBytes.subarray(0, at), segment, jpegBytes.subarray(at)])
}

let placeholders: { large: Buffer, small: Buffer } | undefined

/**
 * RS's "no preview" placeholder (`gfx/no_preview/default.png`): 150×150, or 100×100 for `thm` and `col`.
 * Served with 200 `image/png` under the name `download.jpg`.
 */
export function placeholderPng (size: string): Buffer {
  placeholders ??= { large: drawPng(150), small: drawPng(100) }
  return size === 'thm' || size === 'col' ? placeholders.small : placeholders.large
}

function drawPng (side: number): Buffer {
  const rowLength = 1 + side * 3
  const raw = Buffer.alloc(rowLength * side)
  for (let y = 0; y < side; y++) {
    raw[y * rowLength] = 0 // filter: none
    for (let x = 0; x < side; x++) {
      const frame = x < 4 || y < 4 || x >= side - 4 || y >= side - 4
      const cross = Math.abs(x - y) < 2 || Math.abs(x + y - side) < 2
      raw.fill(frame || cross ? 170 : 225, y * rowLength + 1 + x * 3, y * rowLength + 4 + x * 3)
    }
  }
  const header = Buffer.alloc(13)
  header.writeUInt32BE(side, 0)
  header.writeUInt32BE(side, 4)
  header.set([8, 2, 0, 0, 0], 8) // 8-bit RGB, no interlace
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', header),
    pngChunk('IDAT', deflateSync(raw)),
    pngChunk('IEND', Buffer.alloc(0))
  ])
}

function pngChunk (type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4)
  length.writeUInt32BE(data.length)
  const typed = Buffer.concat([Buffer.from(type, 'latin1'), data])
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(crc32(typed))
  return Buffer.concat([length, typed, crc])
}

const contentTypes: Record<string, string> = {
  jpg: 'image/jpeg', jpeg: 'image/jpeg', png: 'image/png', tif: 'image/tiff', tiff: 'image/tiff', pdf: 'application/pdf'
}

export function contentTypeOf (extension: string): string {
  return contentTypes[extension.toLowerCase()] ?? 'application/octet-stream'
}

const originalStandInLength = 64 * 1024

/**
 * The original file. A JPEG original is a real (large) JPEG; other formats get deterministic stand-in
 * bytes with the format's magic number — enough to check types, lengths and checksums, not to decode.
 */
export function originalFile (ref: number, extension: string, revision = 0): Buffer {
  const ext = extension.toLowerCase()
  if (ext === 'jpg' || ext === 'jpeg') return previewJpeg(ref, '', revision)
  const magic = ext === 'pdf' ? Buffer.from('%PDF-1.4\n') : ext === 'tif' || ext === 'tiff' ? Buffer.from([0x49, 0x49, 0x2a, 0x00]) : Buffer.alloc(0)
  const bytes = Buffer.alloc(originalStandInLength)
  let seed = (ref * 2654435761 + revision * 40503) >>> 0
  for (let i = 0; i < bytes.length; i++) {
    seed = (seed * 1103515245 + 12345) >>> 0
    bytes[i] = seed >>> 24
  }
  magic.copy(bytes, 0)
  return bytes
}

/** Byte length of `originalFile` without building the stand-in bytes. */
export function originalFileLength (ref: number, extension: string): number {
  const ext = extension.toLowerCase()
  return ext === 'jpg' || ext === 'jpeg' ? previewJpeg(ref, '').length : originalStandInLength
}

/** RS's display text for a byte count (`66&nbsp;KB`, `1.1&nbsp;MB`): HTML entity included, as RS sends it. */
export function displayFileSize (bytes: number): string {
  if (bytes < 1024) return `${bytes}&nbsp;B`
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)}&nbsp;KB`
  return `${(bytes / (1024 * 1024)).toFixed(1)}&nbsp;MB`
}
