import { parseAllDocuments } from 'yaml';
import { MERGE_DOCUMENT, SYNTAX_ERROR_CASES, UNMARSHAL_CASES, UNMARSHAL_ERROR_CASES } from './goyaml-v2-cases';
import { decodeDocument } from '../../src/manifest/yaml-decode';

const LIMITS = { maxNodes: 10_000_000, maxDepth: 1000 };

function decode(data: string): unknown {
  const docs = parseAllDocuments(data, { schema: 'failsafe', uniqueKeys: false, strict: false });
  if (!Array.isArray(docs) || docs.length === 0) return null;
  if (docs[0].errors.length > 0) throw new Error(`syntax: ${docs[0].errors[0].message}`);
  return decodeDocument(docs[0], LIMITS, () => 1).value;
}

describe('differential: go-yaml v2 decode_test.go cases (kubernetes-sigs/yaml goyaml.v2)', () => {
  test.each(UNMARSHAL_CASES.map((c) => [JSON.stringify(c.data), c] as const))('%s', (_name, c) => {
    if (c.error) expect(() => decode(c.data)).toThrow(c.error);
    else expect(decode(c.data)).toEqual(c.value);
  });

  test.each(UNMARSHAL_ERROR_CASES.map((c) => [JSON.stringify(c.data.slice(0, 40)), c] as const))('error %s', (_name, c) => {
    expect(() => decode(c.data)).toThrow(c.error);
  });

  test.each(SYNTAX_ERROR_CASES)('syntax error %j', (data) => {
    expect(() => decode(data)).toThrow(/syntax/);
  });

  test('mergeTests: all the maps are equal', () => {
    const m = decode(MERGE_DOCUMENT) as Record<string, unknown>;
    const names = Object.keys(m).filter((k) => k !== 'anchors');
    expect(names).toHaveLength(8);
    for (const name of names) expect([name, m[name]]).toEqual([name, { x: 1, y: 2, r: 10, label: 'center/big' }]);
  });
});
