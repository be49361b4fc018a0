// A runtime copy of the answers' types, for the conformance test (test/server/openapi.test.ts), which
// checks docs/openapi.json and the real server's answers against it. TypeScript checks each copy
// against its type (Shape<T>), so a field added to a type and not here, or the other way round, fails
// the build. The SDK never imports this file, so it stays out of the browser bundles.
import type { ConsentAnswer, ConsentReceipt } from './consent.ts';
import type { RegisterAnswer } from './devices.ts';
import type { ErasedRows, ErasureReceipt } from './erasure.ts';
import type { ErrorBody } from './errors.ts';
import type { BatchAnswer, RejectedEvent } from './events.ts';
import type { HandoffClaimed, HandoffCreated, HandoffPeek, HandoffSummary } from './handoffs.ts';
import type { IdentifyAnswer } from './identify.ts';
import type { StoredRecord } from './record.ts';
import type { ResumeAnswer, ResumeLine, ResumeLinkCreated } from './resume.ts';
import type { Loyalty, Order, OrderItem } from './shop-state.ts';
import type { StoreCodeCreated, StoreSale, StoreView } from './store-codes.ts';
import type { DeviceTyping, StreamChanged } from './stream.ts';
import type { RejectedRecord, SyncAnswer } from './sync.ts';

/** Whether an object's field is always there or may be left out. */
export type Presence = 'required' | 'optional';

/** Every field of `T`, and whether it is always there (`optional`: declared with `?`). */
export type Shape<T> = { [Field in keyof T]-?: object extends Pick<T, Field> ? 'optional' : 'required' };

const REQUIRED = 'required';
const OPTIONAL = 'optional';

/** The objects the protocol answers with, by type name; nested objects have entries of their own. */
export const SHAPES = {
  ErrorBody: { error: REQUIRED } satisfies Shape<ErrorBody>,
  ErrorDetail: { code: REQUIRED, message: REQUIRED } satisfies Shape<ErrorBody['error']>,
  ErasureReceipt: {
    receiptId: REQUIRED,
    erasedAt: REQUIRED,
    suppressed: REQUIRED,
    removed: REQUIRED,
  } satisfies Shape<ErasureReceipt>,
  ErasedRows: {
    events: REQUIRED,
    records: REQUIRED,
    devices: REQUIRED,
    profiles: REQUIRED,
    handoffs: REQUIRED,
    violations: REQUIRED,
    deliveries: REQUIRED,
  } satisfies Shape<ErasedRows>,
  ConsentAnswer: {
    userId: REQUIRED,
    current: REQUIRED,
    receipts: REQUIRED,
    next: OPTIONAL,
  } satisfies Shape<ConsentAnswer>,
  ConsentReceipt: {
    category: REQUIRED,
    granted: REQUIRED,
    channel: REQUIRED,
    policy: OPTIONAL,
    deviceId: REQUIRED,
    clientAt: REQUIRED,
    receivedAt: REQUIRED,
  } satisfies Shape<ConsentReceipt>,
  BatchAnswer: {
    ok: REQUIRED,
    accepted: REQUIRED,
    duplicates: REQUIRED,
    rejected: REQUIRED,
    rejectedCount: REQUIRED,
  } satisfies Shape<BatchAnswer>,
  RejectedEvent: {
    index: REQUIRED,
    messageId: REQUIRED,
    code: REQUIRED,
    message: REQUIRED,
  } satisfies Shape<RejectedEvent>,
  RegisterAnswer: {
    deviceId: REQUIRED,
    token: REQUIRED,
    profileId: REQUIRED,
  } satisfies Shape<RegisterAnswer>,
  IdentifyAnswer: {
    profileId: REQUIRED,
    userId: REQUIRED,
    previousProfileId: REQUIRED,
    wasAnonymous: REQUIRED,
  } satisfies Shape<IdentifyAnswer>,
  SyncAnswer: {
    records: REQUIRED,
    cursor: REQUIRED,
    profileId: REQUIRED,
    more: REQUIRED,
    rejected: REQUIRED,
    rejectedCount: REQUIRED,
    reset: OPTIONAL,
  } satisfies Shape<SyncAnswer>,
  StoredRecord: {
    doc: REQUIRED,
    key: REQUIRED,
    value: REQUIRED,
    hlc: REQUIRED,
    deleted: REQUIRED,
  } satisfies Shape<StoredRecord>,
  RejectedRecord: { hlc: REQUIRED, code: REQUIRED, message: REQUIRED } satisfies Shape<RejectedRecord>,
  StreamChanged: {
    cursor: REQUIRED,
    profileId: OPTIONAL,
    from: OPTIONAL,
    records: OPTIONAL,
  } satisfies Shape<StreamChanged>,
  DeviceTyping: { typing: REQUIRED, name: OPTIONAL } satisfies Shape<DeviceTyping>,
  HandoffCreated: { token: REQUIRED, expiresAt: REQUIRED } satisfies Shape<HandoffCreated>,
  HandoffPeek: { summary: REQUIRED, expiresAt: REQUIRED } satisfies Shape<HandoffPeek>,
  HandoffSummary: { cart: REQUIRED } satisfies Shape<HandoffSummary>,
  CartSummary: { lines: REQUIRED, quantity: REQUIRED } satisfies Shape<HandoffSummary['cart']>,
  HandoffClaimed: { profileId: REQUIRED } satisfies Shape<HandoffClaimed>,
  Order: {
    id: REQUIRED,
    status: REQUIRED,
    items: REQUIRED,
    total: OPTIONAL,
    currency: OPTIONAL,
    channel: OPTIONAL,
    placedAt: OPTIONAL,
    updatedAt: REQUIRED,
  } satisfies Shape<Order>,
  OrderItem: {
    name: REQUIRED,
    quantity: REQUIRED,
    productId: OPTIONAL,
    variantId: OPTIONAL,
    price: OPTIONAL,
  } satisfies Shape<OrderItem>,
  Loyalty: {
    points: REQUIRED,
    tier: OPTIONAL,
    expiresAt: OPTIONAL,
    updatedAt: REQUIRED,
  } satisfies Shape<Loyalty>,
  ResumeLinkCreated: { link: REQUIRED, expiresAt: REQUIRED } satisfies Shape<ResumeLinkCreated>,
  ResumeAnswer: { lines: REQUIRED, expiresAt: REQUIRED } satisfies Shape<ResumeAnswer>,
  ResumeLine: {
    productId: REQUIRED,
    name: REQUIRED,
    price: REQUIRED,
    qty: REQUIRED,
    variantId: OPTIONAL,
    currency: OPTIONAL,
    options: OPTIONAL,
  } satisfies Shape<ResumeLine>,
  StoreCodeCreated: { code: REQUIRED, expiresAt: REQUIRED } satisfies Shape<StoreCodeCreated>,
  StoreView: {
    profileId: REQUIRED,
    userId: REQUIRED,
    name: OPTIONAL,
    nameVerified: OPTIONAL,
    cart: REQUIRED,
    recent: REQUIRED,
    forms: REQUIRED,
    expiresAt: REQUIRED,
  } satisfies Shape<StoreView>,
  StoreSale: { order: REQUIRED, messageId: REQUIRED } satisfies Shape<StoreSale>,
} as const;

/** The name of a protocol answer's object type. */
export type ShapeName = keyof typeof SHAPES;
