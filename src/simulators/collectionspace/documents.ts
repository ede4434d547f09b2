/**
 * The XML the simulator answers with, shaped like the real services' payloads (fixtures in
 * docs/collectionspace-api.md §Records and lists): full record documents with `collectionspace_core` and empty scaffolds for
 * unset fields, `abstract-common-list` pages whose items omit empty fields, and `relations-common-list`
 * pages with nested `subject` / `object` summaries.
 */
import { partNamespace } from '../../clients/collectionspace.js'
import { buildDocument, buildXml, type DocumentPart } from '../../cspace/xml.js'
import { rawValuesAt } from '../../cspace/record-path.js'
import { fieldOf, type PartNode, type Service, type StoredRecord, type TenantStore } from './store.js'
import type { Page } from './search.js'

/** The Nuxeo document type names CS stores in relations, whatever a client sent. */
export const documentTypes: Record<Service, string> = {
  collectionobjects: 'CollectionObject',
  media: 'Media',
  blobs: 'Blob',
  relations: 'Relation'
}

const dateScaffold = Object.fromEntries(['dateDisplayDate', 'dateEarliestSingleYear', 'dateEarliestSingleMonth', 'dateEarliestSingleDay', 'dateLatestYear', 'dateAssociation', 'dateNote', 'datePeriod', 'scalarValuesComputed'].map((f) => [f, '']))

/**
 * Fields a GET shows even when empty: the real server renders every schema field (a small, representative
 * subset here), so clients must cope with `<titleGroupList/>` and empty group scaffolds.
 */
const scaffolds: Record<string, Record<string, unknown>> = {
  collectionobjects_common: {
    objectNumber: '',
    numberOfObjects: '',
    titleGroupList: '',
    objectNameList: '',
    briefDescriptions: '',
    responsibleDepartments: '',
    objectProductionPersonGroupList: '',
    objectProductionOrganizationGroupList: '',
    objectProductionPlaceGroupList: '',
    objectProductionDateGroupList: '',
    materialGroupList: '',
    techniqueGroupList: '',
    measuredPartGroupList: '',
    otherNumberList: '',
    comments: '',
    fieldCollectionDateGroup: dateScaffold,
    contentDateGroup: dateScaffold,
    computedCurrentLocation: ''
  },
  media_common: {
    identificationNumber: '',
    title: '',
    description: '',
    blobCsid: '',
    externalUrl: '',
    altText: '',
    creator: '',
    contributor: '',
    copyrightStatement: '',
    rightsHolder: '',
    source: '',
    sourceUrl: '',
    publishToList: '',
    typeList: '',
    dateGroupList: '',
    uri: '',
    filename: ''
  }
}

const summaryFields: Record<Exclude<Service, 'relations'>, Record<string, string>> = {
  collectionobjects: {
    objectNumber: 'collectionobjects_common/objectNumber',
    objectName: 'collectionobjects_common/objectNameList/objectNameGroup/objectName',
    title: 'collectionobjects_common/titleGroupList/titleGroup/title',
    responsibleDepartment: 'collectionobjects_common/responsibleDepartments/responsibleDepartment'
  },
  media: {
    identificationNumber: 'media_common/identificationNumber',
    blobCsid: 'media_common/blobCsid',
    title: 'media_common/title'
  },
  blobs: {
    name: 'blobs_common/name',
    mimeType: 'blobs_common/mimeType',
    length: 'blobs_common/length'
  }
}

/** `GET /{service}/{csid}`: core part, the record's parts over their scaffolds, the caller's account. */
export function recordDocument (tenant: TenantStore, record: StoredRecord, user: string): string {
  const parts: Record<string, DocumentPart> = {
    collectionspace_core: {
      namespace: partNamespace('collectionspace_core'),
      fields: {
        tenantId: tenant.name,
        createdAt: record.createdAt,
        createdBy: record.createdBy,
        updatedAt: record.updatedAt,
        updatedBy: record.updatedBy,
        workflowState: record.workflowState,
        refName: tenant.refName(record),
        uri: `/${record.service}/${record.csid}`
      }
    }
  }
  for (const [name, part] of Object.entries(record.parts)) {
    parts[name] = { namespace: partNamespace(name), fields: { ...scaffolds[name], ...part, ...computedFields(tenant, record, name) } }
  }
  parts.account_permission = {
    namespace: partNamespace('account_permission'),
    fields: { account: { accountId: `account-${tenant.name}`, screenName: user, userId: user, tenantId: tenant.name } }
  }
  return buildDocument(record.service, parts)
}

