/**
 * Differential tests, part 1: published test suites.
 *
 * Each scenario is a transcribed upstream case (kubernetes e2e truth tables, np-guard connlist
 * outputs, recipe walkthroughs). Its published expectations are asserted on the independent oracle
 * first (so the oracle itself is checked against upstream), then the analyzer
 * (`Reachability.fromManifests`) must agree with the oracle on every workload pair, every workload
 * against probe addresses, and every sampled protocol/port.
 */
import { compare, DEFAULT_PROBES, endpointOf, summarize } from './oracle/compare';
import { E2E_SCENARIOS } from './oracle/fixtures/k8s-e2e-netpol';
import { NP_GUARD_SCENARIOS } from './oracle/fixtures/np-guard';
import { RECIPE_SCENARIOS } from './oracle/fixtures/recipes';
import { isIp, Scenario } from './oracle/fixtures/scenario';
import { NetpolOracle } from './oracle/netpol-oracle';

const SCENARIOS: Scenario[] = [...E2E_SCENARIOS, ...NP_GUARD_SCENARIOS, ...RECIPE_SCENARIOS];

test('at least 20 published scenarios are transcribed', () => {
  expect(SCENARIOS.length).toBeGreaterThanOrEqual(20);
});

describe.each(SCENARIOS.map((s) => [s.name, s] as const))('%s', (_name, scenario) => {
  test('the oracle reproduces the published expectations', () => {
    const oracle = NetpolOracle.fromManifests(scenario.objects);
    expect(scenario.expectations.length).toBeGreaterThan(0);
    const wrong = scenario.expectations.filter((x) => {
      const got = oracle.allowed({ src: endpointOf(oracle, x.from), dst: endpointOf(oracle, x.to), protocol: x.protocol, port: x.port });
      return got !== x.allowed;
    }).map((x) => `${x.from} -> ${x.to} ${x.protocol}/${x.port}: published ${x.allowed}`);
    expect(wrong).toEqual([]);
  });

  test('the analyzer agrees with the oracle', () => {
    const named = scenario.expectations.flatMap((x) => [x.from, x.to]).filter(isIp);
    const probes = [...new Set([...DEFAULT_PROBES, ...(scenario.probes ?? []), ...named])];
    expect(summarize(compare(scenario.objects, probes))).toEqual([]);
  });
});
