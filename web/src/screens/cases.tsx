// Case messaging with partner agencies: the inbox (priorities, overdue
// items, unread), the case list, opening a case with a partner, and a case's
// thread (messages in order with their handling code, priority, answer-by
// date, delivery and read acknowledgements, attachments and entities),
// with reply, mark answered and forward. API: /api/v1/messaging/...
import { useEffect, useState } from 'preact/hooks';
import {
  request,
  CRIME_AREAS,
  HANDLING_CODES,
  PRIORITIES,
  type AttachmentJson,
  type CaseJson,
  type CaseView,
  type EntityJson,
  type MessageJson,
  type Partner,
} from '../api';
import { ErrorBox, Field, Loading, Name, Tag } from '../components';
import { formatDate, formatDateTime, formatNumber, t, tDyn } from '../i18n';
import type { MessageKey } from '../locales/en';
import { usePurpose } from '../purpose';
import { href, navigate } from '../router';

// Largest attachment the node accepts by default ([messaging] max_attachment_bytes).
const MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024;

/** Agency names of the partners, for showing node ids readably. */
function usePartners(): Partner[] {
  const [partners, setPartners] = useState<Partner[]>([]);
  useEffect(() => {
    request<{ partners: Partner[] }>('GET', '/api/v1/partners')
      .then((r) => setPartners(r.partners))
      // A role without the partner list still sees node ids.
      .catch(() => setPartners([]));
  }, []);
  return partners;
}

function agencyOf(partners: Partner[], id: string | undefined): string {
  const p = partners.find((x) => x.node_id === id);
  return p ? `${p.agency} (${p.country})` : (id ?? '');
}

export function PriorityTag({ priority }: { priority: string }) {
  return <Tag kind={`priority-${priority}`}>{tDyn('priority', priority)}</Tag>;
}

/** The answer-by date (just the date under a column that names it), overdue flagged. */
function AnswerBy({ message, dateOnly = false }: { message: MessageJson; dateOnly?: boolean }) {
  if (!message.answer_by) return null;
  const date = formatDate(message.answer_by);
  return (
    <span class={message.overdue ? 'overdue' : undefined}>
      {dateOnly ? date : t('cases.answerByDate', { date })}
      {message.overdue && (
        <>
          {' '}
          <Tag kind="overdue">{t('cases.overdue')}</Tag>
        </>
      )}
    </span>
  );
}

// ---------------------------------------------------------------- Inbox

