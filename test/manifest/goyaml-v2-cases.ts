/**
 * Decoding cases transcribed from go-yaml v2's own test table, as vendored by sigs.k8s.io/yaml:
 * kubernetes-sigs/yaml `goyaml.v2/decode_test.go` (`unmarshalTests`, `unmarshalErrorTests`,
 * `mergeTests`, `unmarshalStrictTests`). Only cases decoding into `interface{}` /
 * `map[string]interface{}` (what sigs.k8s.io/yaml does) are taken, plus typed cases whose value is
 * the same. `value` is go-yaml's result; Infinity and NaN cannot become JSON (sigs.k8s.io/yaml's
 * json.Marshal refuses them), so the reader reports them as errors.
 */
export interface GoYamlCase {
  readonly data: string;
  readonly value?: unknown;
  /** go-yaml's error (or, marked `json:`, the JSON conversion's). */
  readonly error?: RegExp;
}

const bomb = [
  'a: &a [00,00,00,00,00,00,00,00,00]',
  'b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]',
  'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]',
  'd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]',
  'e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]',
  'f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]',
  'g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]',
  'h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]',
  'i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]',
].join('\n') + '\n';

export const UNMARSHAL_CASES: GoYamlCase[] = [
  { data: 'v: hi', value: { v: 'hi' } },
  { data: 'v: true', value: { v: true } },
  { data: 'v: 10', value: { v: 10 } },
  { data: 'v: 0b10', value: { v: 2 } },
  { data: 'v: 0xA', value: { v: 10 } },
  { data: 'v: 4294967296', value: { v: 4294967296 } },
  { data: 'v: 0.1', value: { v: 0.1 } },
  { data: 'v: .1', value: { v: 0.1 } },
  { data: 'v: .Inf', error: /json: unsupported value: \+Inf/ },
  { data: 'v: -.Inf', error: /json: unsupported value: -Inf/ },
  { data: 'v: -10', value: { v: -10 } },
  { data: 'v: -.1', value: { v: -0.1 } },
  // Floats from spec
  { data: 'canonical: 6.8523e+5', value: { canonical: 6.8523e+5 } },
  { data: 'expo: 685.230_15e+03', value: { expo: 685.23015e+03 } },
  { data: 'fixed: 685_230.15', value: { fixed: 685230.15 } },
  { data: 'neginf: -.inf', error: /json: unsupported value: -Inf/ },
  { data: 'notanum: .NaN', error: /json: unsupported value: NaN/ },
  // Bools from spec
  { data: 'canonical: y', value: { canonical: true } },
  { data: 'answer: NO', value: { answer: false } },
  { data: 'logical: True', value: { logical: true } },
  { data: 'option: on', value: { option: true } },
  // Ints from spec
  { data: 'canonical: 685230', value: { canonical: 685230 } },
  { data: 'decimal: +685_230', value: { decimal: 685230 } },
  { data: 'octal: 02472256', value: { octal: 685230 } },
  { data: 'hexa: 0x_0A_74_AE', value: { hexa: 685230 } },
  { data: 'bin: 0b1010_0111_0100_1010_1110', value: { bin: 685230 } },
  { data: 'bin: -0b101010', value: { bin: -42 } },
  { data: 'bin: -0b1000000000000000000000000000000000000000000000000000000000000000', value: { bin: -9223372036854775808 } },
  // Nulls from spec
  { data: 'empty:', value: { empty: null } },
  { data: 'canonical: ~', value: { canonical: null } },
  { data: 'english: null', value: { english: null } },
  { data: '~: null key', error: /unsupported map key of type: <nil>/ }, // json: go-yaml gives {nil: "null key"}
  // Flow and block sequences
  { data: 'seq: [A,B]', value: { seq: ['A', 'B'] } },
  { data: 'seq: [A,B,C,]', value: { seq: ['A', 'B', 'C'] } },
  { data: 'seq: [A,1,C]', value: { seq: ['A', 1, 'C'] } },
  { data: 'seq:\n - A\n - B', value: { seq: ['A', 'B'] } },
  { data: 'seq:\n - A\n - 1\n - C', value: { seq: ['A', 1, 'C'] } },
  // Literal and folded block scalars
  { data: 'scalar: | # Comment\n\n literal\n\n \ttext\n\n', value: { scalar: '\nliteral\n\n\ttext\n' } },
  { data: 'scalar: > # Comment\n\n folded\n line\n \n next\n line\n  * one\n  * two\n\n last\n line\n\n', value: { scalar: '\nfolded line\nnext line\n * one\n * two\n\nlast line\n' } },
  { data: 'a: {b: c}', value: { a: { b: 'c' } } },
  // int64 / uint64 / float64 limits (JS numbers: the same doubles json.Unmarshal would give)
  { data: 'int64_max: 9223372036854775807', value: { int64_max: 9223372036854775807 } },
  { data: 'int64_min: -9223372036854775808', value: { int64_min: -9223372036854775808 } },
  { data: 'uint64_max: 18446744073709551615', value: { uint64_max: 18446744073709551615 } },
  { data: 'float64_max: 1.797693134862315708145274237317043567981e+308', value: { float64_max: Number.MAX_VALUE } },
  { data: 'float64_nonzero: 4.940656458412465441765687928682213723651e-324', value: { float64_nonzero: Number.MIN_VALUE } },
  { data: 'float64_maxuint64+1: 18446744073709551616', value: { 'float64_maxuint64+1': 18446744073709551616 } },
  // Quoted values
  { data: '\'1\': \'"2"\'', value: { 1: '"2"' } },
  { data: 'v:\n- A\n- \'B\n\n  C\'\n', value: { v: ['A', 'B\nC'] } },
  // Explicit tags
  { data: 'v: !!float \'1.1\'', value: { v: 1.1 } },
  { data: 'v: !!float 0', value: { v: 0 } },
  { data: 'v: !!float -1', value: { v: -1 } },
  { data: 'v: !!null \'\'', value: { v: null } },
  { data: '%TAG !y! tag:yaml.org,2002:\n---\nv: !y!int \'1\'', value: { v: 1 } },
  { data: 'v: ! test', value: { v: 'test' } },
  // Anchors and aliases
  { data: 'a: &x 1\nb: &y 2\nc: *x\nd: *y\n', value: { a: 1, b: 2, c: 1, d: 2 } },
  { data: 'a: &a {c: 1}\nb: *a', value: { a: { c: 1 }, b: { c: 1 } } },
  { data: 'a: &a [1, 2]\nb: *a', value: { a: [1, 2], b: [1, 2] } },
  { data: 'foo: \'\'', value: { foo: '' } },
  { data: 'foo: null', value: { foo: null } },
  { data: 'foo: ~', value: { foo: null } },
  // bug 1243827, issue #295, durations, issue #24, base 60
  { data: 'a: -b_c', value: { a: '-b_c' } },
  { data: 'a: +b_c', value: { a: '+b_c' } },
  { data: 'a: 50cent_of_dollar', value: { a: '50cent_of_dollar' } },
  { data: 'a: {b: https://github.com/go-yaml/yaml}', value: { a: { b: 'https://github.com/go-yaml/yaml' } } },
  { data: 'a: [https://github.com/go-yaml/yaml]', value: { a: ['https://github.com/go-yaml/yaml'] } },
  { data: 'a: 3s', value: { a: '3s' } },
  { data: 'a: <foo>', value: { a: '<foo>' } },
  { data: 'a: 1:1\n', value: { a: '1:1' } },
  // Binary data: go-yaml gives the bytes; json.Marshal turns each invalid UTF-8 byte into U+FFFD.
  { data: 'a: !!binary gIGC\n', value: { a: '\ufffd\ufffd\ufffd' } },
  { data: `a: !!binary |\n  ${'kJCQ'.repeat(17)}kJ\n  CQ\n`, value: { a: '\ufffd'.repeat(54) } },
  { data: `a: !!binary |\n  ${'A'.repeat(70)}\n  ==\n`, value: { a: '\u0000'.repeat(52) } },
  { data: 'a:\n b:\n  c: d\n', value: { a: { b: { c: 'd' } } } },
  // Timestamps decoded into interface{} stay strings
  { data: 'a: !!str 2015-01-01', value: { a: '2015-01-01' } },
  { data: 'a: "2015-01-01"', value: { a: '2015-01-01' } },
  { data: 'a: !!timestamp "2015-01-01"', value: { a: '2015-01-01' } },
  { data: 'a: 2015-01-01', value: { a: '2015-01-01' } },
  { data: 'a: 2015-02-24T18:19:39.12Z\n', value: { a: '2015-02-24T18:19:39.12Z' } },
  { data: 'a: 2015-2-3T3:4:5Z', value: { a: '2015-2-3T3:4:5Z' } },
  { data: 'a: 123456e1\n', value: { a: 123456e1 } },
  { data: 'a: 123456E1\n', value: { a: 123456E1 } },
  // yaml-test-suite 3GZX: Spec Example 7.1. Alias Nodes
  {
    data: 'First occurrence: &anchor Foo\nSecond occurrence: *anchor\nOverride anchor: &anchor Bar\nReuse anchor: *anchor\n',
    value: { 'First occurrence': 'Foo', 'Second occurrence': 'Foo', 'Override anchor': 'Bar', 'Reuse anchor': 'Bar' },
  },
  { data: 'a:\n  b\nb:\n  ? a\n  : a', value: { a: 'b', b: { a: 'a' } } },
  // unmarshalStrictTests, non-strict result (later duplicates win); a null key cannot become JSON
  { data: 'a: 1\nb: 2\na: 3\n', value: { a: 3, b: 2 } },
  { data: 'a: 1\n9: 2\nnull: 3\n9: 4', error: /unsupported map key of type: <nil>/ },
];

