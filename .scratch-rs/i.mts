import { previewJpeg, placeholderPng, dimensions } from '../src/simulators/resourcespace/images.js'
import jpeg from 'jpeg-js'
import { writeFileSync } from 'node:fs'
let t = Date.now()
for (const s of ['thm','pre','scr','col']) { const b = previewJpeg(5, s); const d = jpeg.decode(b); console.log(s, b.length, d.width, d.height, dimensions(5, s), d.comments) }
console.log('ms', Date.now() - t)
t = Date.now(); for (let r = 0; r < 1000; r++) previewJpeg(r, 'scr'); console.log('1000 scr ms', Date.now() - t)
writeFileSync('.scratch-rs/p.png', placeholderPng('scr')); writeFileSync('.scratch-rs/j.jpg', previewJpeg(3, 'pre'))
console.log(placeholderPng('thm').length, placeholderPng('scr').length)
