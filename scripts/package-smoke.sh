#!/usr/bin/env bash
# The npm package as a user gets it: install the tarball the build produced (dist/js) into an
# empty project with its peer dependencies, synthesize a small app with the audit on, and run the
# packaged CLI (`cdk8s-secure-baseline audit` and `reachability`) over the output.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
tarball=$(ls "$root"/dist/js/*.tgz | head -n 1)
peers=$(node -p "Object.entries(require('$root/package.json').devDependencies).filter(([n]) => ['cdk8s','constructs','cdk8s-plus-27'].includes(n)).map(([n,v]) => n + '@' + v).join(' ')")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
npm init -y >/dev/null
npm install --no-audit --no-fund --loglevel=error "$tarball" $peers >/dev/null
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
test -s out/shop.k8s.yaml && test -s out/security-audit.sarif
npx --no-install cdk8s-secure-baseline audit out/
npx --no-install cdk8s-secure-baseline reachability --format mermaid out/ | head -n 3
echo "package smoke test passed: $(basename "$tarball")"
