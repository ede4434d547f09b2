/**
 * Reads a package with an independent reader: Python's `zipfile` / `tarfile` in a child process, not the
 * libraries that wrote it. Answers every entry in archive order with its size, sha-256 and md5, and the
 * zip comment.
 */
import { spawn } from 'node:child_process'

export interface ReadEntry {
  name: string
  size: number
  sha256: string
  md5: string
  /** The entry's bytes as UTF-8 text, for entries under 1 MiB (manifests, XML, JSON). */
  text?: string
}

export interface ReadArchive {
  kind: 'zip' | 'tar'
  /** gzip-compressed tar. */
  gzip: boolean
  entries: ReadEntry[]
  /** The zip's archive comment; '' for tar. */
  comment: string
}

const script = String.raw`
import sys, io, json, zipfile, tarfile, hashlib
data = sys.stdin.buffer.read()
def entry(name, body):
    e = {'name': name, 'size': len(body), 'sha256': hashlib.sha256(body).hexdigest(), 'md5': hashlib.md5(body).hexdigest()}
    if len(body) < 1048576:
        e['text'] = body.decode('utf-8', 'replace')
    return e
out = {'entries': [], 'comment': '', 'gzip': data[:2] == b'\x1f\x8b'}
if zipfile.is_zipfile(io.BytesIO(data)):
    z = zipfile.ZipFile(io.BytesIO(data))
    bad = z.testzip()
    if bad is not None:
        raise SystemExit('bad CRC in ' + bad)
    out['kind'] = 'zip'
    out['comment'] = z.comment.decode('utf-8')
    for info in z.infolist():
        out['entries'].append(entry(info.filename, z.read(info)))
else:
    t = tarfile.open(fileobj=io.BytesIO(data), mode='r:*')
    out['kind'] = 'tar'
    for member in t.getmembers():
        if not member.isfile():
            raise SystemExit('not a regular file: ' + member.name)
        out['entries'].append(entry(member.name, t.extractfile(member).read()))
print(json.dumps(out))
`

export async function readArchive (bytes: Buffer): Promise<ReadArchive> {
  const child = spawn('python3', ['-c', script], { stdio: ['pipe', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString() })
  child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString() })
  const exited = new Promise<number | null>((resolve, reject) => { child.on('error', reject); child.on('close', resolve) })
  child.stdin.on('error', () => {})
  child.stdin.end(bytes)
  const code = await exited
  if (code !== 0) throw new Error(`python3 could not read the archive (exit ${String(code)}): ${stderr.trim().slice(-1000)}`)
  return JSON.parse(stdout) as ReadArchive
}
