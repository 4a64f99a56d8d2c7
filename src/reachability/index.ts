export * from './analyzer';
export * from './check';
export * from './unmodelled-policy';
