/**
 * Every problem `code` spacelink answers with: what it means and what the person (or script) should do.
 * /docs/problems renders this list; each problem's `type` (`/docs/problems#<code in kebab case>`) points at
 * its entry. A test reads the source for codes, so a new code without an entry here fails the suite.
 */
export interface ProblemDoc {
  code: string
  status: number | string
  title: string
  meaning: string
  todo: string
}

export const problemCatalogue: ProblemDoc[] = [
  // Input and access
  {
    code: 'INVALID_INPUT',
    status: 400,
    title: 'Invalid input',
    meaning: 'A parameter is missing, malformed or unknown (the `errors` member points at each one), the body is not valid JSON, or the request could not be read.',
    todo: 'Correct the parameter named in `errors` (rsid is a positive integer, query_type one of the listed actions) and send again. Nothing was written anywhere.'
  },
  {
    code: 'BAD_REQUEST',
    status: 400,
    title: 'Malformed request',
    meaning: 'The HTTP request itself could not be parsed (bad request line, bad header, broken chunked body).',
    todo: 'Fix the client or proxy that sends it; spacelink did not look at the request.'
  },
  {
    code: 'UNAUTHORIZED',
    status: 401,
    title: 'Unauthorized',
    meaning: 'No API key, an unknown key, or a webhook hash that does not match the resource.',
    todo: 'Send a configured key as Authorization: Bearer, X-API-Key or key=; for RS buttons check that RS_WEBHOOK_SECRET equals the button\'s hash secret.'
  },
  {
    code: 'FORBIDDEN',
    status: 403,
    title: 'Forbidden',
    meaning: 'The key is valid but lacks the scope (a callback key on an admin route), or a webhook hash caller asked for something only a key may do.',
    todo: 'Use a key with the admin scope, or ask the administrator to add the action to the button configuration.'
  },
  {
    code: 'CSRF_INVALID',
    status: 403,
    title: 'The form has expired',
    meaning: 'A button on one of spacelink\'s pages was pressed with a missing or wrong form token (a page kept open too long, cookies blocked, or a form on another site posting to spacelink). Nothing was done.',
    todo: 'Reload the page and press the button again; allow cookies for spacelink.'
  },
  { code: 'NOT_FOUND', status: 404, title: 'Not found', meaning: 'Nothing is served at this path.', todo: 'Check the URL against /docs or /openapi.json.' },
  {
    code: 'METHOD_NOT_ALLOWED',
    status: 405,
    title: 'Method not allowed',
    meaning: 'The path exists but not for this HTTP method; the Allow header lists the methods it takes.',
    todo: 'Use one of the methods in Allow (a button link GET shows a confirmation page; the action itself is a POST).'
  },
  {
    code: 'BODY_TOO_LARGE',
    status: 413,
    title: 'Request body too large',
    meaning: 'The body is larger than server.bodyLimit.',
    todo: 'Send only the parameters; spacelink never takes files in a request.'
  },
  {
    code: 'UNSUPPORTED_MEDIA_TYPE',
    status: 415,
    title: 'Unsupported content type',
    meaning: 'The body has a content type spacelink does not read.',
    todo: 'Send application/json or application/x-www-form-urlencoded (or no body, with the parameters in the query string).'
  },
  {
    code: 'HEADERS_TOO_LARGE',
    status: 431,
    title: 'Request header fields too large',
    meaning: 'The request headers (often cookies or a long URL) exceed what the server accepts.',
    todo: 'Send shorter headers: drop cookies and put long parameters in the body.'
  },
  {
    code: 'REQUEST_TIMEOUT',
    status: 408,
    title: 'Request timeout',
    meaning: 'The request did not arrive completely in time.',
    todo: 'Check the network between the caller and spacelink, then send again.'
  },
  {
    code: 'RATE_LIMITED',
    status: 429,
    title: 'Too many requests',
    meaning: 'The key (or, without a key, the address) used up its requests for the configured window; the detail says when to try again (also the Retry-After header).',
    todo: 'Wait the given number of seconds; a script should slow down, or ask for a higher server.rateLimit.'
  },
  // Actions
  {
    code: 'OBJECT_NOT_FOUND',
    status: 422,
    title: 'No CollectionSpace object with this accession number',
    meaning: 'The accession number of the RS resource matches no live collection object in CS.',
    todo: 'Correct the accession number in RS (or create the object in CS), then press the button again.'
  },
  {
    code: 'AMBIGUOUS_OBJECT',
    status: 422,
    title: 'Ambiguous CollectionSpace object',
    meaning: 'The accession number matches several CS objects (listed in `candidates`); spacelink never guesses.',
    todo: 'Make the number unique in CS (or correct it in RS), then press the button again.'
  },
  {
    code: 'NO_ACCESSION_NUMBER',
    status: 422,
    title: 'The resource has no accession number',
    meaning: 'Neither the accession number field nor the original filename pattern gave a number.',
    todo: 'Fill in the accession number field in RS, or name the file as the configured pattern expects.'
  },
  {
    code: 'NO_DERIVATIVE',
    status: 422,
    title: 'No usable derivative',
    meaning: 'None of the configured preview sizes exists for the resource, or what RS sent is not an image of the announced length.',
    todo: 'Let RS create the previews (recreate previews on the resource), then push again.'
  },
  {
    code: 'NO_INSTANCE',
    status: 422,
    title: 'No CollectionSpace instance for this resource',
    meaning: 'The resource type belongs to no configured instance and no instance was named.',
    todo: 'Pass instance=, or add the resource type to an instance in the configuration.'
  },
  {
    code: 'UNKNOWN_INSTANCE',
    status: 400,
    title: 'Unknown instance',
    meaning: 'The instance named in the request is not configured.',
    todo: 'Use one of the names GET /api/v1/instances lists.'
  },
  {
    code: 'CONFLICT',
    status: 409,
    title: 'Conflicting change',
    meaning: 'Someone changed the RS fields since spacelink wrote them (revert), or the action conflicts with the resource\'s state.',
    todo: 'Look at the transaction (link in the answer) and decide by hand; nothing was overwritten.'
  },
  {
    code: 'ACTION_FAILED',
    status: '4xx/5xx',
    title: 'Action failed',
    meaning: 'An action ended in a refusal that has no more specific code.',
    todo: 'Read the detail and the transaction linked from the answer.'
  },
  {
    code: 'LOCK_TIMEOUT',
    status: 409,
    title: 'Conflicting action in flight',
    meaning: 'Another action on the same resource was still running after the wait.',
    todo: 'Try again in a minute; a long push of the same resource is probably under way.'
  },
  {
    code: 'LINK_EXISTS',
    status: 409,
    title: 'Link already exists',
    meaning: 'A second push tried to record a link that another push recorded at the same moment.',
    todo: 'Nothing: press again and spacelink answers already-pushed.'
  },
  {
    code: 'RS_UNKNOWN_FIELD',
    status: 502,
    title: 'Unknown ResourceSpace field',
    meaning: 'A field named in the configuration does not exist in RS (or the RS user cannot see it).',
    todo: 'Correct resourcespace.fields or the mapping, or give the RS user access; `spacelink config check --online` lists every such field.'
  },
  {
    code: 'RS_AMBIGUOUS_FIELD',
    status: 502,
    title: 'Ambiguous ResourceSpace field',
    meaning: 'A field shortname in the configuration matches several RS fields.',
    todo: 'Use the numeric field ref in the configuration instead.'
  },
  {
    code: 'RS_VALUE_REFUSED',
    status: 422,
    title: 'Value not kept by ResourceSpace',
    meaning: 'A value RS would not keep in the field: not one of an option list\'s options (RS would empty the field), a date its edit form would erase, a blank required field. Inside an action such values are named in the status sentence and left out; this code is the error of a direct write.',
    todo: 'Add the option in RS, map a CS structured date into date fields, or map another CS field; `spacelink config check --online` shows such mappings.'
  },
  {
    code: 'RS_FIELD_MISSING',
    status: 502,
    title: 'ResourceSpace field missing',
    meaning: 'A field spacelink writes its results into (status, CS record URL, synced) does not exist on the resource: it is not global and does not apply to this resource type, or the RS user may not see it.',
    todo: 'Make the field global in RS (or add this resource type to it), or correct resourcespace.fields; `spacelink config check --online` checks every owned field per instance.'
  },
  {
    code: 'UPSTREAM_FORBIDDEN',
    status: 502,
    title: 'A call was refused to spacelink\'s user',
    meaning: 'RS or CS accepted the credentials but refused the call: the user lacks a permission (the detail names the function and, for RS, the permission letter).',
    todo: 'Give the user the named permission, or tell the developers: spacelink itself needs no admin-only RS function.'
  },
  {
    code: 'UNKNOWN_FORMAT',
    status: 406,
    title: 'Unknown package format',
    meaning: 'A package was asked for in a format spacelink does not write.',
    todo: 'Use .zip, .tar or .tar.gz (or .tar?gzip).'
  },
  {
    code: 'LINK_NOT_DONE',
    status: 409,
    title: 'The push is not finished',
    meaning: 'The link\'s push has not reached CS completely yet, so there is no package to give.',
    todo: 'Press the push again (it resumes), or wait for the nightly run, then download.'
  },
  {
    code: 'LINK_RECORD_NOT_FOUND',
    status: 404,
    title: 'No such link record',
    meaning: 'ResourceSync: no published link for this resource and size.',
    todo: 'Follow the Resource List for the records that exist.'
  },
  {
    code: 'LINK_RECORD_GONE',
    status: 410,
    title: 'The link record is gone',
    meaning: 'ResourceSync: the media this record described was deleted in CollectionSpace (the Change List says `deleted`).',
    todo: 'Drop the record from your copy; a new push appears as created.'
  },
  {
    code: 'RESOURCESYNC_NOT_FOUND',
    status: 404,
    title: 'No such ResourceSync document',
    meaning: 'The instance or document named does not exist (or ResourceSync publication is off).',
    todo: 'Start from /.well-known/resourcesync and follow its links.'
  },
  // Upstreams
  {
    code: 'UPSTREAM_ERROR',
    status: 502,
    title: 'An upstream system failed',
    meaning: 'ResourceSpace or CollectionSpace answered with an error status.',
    todo: 'Check that system (the detail names it and the operation); spacelink retried what was safe to retry. Press again once it works.'
  },
  {
    code: 'UPSTREAM_TIMEOUT',
    status: 504,
    title: 'Upstream timed out',
    meaning: 'RS or CS did not answer within its timeoutMs.',
    todo: 'Check the load of that system or raise its timeoutMs; the nightly sync retries the item.'
  },
  {
    code: 'UPSTREAM_UNREACHABLE',
    status: 502,
    title: 'Upstream unreachable',
    meaning: 'spacelink could not connect to RS or CS (refused, reset, DNS).',
    todo: 'Check that the system runs and its URL in the configuration is right.'
  },
  {
    code: 'UPSTREAM_AUTH',
    status: 502,
    title: 'Upstream refused spacelink\'s credentials',
    meaning: 'RS or CS answered 401/403 to spacelink\'s own user.',
    todo: 'Fix RS_API_KEY or the CS user and password in the environment.'
  },
  {
    code: 'UPSTREAM_BAD_ANSWER',
    status: 502,
    title: 'Upstream answered wrongly',
    meaning: 'RS or CS answered 200 with something that is not a success (false, HTML, broken XML).',
    todo: 'Look at the transaction\'s steps; often a login page or a proxy error page stands in front of the system.'
  },
  {
    code: 'RESOURCE_NOT_FOUND',
    status: 404,
    title: 'Unknown ResourceSpace resource',
    meaning: 'No RS resource with this ref (or the RS user may not see it).',
    todo: 'Check the rsid.'
  },
  {
    code: 'RECORD_NOT_FOUND',
    status: 404,
    title: 'Unknown CollectionSpace record',
    meaning: 'A CS record spacelink expected (a linked object or media) is gone.',
    todo: 'Check the record in CS; a push of the resource re-creates missing media.'
  },
  // Records of spacelink
  {
    code: 'TRANSACTION_NOT_FOUND',
    status: 404,
    title: 'Unknown transaction',
    meaning: 'No transaction with this id (or its details were pruned and the id is wrong).',
    todo: 'Take the id from GET /api/v1/transactions.'
  },
  {
    code: 'LINK_NOT_FOUND',
    status: 404,
    title: 'Unknown link',
    meaning: 'No link with this id.',
    todo: 'Take the id from GET /api/v1/links or /api/v1/links/search/findByRsid.'
  },
  { code: 'SYNC_RUN_NOT_FOUND', status: 404, title: 'Unknown sync run', meaning: 'No sync run with this id.', todo: 'Take the id from GET /api/v1/sync-runs.' },
  {
    code: 'SYNC_RUNNING',
    status: 409,
    title: 'A sync run is already in progress',
    meaning: 'The instance is being synced by another run (possibly on another replica).',
    todo: 'Wait for it to finish (GET /api/v1/sync-runs) and start again if needed.'
  },
  {
    code: 'SYNC_LOCK_LOST',
    status: 409,
    title: 'Sync lock lost',
    meaning: 'The run stopped heartbeating long enough for another run to take over the instance.',
    todo: 'Nothing to repair: the other run continues; check the server for long pauses if it recurs.'
  },
  // The service itself
  {
    code: 'NOT_READY',
    status: 503,
    title: 'Not ready',
    meaning: 'This replica cannot use its database.',
    todo: 'Check the database (DATABASE_URL, disk, PostgreSQL); the load balancer sends traffic elsewhere meanwhile.'
  },
  {
    code: 'STORE_UNAVAILABLE',
    status: 503,
    title: 'spacelink cannot reach its database',
    meaning: 'The action was not started because spacelink could not record it.',
    todo: 'Press again shortly; operators: check the database.'
  },
  {
    code: 'CONFIG_INVALID',
    status: 500,
    title: 'Invalid configuration',
    meaning: 'The configuration file has problems (each listed with its key path); spacelink does not start.',
    todo: 'Run `spacelink config check` and fix each line it prints.'
  },
  {
    code: 'INVALID_DATABASE_URL',
    status: 500,
    title: 'Unusable database URL',
    meaning: 'database.url is neither sqlite:PATH nor postgres://…, or the SQLite file cannot be opened.',
    todo: 'Fix DATABASE_URL; for SQLite make sure the directory is writable.'
  },
  {
    code: 'MIGRATION_FAILED',
    status: 500,
    title: 'Database migration failed',
    meaning: 'The database schema could not be brought up to date at start.',
    todo: 'Read the message, fix the database, run `spacelink migrate`.'
  },
  {
    code: 'INTERNAL',
    status: 500,
    title: 'Internal error',
    meaning: 'A fault in spacelink itself; the details are in the server log, not in the answer.',
    todo: 'Report it with the time and the transaction id if there is one.'
  }
]

/** The anchor of a code: `AMBIGUOUS_OBJECT` → `ambiguous-object` (also the fragment of its `type`). */
export function problemAnchor (code: string): string {
  return code.toLowerCase().replaceAll('_', '-')
}
