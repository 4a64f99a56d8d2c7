/**
 * The subset of the SARIF 2.1.0 JSON schema (OASIS sarif-schema-2.1.0.json) covering every object
 * the audit emits, with the official property lists, required fields and enums, and
 * `additionalProperties: false` as in the official schema, so an unknown or misspelt key fails.
 */
const str = { type: 'string' };
const ref = (name: string) => ({ $ref: `#/definitions/${name}` });
const obj = (properties: Record<string, any>, required: string[] = []) => ({ type: 'object', additionalProperties: false, properties: { ...properties, properties: ref('propertyBag') }, required });
const anyOf = (names: string[]) => Object.fromEntries(names.map(n => [n, {}]));

export const SARIF_SUBSET_SCHEMA = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  type: 'object',
  additionalProperties: false,
  required: ['version', 'runs'],
  properties: {
    $schema: { type: 'string', format: 'uri' },
    version: { enum: ['2.1.0'] },
    runs: { type: 'array', items: ref('run') },
    inlineExternalProperties: { type: 'array' },
    properties: ref('propertyBag'),
  },
  definitions: {
    propertyBag: { type: 'object', properties: { tags: { type: 'array', uniqueItems: true, items: str } } },
    run: obj({
      tool: ref('tool'),
      results: { type: 'array', items: ref('result') },
      ...anyOf(['invocations', 'conversion', 'language', 'versionControlProvenance', 'originalUriBaseIds', 'artifacts', 'logicalLocations', 'graphs',
        'automationDetails', 'runAggregates', 'baselineGuid', 'redactionTokens', 'defaultEncoding', 'defaultSourceLanguage', 'newlineSequences', 'columnKind',
        'externalPropertyFileReferences', 'threadFlowLocations', 'taxonomies', 'addresses', 'translations', 'policies', 'webRequests', 'webResponses', 'specialLocations']),
    }, ['tool']),
    tool: obj({ driver: ref('toolComponent'), extensions: { type: 'array' } }, ['driver']),
    toolComponent: obj({
      name: str,
      version: str,
      informationUri: { type: 'string', format: 'uri' },
      rules: { type: 'array', items: ref('reportingDescriptor') },
      shortDescription: ref('multiformatMessageString'),
      fullDescription: ref('multiformatMessageString'),
      ...anyOf(['guid', 'organization', 'product', 'productSuite', 'fullName', 'semanticVersion', 'dottedQuadFileVersion', 'releaseDateUtc', 'downloadUri',
        'globalMessageStrings', 'notifications', 'taxa', 'locations', 'language', 'contents', 'isComprehensive', 'localizedDataSemanticVersion',
        'minimumRequiredLocalizedDataSemanticVersion', 'associatedComponent', 'translationMetadata', 'supportedTaxonomies']),
    }, ['name']),
    reportingDescriptor: obj({
      id: str,
      name: str,
      helpUri: { type: 'string', format: 'uri' },
      shortDescription: ref('multiformatMessageString'),
      fullDescription: ref('multiformatMessageString'),
      help: ref('multiformatMessageString'),
      defaultConfiguration: ref('reportingConfiguration'),
      ...anyOf(['deprecatedIds', 'guid', 'deprecatedGuids', 'deprecatedNames', 'messageStrings', 'relationships']),
    }, ['id']),
    multiformatMessageString: obj({ text: str, markdown: str }, ['text']),
    reportingConfiguration: obj({ enabled: { type: 'boolean' }, level: { enum: ['none', 'note', 'warning', 'error'] }, rank: { type: 'number' }, parameters: ref('propertyBag') }),
    message: obj({ text: str, markdown: str, id: str, arguments: { type: 'array', items: str } }),
    result: obj({
      ruleId: str,
      ruleIndex: { type: 'integer', minimum: -1 },
      level: { enum: ['none', 'note', 'warning', 'error'] },
      kind: { enum: ['notApplicable', 'pass', 'fail', 'review', 'open', 'informational'] },
      message: ref('message'),
      locations: { type: 'array', items: ref('location') },
      partialFingerprints: { type: 'object', additionalProperties: str },
      fingerprints: { type: 'object', additionalProperties: str },
      suppressions: { type: 'array', uniqueItems: true, items: ref('suppression') },
      baselineState: { enum: ['new', 'unchanged', 'updated', 'absent'] },
      ...anyOf(['rule', 'analysisTarget', 'guid', 'correlationGuid', 'occurrenceCount', 'stacks', 'codeFlows', 'graphs', 'graphTraversals', 'relatedLocations',
        'rank', 'attachments', 'hostedViewerUri', 'workItemUris', 'provenance', 'fixes', 'taxa', 'webRequest', 'webResponse']),
    }, ['message']),
    location: obj({
      id: { type: 'integer' },
      physicalLocation: ref('physicalLocation'),
      logicalLocations: { type: 'array', uniqueItems: true, items: ref('logicalLocation') },
      message: ref('message'),
      annotations: { type: 'array' },
      relationships: { type: 'array' },
    }),
    physicalLocation: obj({ artifactLocation: ref('artifactLocation'), region: ref('region'), ...anyOf(['address', 'contextRegion']) }),
    region: obj({
      startLine: { type: 'integer', minimum: 1 },
      startColumn: { type: 'integer', minimum: 1 },
      endLine: { type: 'integer', minimum: 1 },
      endColumn: { type: 'integer', minimum: 1 },
      charOffset: { type: 'integer', minimum: -1 },
      charLength: { type: 'integer', minimum: 0 },
      byteOffset: { type: 'integer', minimum: -1 },
      byteLength: { type: 'integer', minimum: 0 },
      snippet: {},
      message: ref('message'),
      sourceLanguage: str,
    }),
    artifactLocation: obj({ uri: { type: 'string', format: 'uri-reference' }, uriBaseId: str, index: { type: 'integer' }, description: ref('message') }),
    logicalLocation: obj({ name: str, index: { type: 'integer' }, fullyQualifiedName: str, decoratedName: str, parentIndex: { type: 'integer' }, kind: str }),
    suppression: obj({
      guid: str, kind: { enum: ['inSource', 'external'] }, status: { enum: ['accepted', 'underReview', 'rejected'] }, justification: str, location: ref('location'),
    }, ['kind']),
  },
};
