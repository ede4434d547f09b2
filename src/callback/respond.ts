/**
 * One result, three ways of answering it:
 * - api_webhooks: exactly `200 OK` once the outcome is known and written into RS (RS alerts on anything
 *   else and shows the whole URL, key included), so problems the person should see are in the RS status field;
 * - browser: an HTML page with the outcome and links;
 * - JSON clients: REST status codes, problem+json for refusals, `_links` to the transaction, RS and CS.
 */
import type { FastifyReply } from 'fastify'
import type { Config } from '../config/schema.js'
import type { ActionResult, Caller } from '../actions/types.js'
import { problemOf } from '../actions/outcome.js'
import { problem, problemContentType } from '../http/problem.js'
import { apiUrl, rsResourceUrl } from '../http/links.js'
import { originOf, pageHeaders } from '../pages/headers.js'
import type { Chrome } from '../pages/layout.js'
import { resultPage } from '../pages/result-page.js'

export function resultLinks (config: Config, result: ActionResult): Record<string, { href: string }> {
  const links: Record<string, { href: string }> = {
    transaction: { href: apiUrl(config, `/api/v1/transactions/${result.transactionId}`) },
    resource: { href: rsResourceUrl(config, result.rsid) }
  }
  if (result.object !== undefined) links.record = { href: result.object.url }
  if (result.linkId !== undefined) links.link = { href: apiUrl(config, `/api/v1/links/${result.linkId}`) }
  return links
}

/** The page header of the person who pressed (signed in to the status page or not). */
export interface People {
  chrome: Chrome
}

export async function respond (
  reply: FastifyReply,
  config: Config,
  caller: Caller,
  result: ActionResult,
  people: People = { chrome: {} }
): Promise<FastifyReply> {
  const links = resultLinks(config, result)
  if (caller === 'api_webhooks') {
    return await reply.code(200).type('text/plain; charset=utf-8').send(`${result.message}\n`)
  }
  if (caller === 'browser') {
    const html = resultPage(
      config,
      result,
      {
        resource: links.resource?.href ?? '',
        ...(links.record === undefined ? {} : { record: links.record.href }),
        // Only a person signed in to the status page can open it; anyone else would meet a sign-in.
        ...(people.chrome.signedIn === undefined ? {} : { status: people.chrome.signedIn.statusUrl })
      },
      people.chrome
    )
    const images = [originOf(links.resource?.href)].filter((o): o is string => o !== undefined)
    return await reply.code(result.httpStatus).headers(pageHeaders(images)).type('text/html; charset=utf-8').send(html)
  }
  const { transactionId, httpStatus, wroteRs, ...rest } = result
  if (httpStatus >= 400) {
    const p = problemOf[result.outcome] ?? { code: 'ACTION_FAILED', title: 'Action failed' }
    return await reply.code(httpStatus).type(problemContentType).send({
      ...problem(httpStatus, p.code, p.title, result.message),
      outcome: result.outcome,
      rsid: result.rsid,
      transaction: transactionId,
      ...(result.accessionNumber === undefined ? {} : { accessionNumber: result.accessionNumber }),
      ...(result.candidates === undefined ? {} : { candidates: result.candidates }),
      _links: links
    })
  }
  if (httpStatus === 201 && links.link !== undefined) reply.header('location', links.link.href)
  if (httpStatus === 202) reply.header('location', links.transaction?.href ?? '')
  return await reply.code(httpStatus).type('application/hal+json; charset=utf-8').send({ ...rest, transaction: transactionId, wroteRs, _links: links })
}
