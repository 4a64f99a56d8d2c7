import { cdk8s, javascript } from 'projen';
import { UpdateSnapshot } from 'projen/lib/javascript';

/**
 * cdk8s-secure-baseline: the single source of project configuration.
 *
 * Never hand-edit the files projen generates (package.json, tsconfig*, .eslintrc.json,
 * .gitignore, .npmignore, .projen/*): change this file and run `npx projen`.
 */
const project = new cdk8s.ConstructLibraryCdk8s({
  name: 'cdk8s-secure-baseline',
  description:
    'Hardened-by-default cdk8s constructs: Pod Security "restricted", default-deny networking, least-privilege RBAC, mesh mTLS, encrypted storage and a synth-time audit.',
  author: 'cdk8s-secure-baseline maintainers',
  authorAddress: 'maintainers@cdk8s-secure-baseline.dev',
  repositoryUrl: 'https://github.com/cdk8s-secure-baseline/cdk8s-secure-baseline.git',
  license: 'Apache-2.0',
  defaultReleaseBranch: 'main',
  packageManager: javascript.NodePackageManager.NPM,
  projenrcTs: true,
  keywords: ['cdk8s', 'kubernetes', 'security', 'pod-security', 'networkpolicy', 'rbac', 'istio', 'linkerd', 'cert-manager'],

  // ConstructLibraryCdk8s still defaults to cdk8s 1.x / constructs 3.x.
  cdk8sVersion: '2.70.0',
  constructsVersion: '10.3.0',
  jsiiVersion: '~5.9.0',
  typescriptVersion: '~5.9.0',
  minNodeVersion: '20.16.0',

  // cdk8s and constructs are the peers (from cdk8sVersion/constructsVersion). cdk8s-plus-27 is not
  // one: nothing in src/ imports it (PodHardening works on any workload ApiObject by shape, so it
  // hardens cdk8s-plus workloads of any line), and as a peer npm would install its ~190 packages
  // into every user's app. It stays a devDependency for the tests and the benchmark.
  // The audit CLI and the cdk8s-cli plugin read YAML at run time.
  bundledDeps: ['yaml@^2.6.0'],
  devDeps: [
    'cdk8s-plus-27@2.9.5',
    'cdk8s-cli@2.207.60',
    // Schema validation of everything a test or the example synthesizes. These are the last
    // CommonJS lines (the newest majors are ESM-only and need Node 22).
    'kubernetes-models@4.5.1',
    '@kubernetes-models/istio@2.3.0',
    '@kubernetes-models/cert-manager@4.4.4',
    '@kubernetes-models/prometheus-operator@4.4.4',
    // Gateway API (Gateway, HTTPRoute, GRPCRoute, ReferenceGrant): 0.5.x is the last CommonJS line.
    '@kubernetes-models/gateway-api@0.5.1',
    '@kubernetes-models/validate@^4.0.0',
    // Compiles the vendored CRD schemas (crds/) in the test suite's validator.
    'ajv@^8.17.0',
    'ts-node@^10.9.2',
    // Property-based tests: random valid construct props must never produce what the audit rejects.
    'fast-check@^3.23.2',
    // The official PromQL grammar: every alert expression is parsed in tests.
    '@prometheus-io/lezer-promql@0.315.0',
    '@lezer/lr@^1.4.0',
    '@lezer/highlight@^1.2.0',
    // A CEL evaluator: every admission-policy expression is evaluated on allowed and denied objects.
    '@bufbuild/cel@0.6.1',
  ],

  // Package the JS target only: Python/Java/Go/.NET packaging needs build tools that are not
  // reachable here. The API is kept jsii-clean so those targets can follow.

  // No GitHub workflows or release automation for now.
  github: false,
  release: false,
  buildWorkflow: false,
  depsUpgrade: false,
  pullRequestTemplate: false,

  jestOptions: {
    // projen's default runs `jest --updateSnapshot`, so a snapshot test could never fail.
    updateSnapshot: UpdateSnapshot.NEVER,
    jestVersion: '^29',
    jestConfig: {
      testMatch: ['<rootDir>/test/**/*.test.ts'],
    },
  },
  eslintOptions: { dirs: ['src'], devdirs: ['test', 'examples', 'bench', 'scripts', 'projenrc'] },
  tsconfigDev: {
    // test/tsconfig.json: paths are relative to test/.
    include: ['../examples/**/*.ts', '../bench/**/*.ts', '../scripts/**/*.ts'],
    compilerOptions: {},
  },
  // /dist-reports/: the example's SecurityAudit and ReachabilityCheck reports (beside dist/, which it synthesizes into).
  gitignore: ['/cdk8s.out/', '/bench/results/', '*.cpuprofile', '/dist-reports/'],
});

for (const p of ['/examples/', '/bench/', '/scripts/', '/.ci/', '/crds/', '/docs/', '/cdk8s.yaml']) project.addPackageIgnore(p);

// jsii prints a large Node 20 end-of-life banner on every run. The variable lists the silenced
// Node majors (comma-separated): '1' would silence nothing.
project.tasks.addEnvironment('JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION', '20');

// From a fresh clone `npm ci` fails when the lockfile lacks other platforms' entries of
// `@unrs/resolver-binding-*` (pulled in by the eslint import resolver). Pin unrs-resolver to a
// version published for every platform.
project.package.addField('overrides', { 'unrs-resolver': '1.11.1' });

// ts-jest does not type-check tests: type-check src, test, examples and bench as part of `test`.
const typecheck = project.addTask('typecheck', {
  description: 'Type-check src/, test/, examples/, bench/ and .projenrc.ts without emitting',
  exec: 'tsc --noEmit -p test/tsconfig.json',
});
project.testTask.prependSpawn(typecheck);

// Snapshot updates have their own, explicit task: `npx projen test:update` (added by projen).

// The main job: synthesize the example app into dist/ and print a summary.
project.addTask('synth:example', {
  description: 'Synthesize the example shop app into dist/ and print a summary',
  exec: 'ts-node --prefer-ts-exts examples/shop/main.ts',
});

// The audit CLI (`cdk8s-secure-baseline audit|reachability ...`).
project.addBins({ 'cdk8s-secure-baseline': 'lib/cli/audit.js' });

// The rules catalogue RULES.md is generated from the rule files before every compile.
const genRules = project.addTask('gen:rules', {
  description: 'Regenerate RULES.md from the audit rules',
  exec: 'ts-node -T -P test/tsconfig.json scripts/gen-rules.ts',
});
project.preCompileTask.spawn(genRules);

// The benchmark (not part of the test suite): `npx projen bench`.
project.addTask('bench', {
  description: 'Benchmark synthesis and audit against plain cdk8s-plus-27 (prints a table, writes bench/results/latest.json)',
  exec: 'ts-node -T -P bench/tsconfig.json bench/run.ts',
  receiveArgs: true,
});

// The README's test command: the full projen build (compile, docgen, test, eslint, package)
// followed by a check that nothing projen manages or generates was out of date.
const ci = project.addTask('ci', {
  description: 'Full build + tests, then fail if any generated or projen-managed file changed',
});
ci.exec('node scripts/generated-files.js snapshot');
ci.spawn(project.buildTask);
ci.exec('node scripts/generated-files.js verify');

project.synth();