export const UNMARSHAL_ERROR_CASES: GoYamlCase[] = [
  { data: 'v: !!float \'error\'', error: /cannot decode !!str `error` as a !!float/ },
  { data: 'a: *b\n', error: /unknown anchor 'b' referenced/ },
  { data: 'a: &a\n  b: *a\n', error: /anchor 'a' value contains itself/ },
  { data: 'a: &x null\n<<:\n- *x\nb: &x {}\n', error: /map merge requires map or sequence of maps as the value/ },
  { data: 'a: !!binary ==', error: /!!binary value contains invalid base64 data/ },
  { data: '{[.]}', error: /invalid map key/ },
  { data: '{{.}}', error: /invalid map key/ },
  { data: 'b: *a\na: &a {c: 1}', error: /unknown anchor 'a' referenced/ },
  { data: bomb, error: /document contains excessive aliasing/ },
];

/** Syntax errors (go-yaml: "did not find expected node content", ...): the `yaml` package refuses them too. */
export const SYNTAX_ERROR_CASES: string[] = [
  'v: [A,',
  'v:\n- [A,',
  'a:\n- b: *,',
  'value: -',
  'a:\n  1:\nb\n  2:',
];

/** mergeTests: every map but `anchors` equals {x: 1, y: 2, r: 10, label: center/big}. */
export const MERGE_DOCUMENT = `
anchors:
  list:
    - &CENTER { "x": 1, "y": 2 }
    - &LEFT   { "x": 0, "y": 2 }
    - &BIG    { "r": 10 }
    - &SMALL  { "r": 1 }

# All the following maps are equal:

plain:
  # Explicit keys
  "x": 1
  "y": 2
  "r": 10
  label: center/big

mergeOne:
  # Merge one map
  << : *CENTER
  "r": 10
  label: center/big

mergeMultiple:
  # Merge multiple maps
  << : [ *CENTER, *BIG ]
  label: center/big

override:
  # Override
  << : [ *BIG, *LEFT, *SMALL ]
  "x": 1
  label: center/big

shortTag:
  # Explicit short merge tag
  !!merge "<<" : [ *CENTER, *BIG ]
  label: center/big

longTag:
  # Explicit merge long tag
  !<tag:yaml.org,2002:merge> "<<" : [ *CENTER, *BIG ]
  label: center/big

inlineMap:
  # Inlined map
  << : {"x": 1, "y": 2, "r": 10}
  label: center/big

inlineSequenceMap:
  # Inlined map in sequence
  << : [ *CENTER, {"r": 10} ]
  label: center/big
`;
