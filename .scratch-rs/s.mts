import { buildRsQuery, signRsQuery } from '../src/clients/rs-signing.js'
const q1 = buildRsQuery('spacelink', 'get_resource_field_data', [['resource', 42]])
console.log(q1, signRsQuery('testkey123', q1))
const q2 = buildRsQuery('spacelink', 'do_search', [['search', '!empty101'], ['restypes', '13'], ['archive', '0'], ['fetchrows', '0,100'], ['order_by', 'resourceid'], ['sort', 'asc']])
console.log(q2, signRsQuery('testkey123', q2))
