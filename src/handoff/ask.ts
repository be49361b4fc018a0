import type { Sync } from '../sync/index.ts';
import type { HandoffProblem } from './types.ts';

/** The server's error codes a handoff call may answer, as the problem the customer is told. */
const PROBLEMS: Record<string, HandoffProblem> = {
  identified_profile: 'signed_in',
  identified_device: 'signed_in',
  handoff_used: 'used',
  handoff_expired: 'expired',
  handoff_not_found: 'unknown',
  invalid_handoff_token: 'unknown',
  resume_link_expired: 'expired',
  invalid_resume_token: 'unknown',
};

/** A handoff call: the answer, or the problem that stopped it (reported too). */
export async function ask<T>(sync: Sync, path: string, body: unknown): Promise<T | HandoffProblem> {
  let problem: HandoffProblem = 'unavailable';
  const answer = await sync._call<T>(path, body, undefined, (error) => {
    problem = PROBLEMS[error.code] ?? problem;
  });
  return answer ?? problem;
}
