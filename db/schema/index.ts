export * from './workspaces';
export * from './accounts';
export * from './customers';
export * from './surveys';
export * from './campaigns';
export * from './responses';
export * from './flags';
export * from './email';
