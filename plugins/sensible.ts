/** @see https://github.com/fastify/fastify-sensible — httpErrors and reply helpers. */
import fp from 'fastify-plugin'
import sensible from '@fastify/sensible'

export default fp(async function sensiblePlugin (fastify) {
  await fastify.register(sensible)
}, { name: 'sensible' })
