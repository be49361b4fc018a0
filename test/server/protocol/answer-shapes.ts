// The protocol module's answer shapes (src/protocol/shapes.ts) as the conformance test needs them:
// which answer carries which shape, where docs/openapi.json describes each, and a check of a real
// answer's fields against its shape.
import { type Presence, SHAPES, type ShapeName } from '../../../src/protocol/index.ts';

/** The shape of each documented success answer, by `METHOD path status`. */
export const ANSWER_SHAPES: Record<string, ShapeName> = {
  'POST /v1/batch 200': 'BatchAnswer',
  'POST /v1/devices 201': 'RegisterAnswer',
  'POST /v1/identify 200': 'IdentifyAnswer',
  'POST /v1/sync 200': 'SyncAnswer',
  'POST /v1/handoff 201': 'HandoffCreated',
  'POST /v1/handoff/peek 200': 'HandoffPeek',
  'POST /v1/handoff/claim 200': 'HandoffClaimed',
  'DELETE /v1/profiles/{userId} 200': 'ErasureReceipt',
  'DELETE /v1/devices/current/data 200': 'ErasureReceipt',
  'GET /v1/profiles/{userId}/consent 200': 'ConsentAnswer',
  'POST /v1/profiles/{userId}/orders 200': 'Order',
  'POST /v1/profiles/{userId}/loyalty 200': 'Loyalty',
  'POST /v1/profiles/{userId}/resume-links 201': 'ResumeLinkCreated',
  'POST /v1/resume 200': 'ResumeAnswer',
  'POST /v1/store-codes 201': 'StoreCodeCreated',
  'POST /v1/store/lookup 200': 'StoreView',
  'POST /v1/store/sales 201': 'StoreSale',
};

/** The data of each device stream event. */
export const STREAM_EVENT_SHAPES: Record<string, ShapeName> = {
  changed: 'StreamChanged',
  typing: 'DeviceTyping',
};

/** Fields whose value is an object (or a list of objects) of another shape. */
const NESTED: Partial<Record<ShapeName, Record<string, ShapeName>>> = {
  ErrorBody: { error: 'ErrorDetail' },
  BatchAnswer: { rejected: 'RejectedEvent' },
  SyncAnswer: { records: 'StoredRecord', rejected: 'RejectedRecord' },
  HandoffPeek: { summary: 'HandoffSummary' },
  HandoffSummary: { cart: 'CartSummary' },
  ErasureReceipt: { removed: 'ErasedRows' },
  ConsentAnswer: { receipts: 'ConsentReceipt' },
  Order: { items: 'OrderItem' },
  ResumeAnswer: { lines: 'ResumeLine' },
  StoreView: { cart: 'ResumeLine' },
  StoreSale: { order: 'Order' },
};

/** Where docs/openapi.json describes each shape: a schema, then property names down from it. */
export const OPENAPI_SCHEMAS: Record<ShapeName, [schema: string, ...properties: string[]]> = {
  ErrorBody: ['Error'],
  ErrorDetail: ['Error', 'error'],
  BatchAnswer: ['BatchResponse'],
  RejectedEvent: ['RejectedEvent'],
  RegisterAnswer: ['RegisterResponse'],
  IdentifyAnswer: ['IdentifyResponse'],
  SyncAnswer: ['SyncResponse'],
  StoredRecord: ['StoredRecord'],
  RejectedRecord: ['RejectedRecord'],
  StreamChanged: ['StreamChanged'],
  DeviceTyping: ['DeviceTyping'],
  HandoffCreated: ['HandoffCreated'],
  HandoffPeek: ['HandoffPeek'],
  HandoffSummary: ['HandoffPeek', 'summary'],
  CartSummary: ['HandoffPeek', 'summary', 'cart'],
  HandoffClaimed: ['HandoffClaimed'],
  ErasureReceipt: ['ErasureReceipt'],
  ErasedRows: ['ErasureReceipt', 'removed'],
  ConsentAnswer: ['ConsentAnswer'],
  ConsentReceipt: ['ConsentReceipt'],
  Order: ['Order'],
  OrderItem: ['OrderItem'],
  Loyalty: ['Loyalty'],
  ResumeLinkCreated: ['ResumeLinkCreated'],
  ResumeAnswer: ['ResumeAnswer'],
  ResumeLine: ['ResumeLine'],
  StoreCodeCreated: ['StoreCodeCreated'],
  StoreView: ['StoreView'],
  StoreSale: ['StoreSale'],
};

/** The fields of a shape that are always there. */
export const requiredFields = (name: ShapeName): string[] =>
  Object.entries(SHAPES[name] as Record<string, Presence>)
    .filter(([, presence]) => presence === 'required')
    .map(([field]) => field);

/**
 * Checks that `value` carries exactly the fields of shape `name` (every required one, no other), and
 * so do the objects nested in it; returns the problems found and adds each shape checked to `seen`.
 */
export function shapeProblems(value: unknown, name: ShapeName, seen: Set<ShapeName>, path = '$'): string[] {
  seen.add(name);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return [`${path}: ${name} must be an object`];
  }
  const declared = Object.keys(SHAPES[name]);
  const fields = Object.keys(value);
  const problems = [
    ...fields.filter((f) => !declared.includes(f)).map((f) => `${path}.${f}: not a field of ${name}`),
    ...requiredFields(name)
      .filter((f) => !fields.includes(f))
      .map((f) => `${path}.${f}: a required field of ${name} is missing`),
  ];
  for (const [field, nested] of Object.entries(NESTED[name] ?? {})) {
    const inner = (value as Record<string, unknown>)[field];
    const items = Array.isArray(inner) ? inner : inner === undefined ? [] : [inner];
    items.forEach((item, i) => {
      problems.push(
        ...shapeProblems(item, nested, seen, `${path}.${field}${Array.isArray(inner) ? `[${i}]` : ''}`),
      );
    });
  }
  return problems;
}
