/**
 * `App.synth()` and `App.synthYaml()` validate the whole app first and then once more per chart
 * (through `Chart.toJson()` -> `App._synthChart()`). The first validation already audited every
 * object and nothing changes in between, so whole-app validations (the audit, the reachability
 * check) skip the per-chart repeats: otherwise synth would cost O(charts x objects) and print
 * their summaries once per chart. Detected from the call stack: cdk8s offers no synth hook.
 */
export function isRevalidationDuringAppSynth(): boolean {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 100;
  const stack = new Error().stack ?? '';
  Error.stackTraceLimit = limit;
  // Frames point at cdk8s/lib/app.js, or at cdk8s/src/app.ts when source maps are applied.
  return /_synthChart \(.*cdk8s[\\/](?:lib|src)[\\/]app\.[jt]s/.test(stack)
    && /\.synth(?:Yaml)? \(.*cdk8s[\\/](?:lib|src)[\\/]app\.[jt]s/.test(stack);
}
