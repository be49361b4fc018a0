// The Omnikit protocol's wire contract (docs/protocol.md), imported by the SDK and the server alike.
export * from './chat.ts';
export * from './devices.ts';
export * from './documents.ts';
export * from './erasure.ts';
export * from './errors.ts';
export * from './events.ts';
export * from './form-fields.ts';
export * from './handoffs.ts';
export * from './hlc.ts';
export * from './identify.ts';
export * from './limits.ts';
export * from './record.ts';
export * from './retry.ts';
export * from './shapes.ts';
export * from './stream.ts';
export * from './sync.ts';
