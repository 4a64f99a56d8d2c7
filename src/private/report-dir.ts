import * as path from 'path';

/**
 * Internal: where synth-time reports (SecurityAudit, ReachabilityCheck) go by default: the folder
 * beside the App's outdir named `<outdir>-reports` (`dist` → `dist-reports`). Never inside the
 * outdir: that is the folder Argo CD / Flux apply, and they (like kubectl and this project's CLI)
 * read its `.json` files as manifests. Beside it, and named after it, so that each app's reports
 * are found next to its manifests and two apps with different outdirs never share a folder.
 */
export function defaultReportDir(outdir: string): string {
  let dir = path.normalize(outdir).replace(/[\\/]+$/, '');
  // `.`, `..`, `../..` or the root: name the folder after the absolute path instead.
  if (dir === '' || path.basename(dir) === '.' || path.basename(dir) === '..') dir = path.resolve(outdir);
  return `${dir}-reports`;
}
