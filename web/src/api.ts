// The client of the node's REST API (/api/v1). The session lives in the
// node's HttpOnly, SameSite=Strict cookie, so no token is ever held by
// script; every request is same-origin. Reads of personal data carry the
// officer's stated purpose in X-Purpose, as the API requires.

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly requestId = '',
  ) {
    super(message);
  }
}

export interface RequestOptions {
  json?: unknown;
  body?: BodyInit;
  contentType?: string;
  purpose?: string;
  headers?: Record<string, string>;
  query?: Record<string, string | number | undefined>;
}

let onSignedOut: (() => void) | null = null;

/** Called when the node answers 401 to a signed-in request (session ended). */
export function setSignedOutHandler(handler: () => void): void {
  onSignedOut = handler;
}

export async function request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json', ...options.headers };
  let body: BodyInit | undefined = options.body;
  if (options.json !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(options.json);
  } else if (options.contentType) {
    headers['Content-Type'] = options.contentType;
  }
  // Header values must be ISO-8859-1: a purpose in Urdu or with accents goes
  // percent-encoded in the query string instead (the API reads both).
  let url = path;
  const query = new URLSearchParams();
  for (const [k, v] of Object.entries(options.query ?? {})) {
    if (v !== undefined && v !== '') query.set(k, String(v));
  }
  if (options.purpose) {
    if (/^[\x20-\x7e]*$/.test(options.purpose)) headers['X-Purpose'] = options.purpose;
    else query.set('purpose', options.purpose);
  }
  const qs = query.toString();
  if (qs) url += (url.includes('?') ? '&' : '?') + qs;

  const response = await fetch(url, { method, headers, body, credentials: 'same-origin', cache: 'no-store' });
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  let data: unknown = undefined;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      throw new ApiError(response.status, 'invalid_response', `HTTP ${response.status}`);
    }
  }
  if (!response.ok) {
    const err = (data as { error?: { code?: string; message?: string; request_id?: string } })?.error;
    if (response.status === 401 && path !== '/api/v1/session' && onSignedOut) onSignedOut();
    throw new ApiError(response.status, err?.code ?? 'http_error', err?.message ?? `HTTP ${response.status}`, err?.request_id);
  }
  return data as T;
}

// ---- Types of the API's answers (the parts the interface shows) ----

export type Permission =
  | 'records.read'
  | 'records.write'
  | 'records.import'
  | 'audit.read'
  | 'users.manage'
  | 'node.admin'
  | 'stats.read'
  | 'retention.run'
  | 'partners.query'
  | 'screening.search'
  | 'screening.jobs'
  | 'cases.read'
  | 'cases.write'
  | 'followups.decide';

export interface Me {
  id: string;
  username?: string;
  display_name: string;
  role: string;
  clearance: string;
  crime_areas: string[];
  permissions: Permission[];
}

export interface PersonSummary {
  id: string;
  owner: string;
  crime_area: string;
  handling_code: string;
  alert: string;
  handling_note?: string;
  name?: string;
  aliases?: string[];
  father_name?: string;
  dob?: string;
  gender?: string;
  nationalities?: string[];
}

export interface TokenMatch {
  query: string;
  record: string;
  similarity: number;
  how: string;
  points: number;
}

export interface Explanation {
  score: number;
  total_points: number;
  bias: number;
  name_points: number;
  query_name: string;
  record_name: string;
  tokens: TokenMatch[];
  unmatched_query: string[];
  unmatched_record: string[];
  features: { feature: string; detail: string; points: number }[];
}

// A hit on an entry of a partner's shared watchlist: no record of this node.
export interface SharedListHit {
  owner: string;
  agency: string;
  reference: string;
  list_version: number;
  crime_area: string;
  handling_code: string;
  alert: string;
  notified: boolean;
}

export interface SearchHit {
  source?: 'own' | 'shared_watchlist';
  record_id?: string;
  score: number;
  summary: string;
  explanation: Explanation | null;
  record?: PersonSummary;
  shared?: SharedListHit;
}

// A stable key for a hit of either source.
export function hitKey(h: { record_id?: string; shared?: SharedListHit }): string {
  return h.record_id ?? `${h.shared?.owner ?? ''}:${h.shared?.reference ?? ''}`;
}

export interface PartnerResult {
  partner: string;
  answered: boolean;
  hit: boolean;
  references: string[];
  matches: { reference: string; band: string }[];
  response_ms?: number;
  error?: string;
}

export interface Partner {
  node_id: string;
  agency: string;
  country: string;
  status: string;
}

export interface ScreeningJob {
  id: string;
  state: string;
  file_name: string;
  candidates: number;
  screened: number;
  hits: number;
  threshold: number;
  top: number;
  purpose: string;
  case_ref: string;
  submitter: string;
  created_at: string;
  updated_at: string;
  finished_at: string | null;
  error: string | null;
}

export type Decision = 'confirmed' | 'dismissed' | 'needs_review';

export interface JobHit {
  hit: number;
  candidate: { id: string; name: string; line: number };
  source?: 'own' | 'shared_watchlist';
  record_id?: string;
  score: number;
  summary: string;
  explanation: Explanation | null;
  record?: PersonSummary;
  shared?: SharedListHit;
  decision: { decision: Decision; reason: string; reviewer: string; decided_at: string } | null;
}

