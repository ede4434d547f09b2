/**
 * The name CS shows for a pushed file: the original filename's stem with the derivative's extension,
 * so `bampfa_1990-12-3_1.tif` sent as a `scr` JPEG becomes `bampfa_1990-12-3_1.jpg`.
 */
import path from 'node:path'

export function blobName (originalFilename: string, extension: string, rsid: number): string {
  const base = path.basename(originalFilename.replaceAll('\\', '/')).trim()
  const stem = base === '' ? `resource-${rsid}` : base.replace(/\.[^.]*$/, '')
  return `${stem === '' ? `resource-${rsid}` : stem}.${extension.toLowerCase()}`
}
