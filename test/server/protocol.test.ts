// The device protocol's tests (§2–§4), one concept per module under ./protocol/, run in one process:
// every test file costs about a second of tsx start-up, and `node --test` runs files one at a time on
// a two-core machine. Run one module alone with `node --import tsx --test test/server/protocol/sync.ts`.
import './protocol/devices.ts';
import './protocol/sync.ts';
import './protocol/tombstones.ts';
import './protocol/stream.ts';
import './protocol/handoff.ts';
import './protocol/reprice.ts';
import './protocol/agent.ts';
import './protocol/agent-profile.ts';
import './protocol/provenance.ts';
import './protocol/handoff-trust.ts';
import './protocol/agent-order.ts';
import './protocol/agent-stored-rows.ts';
import './protocol/hostile-input.ts';
import './protocol/event-bodies.ts';
import './protocol/housekeeping.ts';
import './protocol/retention.ts';
import './protocol/limits.ts';
import './protocol/storage-faults.ts';
import './protocol/metrics.ts';
import './protocol/erasure.ts';
import './protocol/consent-receipts.ts';
import './protocol/shop-state.ts';
import './protocol/resume.ts';
import './protocol/store-codes.ts';
import './protocol/console.ts';
