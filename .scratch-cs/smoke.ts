import { Readable } from 'node:stream'
import { createDispatcher } from '../src/clients/http.js'
import { CollectionSpaceClient } from '../src/clients/collectionspace.js'
import { startCollectionSpaceSimulator } from '../src/simulators/collectionspace/index.js'
import { valuesAt } from '../src/cspace/record-path.js'

const sim = await startCollectionSpaceSimulator()
const cs = new CollectionSpaceClient({ servicesUrl: sim.servicesUrl, user: 'art@spacelink.demo', password: 'demo', dispatcher: createDispatcher({ timeoutMs: 2000 }) })
console.log(await cs.systemInfo())
console.log(await cs.findObjectsByNumber("1985.4'b"))
console.log(await cs.findObjectsByNumber('1990.12.3'))
console.log(await cs.findObjectsByNumber('2001.5.1'))
console.log(await cs.findObjectsByNumber('2024.1.2'))
const rec = await cs.getObject('1a2b3c4d-0001-4000-8001')
console.log(rec.xml.slice(0, 600))
console.log(valuesAt(rec.doc, 'collectionobjects_common/objectProductionPersonGroupList/objectProductionPersonGroup/objectProductionPerson'))
const blob = await cs.createBlob(Readable.from([Buffer.from('hello'), Buffer.from(' world')]), { filename: 'a "b".jpg', contentType: 'image/jpeg', length: 11 })
console.log('blob', blob, await cs.getBlob(blob), await cs.findBlobs({ name: 'a "b".jpg' }))
const media = await cs.createMedia({ 'media_common/title': 'T <&>', 'media_common/identificationNumber': 'RS-1-scr', blobCsid: blob, 'media_bampfa/websiteDisplayLevel': 'No public display' })
console.log('media', media, await cs.getMedia(media), await cs.findMedia({ identificationNumber: 'RS-1-scr' }))
const r = await cs.createRelation({ subjectCsid: rec.csid, subjectDocumentType: 'collectionobjects', objectCsid: media, objectDocumentType: 'media' })
console.log(r, await cs.listRelations({ sbj: rec.csid }), await cs.mediaRelatedTo(rec.csid))
await cs.renameBlob(blob, 'x.jpg')
console.log(await cs.getBlob(blob))
for await (const page of cs.objectsUpdatedSince('2026-01-15T10:00:00.000Z')) console.log(page.length)
console.log(JSON.stringify(sim.state('art')).slice(0, 1500))
await sim.close()
