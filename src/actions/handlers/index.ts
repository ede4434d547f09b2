/** The handler of each query type: the one table the composition root hands the runner from. */
import type { QueryType } from '../../vocabulary.js'
import type { Handler } from '../context.js'
import { validateCspaceId } from './validate-cspace-id.js'
import { retrieveMetadata } from './retrieve-metadata.js'
import { pushResource } from './push-resource.js'
import { pushResourceGroup } from './push-resource-group.js'
import { status } from './status.js'
import { revert } from './revert.js'

export const handlers: Record<QueryType, Handler> = {
  'validate-cspace-id': validateCspaceId,
  'retrieve-metadata': retrieveMetadata,
  'push-resource': pushResource,
  'push-resource-group': pushResourceGroup,
  status,
  revert
}