export interface RecordJson {
  id: string;
  type: string;
  source_id: string;
  owner: string;
  crime_area: string;
  handling_code: string;
  handling_note: string;
  source_reliability: string;
  information_accuracy: number;
  alert: string;
  subject_category: string;
  review_date: string;
  created_at: string;
  updated_at: string;
  version: number;
  [body: string]: unknown;
}

export interface UserJson {
  id: string;
  username: string;
  display_name: string;
  role: string;
  clearance: string;
  crime_areas: string[];
  totp_enrolled: boolean;
  disabled: boolean;
  created_at: string;
}

export interface AuditEntry {
  seq: number;
  time: number;
  actor_id: string;
  actor_name: string;
  actor_role: string;
  action: string;
  outcome: string;
  outcome_text?: string;
  origin?: string;
  purpose?: string;
  case_ref?: string;
  object_ids?: string[];
  details?: Record<string, unknown>;
}

/** One side of the hit/no-hit exchange in a crime area and month. */
export interface QueryFigures {
  requests: number;
  answered: number;
  hits: number;
  refused?: number;
  response_ms_median?: number;
  response_ms_p90?: number;
}

export interface Stats {
  from: string;
  to: string;
  records_by_crime_area: Record<string, number>;
  months: Record<string, Record<string, Record<string, number>>>;
  totals: Record<string, number>;
  partners: Record<string, Record<string, Record<string, number>>>;
  /** crime area ("any" when the query named none) -> month -> sent and received queries */
  partner_queries_by_crime_area?: Record<string, Record<string, { sent: QueryFigures; received: QueryFigures }>>;
}

// ---- Case messaging (/api/v1/messaging) ----

export const PRIORITIES = ['routine', 'urgent', 'immediate'] as const;
export type Priority = (typeof PRIORITIES)[number];

export interface CaseJson {
  id: string;
  partner: string;
  origin: string;
  title: string;
  crime_area: string;
  handling_code: string;
  our_ref: string;
  their_ref: string;
  status: string;
  opened_by: string;
  created_ms: number;
}

export interface AttachmentJson {
  index: number;
  name: string;
  media_type: string;
  size: number;
  sha256: string;
  state?: string;
}

export interface EntityJson {
  type: string;
  body: Record<string, unknown>;
}

export interface MessageJson {
  id: string;
  case_id: string;
  direction: 'in' | 'out' | string;
  thread_seq: number;
  author: string;
  priority: Priority | string;
  answer_by: string;
  overdue: boolean;
  handling_code: string;
  in_reply_to: string;
  text: string;
  entities: EntityJson[];
  attachments: AttachmentJson[];
  sent_ms: number;
  received_ms: number;
  delivery: string;
  delivery_error: string;
  delivered_ms: number;
  read_ms: number;
  answered_ms: number;
  linked_records?: string[];
  forwards?: { to_user: string; by: string; at_ms: number }[];
  /** inbox entries only */
  case_title?: string;
  partner?: string;
}

export interface CaseView extends CaseJson {
  pending: number;
  messages: MessageJson[];
}

export const CRIME_AREAS = [
  'terrorism',
  'narcotics',
  'migrant_smuggling',
  'human_trafficking',
  'organised_crime',
  'missing_persons',
  'vehicle_crime',
  'other',
] as const;

export const HANDLING_CODES = ['H0', 'H1', 'H2', 'H3'] as const;
export const ALERTS = [
  '',
  'wanted',
  'surveillance',
  'missing_child',
  'missing_adult',
  'trafficking_victim',
  'protected_person',
  'stolen_vehicle',
  'lost_stolen_document',
] as const;
export const ROLES = ['administrator', 'liaison_officer', 'analyst', 'supervisor', 'auditor', 'system'] as const;
export const COLLECTIONS = ['persons', 'organisations', 'vehicles', 'documents', 'phones', 'cases'] as const;
export type Collection = (typeof COLLECTIONS)[number];
export const SUBJECT_CATEGORIES = ['unknown', 'suspect', 'convicted', 'victim', 'witness', 'missing_person', 'other'] as const;

// ---- Follow-up requests for a hit's data (/api/v1/followups) ----

export const URGENCIES = ['urgent', 'urgent_indirect', 'normal'] as const;

export interface ReleasedData {
  owner: string;
  record_type: string;
  crime_area: string;
  handling_code: string;
  handling_note: string;
  received_ms: number;
  retain_until_ms: number;
  erased_ms: number;
  data: Record<string, unknown> | null;
}

export interface FollowupJson {
  id: string;
  direction: 'outgoing' | 'incoming' | string;
  partner: string;
  reference: string;
  record_id: string;
  purpose: string;
  legal_basis: string;
  urgency: string;
  note: string;
  requested_by: string;
  requested_ms: number;
  received_ms: number;
  deadline_ms: number;
  overdue: boolean;
  state: string;
  decision_reason: string;
  decided_by: string;
  decided_ms: number;
  crime_area: string;
  handling_code: string;
  released_fields: string[];
  erased_ms: number;
  /** one outgoing follow-up */
  released?: ReleasedData | null;
  /** one incoming follow-up */
  record?: RecordJson | null;
  releasable_fields?: string[];
  withheld_fields?: string[];
}
