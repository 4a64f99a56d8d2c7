#!/usr/bin/env bash
# The npm package as a user gets it: install the tarball the build produced (dist/js) into an
# empty project with its peer dependencies, synthesize a small app with the audit on, and run the
# packaged CLI (`cdk8s-secure-baseline audit` and `reachability`) over the output.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
tarball=$(ls "$root"/dist/js/*.tgz | head -n 1)
# cdk8s and constructs are the peers; cdk8s-plus-27 is optional (nothing in the library imports it),
# so the package is tried without it and then with it. Versions are the ones this project tests with.
version() { node -p "require('$root/package.json').devDependencies['$1']"; }
peers="cdk8s@$(version cdk8s) constructs@$(version constructs)"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
npm init -y >/dev/null
npm install --no-audit --no-fund --loglevel=error "$tarball" $peers >/dev/null
test ! -e node_modules/cdk8s-plus-27 || { echo "cdk8s-plus-27 was installed without being asked for" >&2; exit 1; }
cat > app.js <<'JS'
const { App, Chart } = require('cdk8s');
const { Mesh, MtlsService, SecureNamespace, SecurityAudit } = require('cdk8s-secure-baseline');
const app = new App({ outdir: 'out' });
SecurityAudit.of(app);
const ns = new SecureNamespace(new Chart(app, 'shop'), 'ns', { name: 'shop', mesh: Mesh.istio() });
const api = new MtlsService(ns, 'api', { image: 'ghcr.io/acme/api:1.0.0', port: 8080 });
api.allowFrom(new MtlsService(ns, 'web', { image: 'ghcr.io/acme/web:1.0.0', port: 8080 }));
app.synth();
JS
node app.js
test -s out/shop.k8s.yaml && test -s out-reports/security-audit.sarif
# The whole folder, as a GitOps tool applies it: SecurityAudit writes its reports beside it
# (out-reports/), so every file in out/ is a manifest (a JSON report there would be a read error).
test "$(ls out)" = "shop.k8s.yaml" || { echo "out/ holds more than the manifests: $(ls out)" >&2; exit 1; }
npx --no-install cdk8s-secure-baseline audit out/
npx --no-install cdk8s-secure-baseline reachability --format mermaid out/ | head -n 3
test "$(npx --no-install cdk8s-secure-baseline --version)" = "$(node -p "require('cdk8s-secure-baseline/package.json').version")"

echo "== with cdk8s-plus-27: PodHardening hardens a cdk8s-plus Deployment"
npm install --no-audit --no-fund --loglevel=error "cdk8s-plus-27@$(version cdk8s-plus-27)" >/dev/null
cat > plus.js <<'JS'
const { App, Chart } = require('cdk8s');
const kplus = require('cdk8s-plus-27');
const { PodHardening, SecureNamespace } = require('cdk8s-secure-baseline');
const app = new App({ outdir: 'out-plus' });
const ns = new SecureNamespace(new Chart(app, 'batch'), 'ns', { name: 'batch' });
const web = new kplus.Deployment(ns, 'web', {
  metadata: { namespace: ns.name },
  containers: [{ image: 'ghcr.io/acme/web:1.0.0', portNumber: 8080 }],
});
PodHardening.apply(web);
app.synth();
const yaml = require('fs').readFileSync('out-plus/batch.k8s.yaml', 'utf-8');
for (const s of ['kind: Deployment', 'type: RuntimeDefault', '- ALL', 'runAsNonRoot: true', 'allowPrivilegeEscalation: false']) {
  if (!yaml.includes(s)) throw new Error(`the hardened cdk8s-plus Deployment lacks "${s}"`);
}
JS
node plus.js
echo "package smoke test passed: $(basename "$tarball")"
