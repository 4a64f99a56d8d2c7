export * from './network';
export * from './mesh';
export * from './secure-namespace';
export * from './least-privilege-service-account';
export * from './pod-hardening';
export * from './mtls-service';
