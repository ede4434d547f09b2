import { startResourceSpaceSimulator } from '../src/simulators/resourcespace/index.js'
import { ResourceSpaceClient } from '../src/clients/resourcespace.js'
import { createDispatcher } from '../src/clients/http.js'
const sim = await startResourceSpaceSimulator()
const rs = new ResourceSpaceClient({ apiUrl: sim.apiUrl, user: sim.user, key: sim.key, dispatcher: createDispatcher({ timeoutMs: 5000 }), pageSize: 7 })
console.log(await rs.getSystemStatus())
const all = await rs.search('')
console.log('all', all.length, all.slice(0, 3).map(r => [r.ref, r.resourceType, r.fileExtension]))
console.log('empty89', (await rs.search('!empty89', { restypes: [1] })).length)
console.log('2024.1.2', (await rs.search('accessionnumber:2024.1.2')).map(r => r.ref))
sim.addResource({ ref: 200, resourceType: 1, accessionNumber: '2024.1.2.5', originalFilename: 'lid.jpg', sizes: ['thm'] })
console.log('2024.1.2 again', (await rs.search('accessionnumber:2024.1.2')).map(r => r.ref))
console.log('exact', (await rs.findByAccessionNumber('accessionnumber', '2024.1.2')).map(r => r.ref))
console.log(await rs.getResourceData(5))
console.log((await rs.getResourceFieldData(5)).filter(f => f.value !== ''))
console.log(await rs.getResourceAllImageSizes(5))
const url = await rs.getResourcePath(5, 'scr'); console.log(url)
const res = await rs.download(url); console.log(res.statusCode, res.headers['content-type'], (await res.body.arrayBuffer()).byteLength)
const miss = await rs.download(await rs.getResourcePath(8, 'scr')); console.log(miss.statusCode, miss.headers['content-type'], miss.headers['content-disposition'], (await miss.body.arrayBuffer()).byteLength)
await rs.updateField(5, 'synced', 'true')
try { await rs.updateField(5, 89, 'maybe') } catch (e) { console.log((e as any).code, (e as Error).message) }
try { await rs.updateField(5, 8, '') } catch (e) { console.log((e as any).code, (e as Error).message) }
console.log(await rs.getDataByField(5, 89))
console.log(sim.state({ resources: false }))
const previews = await rs.searchGetPreviews('!list5:8:11', { sizes: ['thm', 'scr'] }); console.log(previews.map(p => [p.ref, p.previewUrls]))
await sim.close()
