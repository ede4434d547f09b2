// Config text uses ${NAME} for environment variables: these strings are config, not template literals.
/* eslint-disable no-template-curly-in-string */
import t from 'tap'
import { substituteEnv } from '../../../src/config/substitute.js'

t.test('${NAME} takes the variable, ${NAME:-default} falls back when it is unset or empty', async (t) => {
  const tree = { a: '${A}', b: 'x-${A}-${B:-two}-y', c: '${C:-http://localhost:3000}', d: '${D:-}', e: '${E:-e}' }
  const { value, unresolved } = substituteEnv(tree, { A: 'one', E: '' })
  t.same(value, { a: 'one', b: 'x-one-two-y', c: 'http://localhost:3000', d: '', e: 'e' })
  t.same(unresolved, [])
})

t.test('an empty variable without a default stays empty: it is set', async (t) => {
  t.same(substituteEnv({ a: '${A}' }, { A: '' }), { value: { a: '' }, unresolved: [] })
})

t.test('lists, nested mappings and non-strings are walked; keys are left alone', async (t) => {
  const tree = { '${K}': [1, true, null, { deep: ['${A}'] }] }
  const { value } = substituteEnv(tree, { A: 'a', K: 'k' })
  t.same(value, { '${K}': [1, true, null, { deep: ['a'] }] })
  t.not(value, tree, 'a fresh tree')
  t.same(tree, { '${K}': [1, true, null, { deep: ['${A}'] }] }, 'the input is untouched')
})

t.test('missing and malformed references are reported with their tree path and keep their text', async (t) => {
  const { value, unresolved } = substituteEnv({ list: ['ok', '${MISSING}'], bad: '${not valid} ${OPEN' }, {})
  t.same(value, { list: ['ok', '${MISSING}'], bad: '${not valid} ${OPEN' })
  t.same(unresolved, [
    { at: ['list', 1], reason: 'missing', name: 'MISSING' },
    { at: ['bad'], reason: 'malformed', name: '${not valid}' },
    { at: ['bad'], reason: 'malformed', name: '${OPEN' }
  ])
})

t.test('$${ is a literal ${ and values are never substituted twice', async (t) => {
  const { value, unresolved } = substituteEnv({ a: '$${A}', b: '${B}' }, { A: 'no', B: '${A}' })
  t.same(value, { a: '${A}', b: '${A}' })
  t.same(unresolved, [])
})