/** Fields the server fills in itself: a blob's size, digest and content URI. */
function computedFields (tenant: TenantStore, record: StoredRecord, part: string): PartNode {
  if (part !== 'blobs_common') return {}
  const content = tenant.blobContent.get(record.csid)
  return {
    encoding: [''],
    length: [String(content?.bytes.length ?? 0)],
    digest: [content?.md5 ?? ''],
    uri: [`/blobs/${record.csid}/content`]
  }
}

/** An `abstract-common-list` page of collection objects, media or blobs. */
export function commonList (tenant: TenantStore, service: Exclude<Service, 'relations'>, page: Page): string {
  const fields = summaryFields[service]
  return buildXml({
    'ns2:abstract-common-list': {
      '@_xmlns:ns2': 'http://collectionspace.org/services/jaxb',
      ...pageHeader(page),
      fieldsReturned: ['csid', 'uri', 'refName', 'updatedAt', 'workflowState', ...Object.keys(fields)].join('|'),
      'list-item': page.items.map((record) => {
        const item: Record<string, string> = {
          csid: record.csid,
          uri: `/${record.service}/${record.csid}`,
          refName: tenant.refName(record),
          updatedAt: record.updatedAt,
          workflowState: record.workflowState
        }
        // Empty fields are left out of list items, not sent as empty elements.
        const parts = { ...record.parts, blobs_common: { ...record.parts.blobs_common, ...computedFields(tenant, record, 'blobs_common') } }
        for (const [name, path] of Object.entries(fields)) {
          const value = rawValuesAt(parts, path)[0]
          if (value !== undefined && value !== '') item[name] = value
        }
        return item
      })
    }
  })
}

/** A `relations-common-list` page (prefix `rel:` as current servers write it). */
export function relationsList (tenant: TenantStore, page: Page): string {
  return buildXml({
    'rel:relations-common-list': {
      '@_xmlns:rel': 'http://collectionspace.org/services/relation',
      '@_xmlns:ns4': 'http://collectionspace.org/services/jaxb',
      ...pageHeader(page),
      fieldsReturned: 'subjectCsid|relationshipType|predicateDisplayName|relationshipMetaType|objectCsid|uri|csid|subject|object',
      'relation-list-item': page.items.map((relation) => {
        const field = (name: string): string => fieldOf(relation, 'relations_common', name) ?? ''
        return {
          uri: `/relations/${relation.csid}`,
          csid: relation.csid,
          subjectCsid: field('subjectCsid'),
          relationshipType: field('relationshipType'),
          predicate: field('relationshipType'),
          objectCsid: field('objectCsid'),
          subject: endSummary(tenant, field('subjectCsid'), field('subjectDocumentType')),
          object: endSummary(tenant, field('objectCsid'), field('objectDocumentType'))
        }
      })
    }
  })
}

/** The nested summary of one end of a relation, from the record as it is now. */
function endSummary (tenant: TenantStore, csid: string, documentType: string): Record<string, string> {
  const record = tenant.get(csid)
  const number = record === undefined
    ? ''
    : fieldOf(record, 'collectionobjects_common', 'objectNumber') ?? fieldOf(record, 'media_common', 'identificationNumber') ?? ''
  return {
    uri: record === undefined ? '' : `/${record.service}/${csid}`,
    csid,
    refName: record === undefined ? '' : tenant.refName(record),
    name: '',
    number,
    documentType
  }
}

function pageHeader (page: Page): Record<string, string> {
  return {
    pageNum: String(page.pageNum),
    pageSize: String(page.pageSize),
    itemsInPage: String(page.items.length),
    totalItems: String(page.totalItems)
  }
}

export function systemInfoDocument (): string {
  return buildXml({
    'ns2:system_info_common': {
      '@_xmlns:ns2': 'http://collectionspace.org/services/systeminfo',
      displayName: 'CollectionSpace Services (spacelink simulator)',
      instanceId: 'spacelink-simulator',
      version: { major: '8', minor: '0', patch: '0', build: 'simulator' },
      hostTimezone: 'Etc/GMT+8'
    }
  })
}

/** Tomcat's 401 page: CS answers missing or wrong credentials with HTML, not text/plain. */
export function unauthorizedPage (): string {
  return '<!doctype html><html lang="en"><head><title>HTTP Status 401 – Unauthorized</title>' +
    '<style type="text/css">body {font-family:Tahoma,Arial,sans-serif;}</style></head><body>' +
    '<h1>HTTP Status 401 – Unauthorized</h1><hr class="line" /><p><b>Type</b> Status Report</p>' +
    '<p><b>Message</b> Unauthorized</p><p><b>Description</b> The request has not been applied to the target resource ' +
    'because it lacks valid authentication credentials for that resource.</p><hr class="line" />' +
    '<h3>Apache Tomcat/9.0.98</h3></body></html>'
}
