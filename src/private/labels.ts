/** Internal: Kubernetes label values. */

/** A valid label value: at most 63 characters, alphanumeric at both ends, `-_.` inside. */
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** Whether `value` is a valid Kubernetes label value. */
export function isLabelValue(value: string): boolean {
  return value.length <= 63 && LABEL_VALUE.test(value);
}

/**
 * The `app.kubernetes.io/version` label value for an image tag: the tag itself when it is a valid
 * label value; otherwise (the same way Helm charts treat a chart's appVersion) the characters a
 * label value cannot hold become `_`, the result is cut to 63 characters and characters other
 * than letters and digits are trimmed from both ends; undefined when nothing is left. The image
 * reference itself stays exact: the label is for selecting and displaying, not for pulling.
 */
export function versionLabelValue(tag: string | undefined): string | undefined {
  if (tag === undefined) return undefined;
  if (isLabelValue(tag)) return tag;
  const value = tag.replace(/[^-A-Za-z0-9_.]/g, '_').slice(0, 63).replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, '');
  return value === '' ? undefined : value;
}
