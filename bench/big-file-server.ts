/**
 * Serves one large "derivative" of a chosen size for any `GET /pages/download.php`: a JPEG signature
 * followed by filler, generated on the fly from one 1 MiB buffer (so this process never holds the file),
 * with a Content-Length, honouring back-pressure. The RS simulator's download links are pointed here.
 * `incompressible` fills with random bytes instead of one repeated byte: deflate then finds nothing to
 * shrink (its window is 32 KiB, the repeat 1 MiB), as with a real JPEG.
 */
import { randomBytes } from 'node:crypto'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'

function makeChunk (incompressible: boolean): Buffer {
  const chunk = incompressible ? randomBytes(1024 * 1024) : Buffer.alloc(1024 * 1024, 0x5a)
  // SOI + APP0 marker: what content sniffers (the CS simulator, spacelink's checks) look at.
  Buffer.from([0xff, 0xd8, 0xff, 0xe0]).copy(chunk)
  return chunk
}

export interface BigFileServer {
  url: string
  /** Bytes served so far. */
  served: () => number
  close: () => Promise<void>
}

export async function startBigFileServer (bytes: number, opts: { incompressible?: boolean } = {}): Promise<BigFileServer> {
  const chunk = makeChunk(opts.incompressible === true)
  let served = 0
  const server: Server = createServer((req, res) => {
    if (!(req.url ?? '').startsWith('/pages/download.php')) {
      res.writeHead(404).end()
      return
    }
    res.writeHead(200, { 'content-type': 'image/jpeg', 'content-length': String(bytes), 'content-disposition': 'inline; filename="download.jpg"' })
    let left = bytes
    const pump = (): void => {
      while (left > 0) {
        const piece = left >= chunk.length ? chunk : chunk.subarray(0, left)
        left -= piece.length
        served += piece.length
        if (!res.write(piece)) {
          res.once('drain', pump)
          return
        }
      }
      res.end()
    }
    pump()
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/`,
    served: () => served,
    close: async () => { server.closeAllConnections(); await new Promise<void>(resolve => server.close(() => { resolve() })) }
  }
}
