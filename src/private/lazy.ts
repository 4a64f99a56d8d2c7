/**
 * A value computed when the object is rendered (cdk8s resolves objects with a `resolve()`
 * method at synth time), so that wiring added later — `allowFrom`, grants — is included without
 * re-building objects. Returning `undefined` drops the field.
 */
export function lazy<T>(produce: () => T): any {
  return { resolve: produce };
}