export function InboxScreen() {
  const partners = usePartners();
  const [unread, setUnread] = useState(false);
  const [unanswered, setUnanswered] = useState(false);
  const [priority, setPriority] = useState('');
  const [overdueOnly, setOverdueOnly] = useState(false);
  const [data, setData] = useState<{ messages: MessageJson[]; overdue: number } | null>(null);
  const [error, setError] = useState<unknown>(null);

  const load = () => {
    setError(null);
    request<{ messages: MessageJson[]; overdue: number }>('GET', '/api/v1/messaging/inbox', {
      query: { unread: unread ? '1' : undefined, unanswered: unanswered ? '1' : undefined },
    })
      .then(setData)
      .catch(setError);
  };
  useEffect(load, [unread, unanswered]);

  // Most urgent first: immediate, urgent, routine; overdue before the rest;
  // then newest first.
  const rank = (m: MessageJson) => PRIORITIES.length - 1 - Math.max(0, PRIORITIES.indexOf(m.priority as (typeof PRIORITIES)[number]));
  const shown = (data?.messages ?? [])
    .filter((m) => (!priority || m.priority === priority) && (!overdueOnly || m.overdue))
    .sort((a, b) => rank(a) - rank(b) || Number(b.overdue) - Number(a.overdue) || b.received_ms - a.received_ms);

  return (
    <section aria-labelledby="inbox-title">
      <h1 id="inbox-title">{t('inbox.title')}</h1>
      <form
        class="card form-grid"
        aria-label={t('inbox.filters')}
        onSubmit={(e) => {
          e.preventDefault();
          load();
        }}
      >
        <Field label={t('cases.priority')}>
          {(id) => (
            <select id={id} name="priority" value={priority} onChange={(e) => setPriority((e.target as HTMLSelectElement).value)}>
              <option value="">{t('common.any')}</option>
              {PRIORITIES.map((p) => (
                <option value={p}>{tDyn('priority', p)}</option>
              ))}
            </select>
          )}
        </Field>
        <div class="field checks">
          <label class="check">
            <input type="checkbox" name="unread" checked={unread} onChange={(e) => setUnread((e.target as HTMLInputElement).checked)} />
            {t('inbox.unreadOnly')}
          </label>
          <label class="check">
            <input type="checkbox" name="unanswered" checked={unanswered} onChange={(e) => setUnanswered((e.target as HTMLInputElement).checked)} />
            {t('inbox.unansweredOnly')}
          </label>
          <label class="check">
            <input type="checkbox" name="overdue" checked={overdueOnly} onChange={(e) => setOverdueOnly((e.target as HTMLInputElement).checked)} />
            {t('inbox.overdueOnly')}
          </label>
        </div>
        <div class="actions">
          <button type="submit">{t('common.refresh')}</button>
        </div>
      </form>
      <ErrorBox error={error} />
      {!data && !error && <Loading />}
      {data && (
        <>
          <p role="status">
            {t('inbox.count', { count: shown.length })}
            {data.overdue > 0 && (
              <>
                {' '}
                <strong class="overdue">{t('inbox.overdueCount', { count: data.overdue })}</strong>
              </>
            )}
          </p>
          {shown.length === 0 ? (
            <p>{t('inbox.empty')}</p>
          ) : (
            <table class="data inbox">
              <caption class="visually-hidden">{t('inbox.title')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('cases.priority')}</th>
                  <th scope="col">{t('cases.case')}</th>
                  <th scope="col">{t('cases.partner')}</th>
                  <th scope="col">{t('cases.from')}</th>
                  <th scope="col">{t('cases.received')}</th>
                  <th scope="col">{t('cases.answerBy')}</th>
                  <th scope="col">{t('common.status')}</th>
                </tr>
              </thead>
              <tbody>
                {shown.map((m) => (
                  <tr class={`${m.read_ms ? 'read' : 'unread'} ${m.overdue ? 'is-overdue' : ''}`} data-message={m.id} data-priority={m.priority}>
                    <td>
                      <PriorityTag priority={m.priority} />
                    </td>
                    <td>
                      <a href={href(`cases/${m.case_id}`)}>
                        <bdi dir="auto">{m.case_title}</bdi>
                      </a>
                      <div class="muted excerpt">
                        <bdi dir="auto">{m.text.slice(0, 120)}</bdi>
                      </div>
                    </td>
                    <td>{agencyOf(partners, m.partner)}</td>
                    <td>
                      <Name text={m.author} />
                    </td>
                    <td>{formatDateTime(m.received_ms)}</td>
                    <td>
                      <AnswerBy message={m} dateOnly />
                    </td>
                    <td>
                      {m.answered_ms ? (
                        <Tag kind="ok">{t('cases.answered')}</Tag>
                      ) : m.read_ms ? (
                        t('cases.read')
                      ) : (
                        <Tag kind="unread">{t('cases.unread')}</Tag>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
    </section>
  );
}

// ---------------------------------------------------------------- Case list

export function CasesScreen({ caseId, canWrite }: { caseId?: string; canWrite: boolean }) {
  if (caseId) return <CaseThread caseId={caseId} canWrite={canWrite} />;
  return <CaseList canWrite={canWrite} />;
}

function CaseList({ canWrite }: { canWrite: boolean }) {
  const partners = usePartners();
  const [partner, setPartner] = useState('');
  const [cases, setCases] = useState<CaseJson[] | null>(null);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    setError(null);
    request<{ cases: CaseJson[] }>('GET', '/api/v1/messaging/cases', { query: { partner } })
      .then((r) => setCases(r.cases))
      .catch(setError);
  }, [partner]);

  return (
    <section aria-labelledby="cases-title">
      <h1 id="cases-title">{t('cases.title')}</h1>
      <div class="card form-grid">
        <Field label={t('cases.partnerFilter')}>
          {(id) => (
            <select id={id} name="partner-filter" value={partner} onChange={(e) => setPartner((e.target as HTMLSelectElement).value)}>
              <option value="">{t('partners.all')}</option>
              {partners.map((p) => (
                <option value={p.node_id}>{agencyOf(partners, p.node_id)}</option>
              ))}
            </select>
          )}
        </Field>
      </div>
      <ErrorBox error={error} />
      {!cases && !error && <Loading />}
      {cases &&
        (cases.length === 0 ? (
          <p>{t('cases.none')}</p>
        ) : (
          <table class="data cases">
            <caption class="visually-hidden">{t('cases.title')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('cases.caseTitle')}</th>
                <th scope="col">{t('cases.partner')}</th>
                <th scope="col">{t('common.crimeArea')}</th>
                <th scope="col">{t('common.handlingCode')}</th>
                <th scope="col">{t('cases.refs')}</th>
                <th scope="col">{t('cases.openedBy')}</th>
                <th scope="col">{t('common.created')}</th>
              </tr>
            </thead>
            <tbody>
              {cases.map((c) => (
                <tr data-case={c.id}>
                  <td>
                    <a href={href(`cases/${c.id}`)}>
                      <bdi dir="auto">{c.title}</bdi>
                    </a>
                    {c.status !== 'open' && <Tag>{tDyn('caseStatus', c.status)}</Tag>}
                  </td>
                  <td>{agencyOf(partners, c.partner)}</td>
                  <td>{tDyn('area', c.crime_area)}</td>
                  <td>
                    <Tag kind={c.handling_code}>{c.handling_code}</Tag>
                  </td>
                  <td>
                    <bdi class="mono">{[c.our_ref, c.their_ref].filter(Boolean).join(' / ')}</bdi>
                  </td>
                  <td>
                    <Name text={c.opened_by} />
                  </td>
                  <td>{formatDateTime(c.created_ms)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ))}
      {canWrite && <OpenCaseForm partners={partners} />}
    </section>
  );
}

function OpenCaseForm({ partners }: { partners: Partner[] }) {
  const active = partners.filter((p) => p.status === 'active');
  const [partner, setPartner] = useState('');
  const [title, setTitle] = useState('');
  const [area, setArea] = useState<string>('narcotics');
  const [code, setCode] = useState<string>('H1');
  const [ourRef, setOurRef] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const r = await request<{ case: CaseJson }>('POST', '/api/v1/messaging/cases', {
        json: { partner: partner || active[0]?.node_id || '', title, crime_area: area, handling_code: code, our_ref: ourRef },
      });
      navigate(`cases/${r.case.id}`);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="card form-grid" aria-labelledby="open-case-title" onSubmit={submit}>
      <h2 id="open-case-title" class="span-all">
        {t('cases.open')}
      </h2>
      <Field label={t('cases.partner')}>
        {(id) => (
          <select id={id} name="partner" required value={partner || active[0]?.node_id} onChange={(e) => setPartner((e.target as HTMLSelectElement).value)}>
            {active.map((p) => (
              <option value={p.node_id}>{agencyOf(partners, p.node_id)}</option>
            ))}
          </select>
        )}
      </Field>
      <Field label={t('cases.caseTitle')}>
        {(id) => <input id={id} name="title" required maxLength={300} value={title} onInput={(e) => setTitle((e.target as HTMLInputElement).value)} />}
      </Field>
      <Field label={t('common.crimeArea')}>
        {(id) => (
          <select id={id} name="crime_area" value={area} onChange={(e) => setArea((e.target as HTMLSelectElement).value)}>
            {CRIME_AREAS.map((a) => (
              <option value={a}>{tDyn('area', a)}</option>
            ))}
          </select>
        )}
      </Field>
      <Field label={t('common.handlingCode')}>
        {(id) => (
          <select id={id} name="handling_code" value={code} onChange={(e) => setCode((e.target as HTMLSelectElement).value)}>
            {HANDLING_CODES.map((h) => (
              <option value={h}>{tDyn('handling', h)}</option>
            ))}
          </select>
        )}
      </Field>
      <Field label={t('cases.ourRef')}>
        {(id) => <input id={id} name="our_ref" maxLength={100} value={ourRef} onInput={(e) => setOurRef((e.target as HTMLInputElement).value)} />}
      </Field>
      <div class="actions">
        <button type="submit" class="primary" disabled={busy || active.length === 0}>
          {t('cases.openSubmit')}
        </button>
      </div>
      <ErrorBox error={error} />
    </form>
  );
}

// ---------------------------------------------------------------- Thread

function CaseThread({ caseId, canWrite }: { caseId: string; canWrite: boolean }) {
  const partners = usePartners();
  const [purpose] = usePurpose();
  const [view, setView] = useState<CaseView | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [replyTo, setReplyTo] = useState<MessageJson | null>(null);
  const [forwarding, setForwarding] = useState<MessageJson | null>(null);
  const [notice, setNotice] = useState('');

  const load = async () => {
    setError(null);
    try {
      const r = await request<{ case: CaseView }>('GET', `/api/v1/messaging/cases/${encodeURIComponent(caseId)}`, { purpose });
      // Opening the thread reads it: received messages not yet read are
      // marked read, which sends the partner its read receipt.
      const unread = r.case.messages.filter((m) => m.direction === 'in' && !m.read_ms);
      let failed: unknown = null;
      for (const m of unread) {
        try {
          const marked = await request<{ message: MessageJson }>('POST', `/api/v1/messaging/messages/${encodeURIComponent(m.id)}/read`);
          m.read_ms = marked.message.read_ms;
        } catch (err) {
          // The thread still shows; the message stays unread and the error is named.
          failed = err;
        }
      }
      setView(r.case);
      if (failed) setError(failed);
    } catch (err) {
      setError(err);
    }
  };
  useEffect(() => {
    void load();
  }, [caseId]);

  const markAnswered = async (m: MessageJson) => {
    setError(null);
    try {
      await request('POST', `/api/v1/messaging/messages/${encodeURIComponent(m.id)}/answered`);
      setNotice(t('cases.markedAnswered'));
      await load();
    } catch (err) {
      setError(err);
    }
  };

  if (error && !view) return <ErrorBox error={error} />;
  if (!view) return <Loading />;

  return (
    <section aria-labelledby="case-title" class="thread">
      <p>
        <a href={href('cases')}>{t('cases.backToList')}</a>
      </p>
      <h1 id="case-title">
        <bdi dir="auto">{view.title}</bdi>
      </h1>
      <dl class="summary case-head">
        <dt>{t('cases.partner')}</dt>
        <dd>{agencyOf(partners, view.partner)}</dd>
        <dt>{t('common.crimeArea')}</dt>
        <dd>{tDyn('area', view.crime_area)}</dd>
        <dt>{t('common.handlingCode')}</dt>
        <dd>
          <Tag kind={view.handling_code}>{view.handling_code}</Tag> {tDyn('handling', view.handling_code).replace(/^H\d — /, '')}
        </dd>
        {(view.our_ref || view.their_ref) && (
          <>
            <dt>{t('cases.refs')}</dt>
            <dd>
              <bdi class="mono">{[view.our_ref, view.their_ref].filter(Boolean).join(' / ')}</bdi>
            </dd>
          </>
        )}
        <dt>{t('common.status')}</dt>
        <dd>
          {tDyn('caseStatus', view.status)}
          {view.pending > 0 && <> — {t('cases.pending', { count: view.pending })}</>}
        </dd>
      </dl>
      <ErrorBox error={error} />
      <p role="status" class="notice">
        {notice}
      </p>
      {view.messages.length === 0 ? (
        <p>{t('cases.noMessages')}</p>
      ) : (
        <ol class="messages" aria-label={t('cases.thread')}>
          {view.messages.map((m) => (
            <MessageItem
              message={m}
              all={view.messages}
              canWrite={canWrite}
              onReply={() => {
                setReplyTo(m);
                setForwarding(null);
                setTimeout(() => document.getElementById('compose-text')?.focus(), 0);
              }}
              onAnswered={() => void markAnswered(m)}
              onForward={() => {
                setForwarding(m);
                setReplyTo(null);
              }}
            />
          ))}
        </ol>
      )}
      {canWrite && forwarding && (
        <ForwardForm
          message={forwarding}
          currentCase={view.id}
          partners={partners}
          onDone={(text) => {
            setForwarding(null);
            setNotice(text);
          }}
          onCancel={() => setForwarding(null)}
        />
      )}
      {canWrite && view.status === 'open' && (
        <Compose
          view={view}
          replyTo={replyTo}
          onClearReply={() => setReplyTo(null)}
          onSent={async () => {
            setReplyTo(null);
            setNotice(t('cases.sent'));
            await load();
          }}
        />
      )}
    </section>
  );
}

function Acknowledgements({ message: m }: { message: MessageJson }) {
  if (m.direction === 'out') {
    return (
      <ul class="acks" aria-label={t('cases.acknowledgements')}>
        <li>
          {m.delivery === 'delivered' ? (
            <Tag kind="ok">{t('cases.deliveredAt', { time: formatDateTime(m.delivered_ms) })}</Tag>
          ) : m.delivery === 'refused' ? (
            <Tag kind="denied">{t('cases.refusedBy', { error: m.delivery_error })}</Tag>
          ) : (
            <Tag kind="queued">{t('cases.notDelivered')}</Tag>
          )}
        </li>
        {m.read_ms > 0 && (
          <li data-ack="read">
            <Tag kind="ok">{t('cases.readAt', { time: formatDateTime(m.read_ms) })}</Tag>
          </li>
        )}
        {m.answered_ms > 0 && (
          <li data-ack="answered">
            <Tag kind="ok">{t('cases.answeredAt', { time: formatDateTime(m.answered_ms) })}</Tag>
          </li>
        )}
      </ul>
    );
  }
  return (
    <ul class="acks" aria-label={t('cases.acknowledgements')}>
      <li>{t('cases.receivedAt', { time: formatDateTime(m.received_ms) })}</li>
      {m.read_ms > 0 && <li>{t('cases.youReadAt', { time: formatDateTime(m.read_ms) })}</li>}
      {m.answered_ms > 0 && (
        <li>
          <Tag kind="ok">{t('cases.answeredAt', { time: formatDateTime(m.answered_ms) })}</Tag>
        </li>
      )}
    </ul>
  );
}

function MessageItem(props: {
  message: MessageJson;
  all: MessageJson[];
  canWrite: boolean;
  onReply: () => void;
  onAnswered: () => void;
  onForward: () => void;
}) {
  const m = props.message;
  const parent = m.in_reply_to ? props.all.find((x) => x.id === m.in_reply_to) : undefined;
  const headingId = `msg-${m.id}`;
  return (
    <li class={`message message-${m.direction} priority-${m.priority}`} data-message={m.id} aria-labelledby={headingId}>
      <article>
        <header class="message-head">
          <h2 id={headingId} class="message-author">
            <Name text={m.author} />
            <span class="visually-hidden"> — {m.direction === 'out' ? t('cases.sentByUs') : t('cases.fromPartner')}</span>
          </h2>
          <span class="muted">{formatDateTime(m.direction === 'out' ? m.sent_ms : m.received_ms || m.sent_ms)}</span>
          <PriorityTag priority={m.priority} />
          <Tag kind={m.handling_code}>
            <abbr title={tDyn('handling', m.handling_code)}>{m.handling_code}</abbr>
          </Tag>
          <AnswerBy message={m} />
        </header>
        {parent && (
          <p class="muted in-reply">
            {t('cases.inReplyTo')} <bdi dir="auto">{parent.text.slice(0, 80)}</bdi>
          </p>
        )}
        <p class="message-text">
          <bdi dir="auto">{m.text}</bdi>
        </p>
        {m.entities.length > 0 && <Entities entities={m.entities} />}
        {m.attachments.length > 0 && <Attachments message={m} />}
        <Acknowledgements message={m} />
        {props.canWrite && (
          <div class="actions">
            <button type="button" onClick={props.onReply}>
              {t('cases.reply')}
            </button>
            {m.direction === 'in' && !m.answered_ms && (
              <button type="button" onClick={props.onAnswered}>
                {t('cases.markAnswered')}
              </button>
            )}
            <button type="button" onClick={props.onForward}>
              {t('cases.forward')}
            </button>
          </div>
        )}
      </article>
    </li>
  );
}

// Labels for the fields of entities (record bodies); others show their key.
const ENTITY_FIELDS: Record<string, MessageKey> = {
  name: 'common.name',
  aliases: 'cases.aliases',
  father_name: 'common.fatherName',
  dob: 'common.dob',
  gender: 'common.gender',
  nationalities: 'common.nationality',
  nationality: 'common.nationality',
  id_numbers: 'common.idNumbers',
};
const NAME_FIELDS = new Set(['name', 'aliases', 'father_name']);
// Who the entity is first, then how to tell them apart; other fields after.
const FIELD_ORDER = ['name', 'aliases', 'father_name', 'dob', 'gender', 'nationalities', 'nationality', 'id_numbers'];
const fieldRank = (k: string) => (FIELD_ORDER.includes(k) ? FIELD_ORDER.indexOf(k) : FIELD_ORDER.length);

function EntityValue({ field, value }: { field: string; value: unknown }) {
  if (Array.isArray(value)) {
    return (
      <>
        {value.map((v, i) => (
          <>
            {i > 0 && ', '}
            <EntityValue field={field} value={v} />
          </>
        ))}
      </>
    );
  }
  if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    if ('scheme' in o && 'value' in o) {
      return (
        <bdi class="mono">
          {String(o.scheme)}: {String(o.value)}
        </bdi>
      );
    }
    return <bdi dir="auto">{JSON.stringify(value)}</bdi>;
  }
  if (NAME_FIELDS.has(field)) return <Name text={String(value)} />;
  if (field === 'dob') return <>{formatDate(String(value))}</>;
  return <bdi dir="auto">{String(value)}</bdi>;
}

function Entities({ entities }: { entities: EntityJson[] }) {
  return (
    <div class="entities">
      <h3>{t('cases.entities')}</h3>
      {entities.map((e) => (
        <dl class="summary entity" data-entity-type={e.type}>
          <dt>{t('records.collection')}</dt>
          <dd>{tDyn('entity', e.type)}</dd>
          {Object.entries(e.body)
            .filter(([, v]) => v !== '' && v !== null && !(Array.isArray(v) && v.length === 0))
            .sort(([a], [b]) => fieldRank(a) - fieldRank(b) || a.localeCompare(b))
            .map(([k, v]) => (
              <>
                <dt>{ENTITY_FIELDS[k] ? t(ENTITY_FIELDS[k]) : k}</dt>
                <dd>
                  <EntityValue field={k} value={v} />
                </dd>
              </>
            ))}
        </dl>
      ))}
    </div>
  );
}

function formatSize(bytes: number): string {
  if (bytes < 1024) return t('cases.bytes', { n: bytes });
  if (bytes < 1024 * 1024) return t('cases.kib', { n: formatNumber(bytes / 1024, { maximumFractionDigits: 1 }) });
  return t('cases.mib', { n: formatNumber(bytes / (1024 * 1024), { maximumFractionDigits: 1 }) });
}

function Attachments({ message }: { message: MessageJson }) {
  return (
    <div class="attachments">
      <h3>{t('cases.attachments')}</h3>
      <ul>
        {message.attachments.map((a: AttachmentJson) => (
          <li>
            {!a.state || a.state === 'complete' ? (
              <a
                href={`/api/v1/messaging/messages/${encodeURIComponent(message.id)}/attachments/${a.index}`}
                download={a.name}
                aria-label={t('cases.download', { name: a.name })}
              >
                <bdi dir="auto">{a.name}</bdi>
              </a>
            ) : (
              <>
                <bdi dir="auto">{a.name}</bdi> <Tag kind={a.state === 'refused' ? 'denied' : 'queued'}>{tDyn('attachment', a.state)}</Tag>
              </>
            )}{' '}
            <span class="muted">
              ({a.media_type}, {formatSize(a.size)})
            </span>
          </li>
        ))}
      </ul>
    </div>
  );
}

async function fileToBase64(file: File): Promise<string> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let binary = '';
  const chunk = 0x8000;
  for (let i = 0; i < bytes.length; i += chunk) {
    binary += String.fromCharCode(...bytes.subarray(i, i + chunk));
  }
  return btoa(binary);
}

function Compose(props: { view: CaseView; replyTo: MessageJson | null; onClearReply: () => void; onSent: () => Promise<void> }) {
  const [text, setText] = useState('');
  const [priority, setPriority] = useState<string>('routine');
  const [answerBy, setAnswerBy] = useState('');
  const [code, setCode] = useState<string>('');
  const [files, setFiles] = useState<File[]>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [fileKey, setFileKey] = useState(0);

  // A message is at least as restricted as its case.
  const codes = HANDLING_CODES.filter((h) => h >= props.view.handling_code);

  const submit = async (e: Event) => {
    e.preventDefault();
    setError(null);
    const tooBig = files.find((f) => f.size > MAX_ATTACHMENT_BYTES);
    if (tooBig) {
      setError(new Error(t('cases.tooBig', { name: tooBig.name })));
      return;
    }
    setBusy(true);
    try {
      const attachments = await Promise.all(
        files.map(async (f) => ({ name: f.name, media_type: f.type || 'application/octet-stream', content_base64: await fileToBase64(f) })),
      );
      const body: Record<string, unknown> = { text, priority };
      if (answerBy) body.answer_by = answerBy;
      if (code) body.handling_code = code;
      if (props.replyTo) body.in_reply_to = props.replyTo.id;
      if (attachments.length) body.attachments = attachments;
      await request('POST', `/api/v1/messaging/cases/${encodeURIComponent(props.view.id)}/messages`, { json: body });
      setText('');
      setPriority('routine');
      setAnswerBy('');
      setCode('');
      setFiles([]);
      setFileKey((k) => k + 1);
      await props.onSent();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="card form-grid compose" aria-labelledby="compose-title" onSubmit={submit}>
      <h2 id="compose-title" class="span-all">
        {props.replyTo ? t('cases.replyTitle') : t('cases.newMessage')}
      </h2>
      {props.replyTo && (
        <p class="span-all in-reply">
          {t('cases.inReplyTo')} <bdi dir="auto">{props.replyTo.text.slice(0, 80)}</bdi>{' '}
          <button type="button" class="link" onClick={props.onClearReply}>
            {t('cases.notAReply')}
          </button>
        </p>
      )}
      <div class="field span-all">
        <label for="compose-text">{t('cases.text')}</label>
        <textarea id="compose-text" name="text" required maxLength={100000} rows={5} value={text} onInput={(e) => setText((e.target as HTMLTextAreaElement).value)} />
      </div>
      <Field label={t('cases.priority')}>
        {(id) => (
          <select id={id} name="priority" value={priority} onChange={(e) => setPriority((e.target as HTMLSelectElement).value)}>
            {PRIORITIES.map((p) => (
              <option value={p}>{tDyn('priority', p)}</option>
            ))}
          </select>
        )}
      </Field>
      <Field label={t('cases.answerBy')} hint={t('cases.answerByHint')}>
        {(id) => <input id={id} name="answer_by" type="date" value={answerBy} aria-describedby={`${id}-hint`} onInput={(e) => setAnswerBy((e.target as HTMLInputElement).value)} />}
      </Field>
      <Field label={t('common.handlingCode')}>
        {(id) => (
          <select id={id} name="message_handling_code" value={code} onChange={(e) => setCode((e.target as HTMLSelectElement).value)}>
            <option value="">{t('cases.caseCode', { code: props.view.handling_code })}</option>
            {codes.map((h) => (
              <option value={h}>{tDyn('handling', h)}</option>
            ))}
          </select>
        )}
      </Field>
      <Field label={t('cases.attachFiles')} hint={t('cases.attachHint')}>
        {(id) => (
          <input
            key={fileKey}
            id={id}
            name="attachments"
            type="file"
            multiple
            aria-describedby={`${id}-hint`}
            onChange={(e) => setFiles([...((e.target as HTMLInputElement).files ?? [])])}
          />
        )}
      </Field>
      <div class="actions">
        <button type="submit" class="primary" disabled={busy}>
          {t('cases.send')}
        </button>
      </div>
      <ErrorBox error={error} />
    </form>
  );
}

function ForwardForm(props: { message: MessageJson; currentCase: string; partners: Partner[]; onDone: (notice: string) => void; onCancel: () => void }) {
  const [mode, setMode] = useState<'user' | 'case'>('user');
  const [user, setUser] = useState('');
  const [note, setNote] = useState('');
  const [target, setTarget] = useState('');
  const [cases, setCases] = useState<CaseJson[]>([]);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    request<{ cases: CaseJson[] }>('GET', '/api/v1/messaging/cases')
      .then((r) => setCases(r.cases.filter((c) => c.id !== props.currentCase && c.status === 'open')))
      .catch(setError);
  }, [props.currentCase]);

  const submit = async (e: Event) => {
    e.preventDefault();
    setError(null);
    try {
      const body = mode === 'user' ? { to_user: user, note } : { to_case: target || cases[0]?.id || '' };
      await request('POST', `/api/v1/messaging/messages/${encodeURIComponent(props.message.id)}/forward`, { json: body });
      props.onDone(mode === 'user' ? t('cases.forwardedToUser', { user }) : t('cases.forwardedToCase'));
    } catch (err) {
      setError(err);
    }
  };

  return (
    <form class="card form-grid" aria-labelledby="forward-title" onSubmit={submit}>
      <h2 id="forward-title" class="span-all">
        {t('cases.forwardTitle')}
      </h2>
      <fieldset>
        <legend>{t('cases.forwardTo')}</legend>
        <label class="check">
          <input type="radio" name="forward-mode" value="user" checked={mode === 'user'} onChange={() => setMode('user')} />
          {t('cases.forwardToUser')}
        </label>
        <label class="check">
          <input type="radio" name="forward-mode" value="case" checked={mode === 'case'} onChange={() => setMode('case')} />
          {t('cases.forwardToCase')}
        </label>
      </fieldset>
      {mode === 'user' ? (
        <>
          <Field label={t('users.username')}>
            {(id) => <input id={id} name="to_user" required value={user} onInput={(e) => setUser((e.target as HTMLInputElement).value)} />}
          </Field>
          <Field label={t('cases.note')}>{(id) => <input id={id} name="note" maxLength={1000} value={note} onInput={(e) => setNote((e.target as HTMLInputElement).value)} />}</Field>
        </>
      ) : (
        <Field label={t('cases.case')}>
          {(id) => (
            <select id={id} name="to_case" required value={target || cases[0]?.id} onChange={(e) => setTarget((e.target as HTMLSelectElement).value)}>
              {cases.map((c) => (
                <option value={c.id}>
                  {c.title} — {agencyOf(props.partners, c.partner)}
                </option>
              ))}
            </select>
          )}
        </Field>
      )}
      <div class="actions">
        <button type="submit" class="primary" disabled={mode === 'case' && cases.length === 0}>
          {t('cases.forward')}
        </button>
        <button type="button" onClick={props.onCancel}>
          {t('common.cancel')}
        </button>
      </div>
      <ErrorBox error={error} />
    </form>
  );
}
