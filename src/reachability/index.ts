export * from './analyzer';
export * from './check';
