import t from 'tap'
import { Kind, type TSchema } from '@fastify/type-provider-typebox'
import { ConfigSchema, instanceForResourceType, resourceSpaceBaseUrl, type Config } from '../../../src/config/schema.js'

t.test('every key of the schema is documented', async (t) => {
  const undocumented: string[] = []
  const visit = (schema: TSchema, path: string) => {
    if (schema[Kind] === 'Object') {
      for (const [key, property] of Object.entries(schema.properties as Record<string, TSchema>)) {
        const at = path === '' ? key : `${path}.${key}`
        if (typeof property.description !== 'string' || property.description === '') undocumented.push(at)
        visit(property, at)
      }
    } else if (schema[Kind] === 'Record') {
      visit(Object.values(schema.patternProperties as Record<string, TSchema>)[0]!, `${path}.*`)
    } else if (schema[Kind] === 'Array') {
      visit(schema.items as TSchema, `${path}[]`)
    }
  }
  visit(ConfigSchema, '')
  t.same(undocumented, [])
})

t.test('instanceForResourceType finds the instance that handles a resource type', async (t) => {
  const instances = { art: { resourceTypes: [1] }, film: { resourceTypes: [3, 4] } } as unknown as Config['instances']
  t.equal(instanceForResourceType({ instances }, 1), 'art')
  t.equal(instanceForResourceType({ instances }, 4), 'film')
  t.equal(instanceForResourceType({ instances }, 2), undefined)
})

t.test('the RS UI base is baseUrl, else apiUrl without api/', async (t) => {
  t.equal(resourceSpaceBaseUrl({ apiUrl: 'https://dam.example.org/api/' }), 'https://dam.example.org/')
  t.equal(resourceSpaceBaseUrl({ apiUrl: 'https://dam.example.org/rs/api' }), 'https://dam.example.org/rs/')
  t.equal(resourceSpaceBaseUrl({ apiUrl: 'https://dam.example.org/api/', baseUrl: 'https://ui.example.org/rs' }), 'https://ui.example.org/rs/')
})
