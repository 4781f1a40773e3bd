// Follow-up requests for a hit's data: asking a partner for the record behind
// a reference (from the partner query), the requests we sent with what was
// released, and the owner's queue of partners' requests to decide
// (followups.decide): approve, approve in part, or refuse.
import { useEffect, useState } from 'preact/hooks';
import { request, URGENCIES, type FollowupJson, type Partner, type ReleasedData } from '../api';
import { ErrorBox, Field, Loading, Name, PurposeField, Tag } from '../components';
import { formatDateTime, t, tDyn } from '../i18n';
import { currentPurpose, usePurpose } from '../purpose';

/** A record field's name in the interface language (the API's name when there is none). */
const fieldLabel = (k: string) => tDyn('followups.field', k);

const when = (ms: number) => (ms > 0 ? formatDateTime(ms) : '—');

/** A record field's value as written: names and free text keep their own direction. */
function FieldValue({ value }: { value: unknown }) {
  if (value === null || value === undefined || value === '') return <>—</>;
  if (Array.isArray(value)) {
    return (
      <>
        {value.map((v, i) => (
          <>
            {i > 0 && ', '}
            <FieldValue value={v} />
          </>
        ))}
      </>
    );
  }
  if (typeof value === 'object') {
    const o = value as Record<string, unknown>;
    if (typeof o.scheme === 'string' && typeof o.value === 'string') return <bdi dir="auto">{`${o.scheme}: ${o.value}`}</bdi>;
    return <bdi dir="auto">{JSON.stringify(value)}</bdi>;
  }
  return <Name text={String(value)} />;
}

function usePartners(): (id: string) => string {
  const [partners, setPartners] = useState<Partner[]>([]);
  useEffect(() => {
    request<{ partners: Partner[] }>('GET', '/api/v1/partners')
      .then((r) => setPartners(r.partners))
      .catch(() => setPartners([]));
  }, []);
  return (id: string) => partners.find((p) => p.node_id === id)?.agency ?? id;
}

/** The request for the data behind one reference of a partner's hit. */
export function FollowupRequestForm({ partner, agency, reference, onClose }: { partner: string; agency: string; reference: string; onClose: () => void }) {
  const [purpose, setPurpose] = useState(currentPurpose());
  const [legalBasis, setLegalBasis] = useState('');
  const [urgency, setUrgency] = useState<string>('normal');
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [created, setCreated] = useState<FollowupJson | null>(null);

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const r = await request<{ followup: FollowupJson }>('POST', '/api/v1/followups', {
        json: { partner, reference, purpose, legal_basis: legalBasis, urgency, note },
      });
      setCreated(r.followup);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="card followup-request" aria-labelledby="followup-request-title">
      <h2 id="followup-request-title">{t('followups.requestTitle', { agency, reference })}</h2>
      {created ? (
        <div role="status" class="followup-created">
          <p>{t('followups.requested', { id: created.id })}</p>
          <dl class="summary">
            <dt>{t('followups.reference')}</dt>
            <dd class="mono">{created.reference}</dd>
            <dt>{t('followups.state')}</dt>
            <dd>{tDyn('followups.state', created.state)}</dd>
            <dt>{t('followups.urgency')}</dt>
            <dd>{tDyn('followups.urgency', created.urgency)}</dd>
            <dt>{t('followups.requestedAt')}</dt>
            <dd>{when(created.requested_ms)}</dd>
          </dl>
          <p>
            <a href="#/followups">{t('followups.seeAll')}</a>
          </p>
        </div>
      ) : (
        <form class="form-grid" onSubmit={submit}>
          <Field label={t('followups.purpose')}>
            {(id) => <input id={id} name="followup_purpose" required maxLength={1000} value={purpose} onInput={(e) => setPurpose((e.target as HTMLInputElement).value)} />}
          </Field>
          <Field label={t('followups.legalBasis')} hint={t('followups.legalBasisHint')}>
            {(id) => (
              <input
                id={id}
                name="legal_basis"
                required
                maxLength={1000}
                aria-describedby={`${id}-hint`}
                value={legalBasis}
                onInput={(e) => setLegalBasis((e.target as HTMLInputElement).value)}
              />
            )}
          </Field>
          <Field label={t('followups.urgency')} hint={t('followups.urgencyHint')}>
            {(id) => (
              <select id={id} name="urgency" aria-describedby={`${id}-hint`} value={urgency} onChange={(e) => setUrgency((e.target as HTMLSelectElement).value)}>
                {URGENCIES.map((u) => (
                  <option value={u}>{tDyn('followups.urgency', u)}</option>
                ))}
              </select>
            )}
          </Field>
          <Field label={t('followups.note')}>
            {(id) => <textarea id={id} name="note" maxLength={4000} dir="auto" value={note} onInput={(e) => setNote((e.target as HTMLTextAreaElement).value)} />}
          </Field>
          <div class="actions">
            <button type="submit" class="primary" disabled={busy}>
              {t('followups.send')}
            </button>
            <button type="button" onClick={onClose}>
              {t('common.cancel')}
            </button>
          </div>
        </form>
      )}
      <ErrorBox error={error} />
    </section>
  );
}

function StateTag({ f }: { f: FollowupJson }) {
  const kind = f.state === 'refused' || f.state === 'undeliverable' ? 'denied' : f.state.startsWith('approved') ? 'ok' : undefined;
  return <Tag kind={kind}>{tDyn('followups.state', f.state)}</Tag>;
}

/** The data a partner released to us, with its owner, handling code and retention limit. */
function Released({ released, agencyOf }: { released: ReleasedData; agencyOf: (id: string) => string }) {
  const erased = released.erased_ms > 0 || released.data === null;
  return (
    <div class="released" data-erased={erased ? 'true' : 'false'}>
      <dl class="summary">
        <dt>{t('common.owner')}</dt>
        <dd>{agencyOf(released.owner)}</dd>
        <dt>{t('common.handlingCode')}</dt>
        <dd>
          <Tag kind={released.handling_code}>{released.handling_code}</Tag> {tDyn('handling', released.handling_code).replace(/^H\d — /, '')}
          {released.handling_note && (
            <>
              {' '}
              <bdi dir="auto">{released.handling_note}</bdi>
            </>
          )}
        </dd>
        <dt>{t('common.crimeArea')}</dt>
        <dd>{tDyn('area', released.crime_area)}</dd>
        <dt>{t('followups.receivedAt')}</dt>
        <dd>{when(released.received_ms)}</dd>
        <dt>{t('followups.keepUntil')}</dt>
        <dd class="keep-until">{when(released.retain_until_ms)}</dd>
      </dl>
      {erased ? (
        <p class="erased">
          <Tag kind="denied">{t('followups.erased')}</Tag> {when(released.erased_ms)}
        </p>
      ) : (
        <dl class="released-data">
          {Object.entries(released.data ?? {}).map(([k, v]) => (
            <>
              <dt data-field={k}>{fieldLabel(k)}</dt>
              <dd>
                <FieldValue value={v} />
              </dd>
            </>
          ))}
        </dl>
      )}
    </div>
  );
}

function OutgoingDetail({ id, agencyOf }: { id: string; agencyOf: (id: string) => string }) {
  const [purpose] = usePurpose();
  const [f, setF] = useState<FollowupJson | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    request<{ followup: FollowupJson }>('GET', `/api/v1/followups/${encodeURIComponent(id)}`, { purpose })
      .then((r) => setF(r.followup))
      .catch(setError);
  }, [id]);
  return (
    <section class="card followup-detail" aria-labelledby="followup-detail-title" aria-live="polite">
      <h2 id="followup-detail-title">{t('followups.detailTitle', { reference: f?.reference ?? id })}</h2>
      <ErrorBox error={error} />
      {!f && !error && <Loading />}
      {f && (
        <>
          <p>
            <StateTag f={f} /> {f.decision_reason && <bdi dir="auto">{f.decision_reason}</bdi>}
          </p>
          {f.released ? <Released released={f.released} agencyOf={agencyOf} /> : <p>{t('followups.nothingReleased')}</p>}
        </>
      )}
    </section>
  );
}

const DECISIONS = ['approve', 'approve_partial', 'refuse'] as const;

function IncomingDetail({ id, agencyOf, onDecided }: { id: string; agencyOf: (id: string) => string; onDecided: () => void }) {
  const [purpose] = usePurpose();
  const [f, setF] = useState<FollowupJson | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [decision, setDecision] = useState<(typeof DECISIONS)[number]>('approve');
  const [fields, setFields] = useState<string[]>([]);
  const [reason, setReason] = useState('');
  const [notice, setNotice] = useState('');
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    request<{ followup: FollowupJson }>('GET', `/api/v1/followups/${encodeURIComponent(id)}`, { purpose })
      .then((r) => setF(r.followup))
      .catch(setError);
  }, [id]);

  const decide = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const body: Record<string, unknown> = { decision, reason };
      if (decision === 'approve_partial') body.fields = fields;
      const r = await request<{ followup: FollowupJson }>('POST', `/api/v1/followups/${encodeURIComponent(id)}/decision`, { json: body });
      setF({ ...f!, ...r.followup });
      setNotice(t('followups.decided', { state: tDyn('followups.state', r.followup.state) }));
      onDecided();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const record = f?.record ?? null;
  // The record's body sits under its type ("person": {...}) beside the metadata.
  const body = ((record ? record[record.type] : null) ?? {}) as Record<string, unknown>;
  const releasable = f?.releasable_fields ?? [];
  const withheld = f?.withheld_fields ?? [];
  return (
    <section class="card followup-detail" aria-labelledby="followup-detail-title">
      <h2 id="followup-detail-title">{t('followups.detailTitle', { reference: f?.reference ?? id })}</h2>
      {!f && !error && <Loading />}
      {f && (
        <>
          <dl class="summary">
            <dt>{t('followups.partner')}</dt>
            <dd>{agencyOf(f.partner)}</dd>
            <dt>{t('followups.requestedBy')}</dt>
            <dd>
              <Name text={f.requested_by} />
            </dd>
            <dt>{t('followups.purpose')}</dt>
            <dd>
              <bdi dir="auto">{f.purpose}</bdi>
            </dd>
            <dt>{t('followups.legalBasis')}</dt>
            <dd>
              <bdi dir="auto">{f.legal_basis}</bdi>
            </dd>
            <dt>{t('followups.urgency')}</dt>
            <dd>{tDyn('followups.urgency', f.urgency)}</dd>
            {f.note && (
              <>
                <dt>{t('followups.note')}</dt>
                <dd>
                  <bdi dir="auto">{f.note}</bdi>
                </dd>
              </>
            )}
            <dt>{t('followups.deadline')}</dt>
            <dd class={f.overdue ? 'overdue' : undefined}>
              {when(f.deadline_ms)} {f.overdue && <Tag kind="overdue">{t('followups.overdue')}</Tag>}
            </dd>
            <dt>{t('followups.state')}</dt>
            <dd>
              <StateTag f={f} />
            </dd>
          </dl>
          <h3>{t('followups.record')}</h3>
          {record ? (
            <>
              <p>
                <span class="mono">{record.id}</span> · {tDyn('area', record.crime_area)} · <Tag kind={record.handling_code}>{record.handling_code}</Tag>
              </p>
              <dl class="record-fields">
                {[...releasable, ...withheld].map((k) => (
                  <>
                    <dt data-field={k}>
                      {fieldLabel(k)} {withheld.includes(k) && <Tag kind="denied">{t('followups.protected')}</Tag>}
                    </dt>
                    <dd>
                      <FieldValue value={body[k]} />
                    </dd>
                  </>
                ))}
              </dl>
            </>
          ) : (
            <p>{t('followups.noRecord')}</p>
          )}
          {f.state === 'pending' ? (
            <form class="form-grid decide" onSubmit={decide}>
              <fieldset>
                <legend>{t('followups.decision')}</legend>
                {DECISIONS.map((d) => (
                  <label class="check">
                    <input type="radio" name="decision" value={d} checked={decision === d} onChange={() => setDecision(d)} /> {tDyn('followups.decide', d)}
                  </label>
                ))}
              </fieldset>
              {decision === 'approve_partial' && (
                <fieldset>
                  <legend>{t('followups.fieldsToRelease')}</legend>
                  {releasable.map((k) => (
                    <label class="check">
                      <input
                        type="checkbox"
                        name="fields"
                        value={k}
                        checked={fields.includes(k)}
                        onChange={(e) => setFields((e.target as HTMLInputElement).checked ? [...fields, k] : fields.filter((x) => x !== k))}
                      />{' '}
                      {fieldLabel(k)}
                    </label>
                  ))}
                  {withheld.map((k) => (
                    <label class="check withheld">
                      <input type="checkbox" name="fields" value={k} disabled checked={false} /> {t('followups.withheldField', { field: fieldLabel(k) })}
                    </label>
                  ))}
                </fieldset>
              )}
              <Field label={t('followups.reason')} hint={t('followups.reasonHint')}>
                {(fid) => (
                  <textarea
                    id={fid}
                    name="reason"
                    dir="auto"
                    maxLength={4000}
                    required={decision !== 'approve'}
                    aria-describedby={`${fid}-hint`}
                    value={reason}
                    onInput={(e) => setReason((e.target as HTMLTextAreaElement).value)}
                  />
                )}
              </Field>
              <div class="actions">
                <button type="submit" class="primary" disabled={busy || (decision === 'approve_partial' && fields.length === 0)}>
                  {t('followups.recordDecision')}
                </button>
              </div>
            </form>
          ) : (
            <p>
              {t('followups.decidedBy', { who: f.decided_by, when: when(f.decided_ms) })} {f.decision_reason && <bdi dir="auto">{f.decision_reason}</bdi>}
            </p>
          )}
        </>
      )}
      <p role="status" class="notice">
        {notice}
      </p>
      <ErrorBox error={error} />
    </section>
  );
}

export function FollowupsScreen({ canDecide }: { canDecide: boolean }) {
  const [purpose] = usePurpose();
  const agencyOf = usePartners();
  const [outgoing, setOutgoing] = useState<FollowupJson[] | null>(null);
  const [incoming, setIncoming] = useState<FollowupJson[] | null>(null);
  const [overdue, setOverdue] = useState(0);
  const [open, setOpen] = useState<{ id: string; direction: 'outgoing' | 'incoming' } | null>(null);
  const [error, setError] = useState<unknown>(null);

  // Answers to an older refresh that arrive late must not replace newer ones.
  const [generation] = useState({ current: 0 });
  const load = () => {
    setError(null);
    const mine = ++generation.current;
    const fresh = () => mine === generation.current;
    request<{ followups: FollowupJson[] }>('GET', '/api/v1/followups', { query: { direction: 'outgoing' } })
      .then((r) => fresh() && setOutgoing(r.followups))
      .catch(setError);
    if (canDecide) {
      request<{ followups: FollowupJson[]; overdue: number }>('GET', '/api/v1/followups', { query: { direction: 'incoming' } })
        .then((r) => {
          if (!fresh()) return;
          // The queue reads by deadline, the most pressing first.
          setIncoming([...r.followups].sort((a, b) => (a.state === 'pending' ? 0 : 1) - (b.state === 'pending' ? 0 : 1) || a.deadline_ms - b.deadline_ms));
          setOverdue(r.overdue);
        })
        .catch(setError);
    }
  };
  useEffect(load, [canDecide]);

  const openOne = (id: string, direction: 'outgoing' | 'incoming') => {
    if (!purpose) {
      setError(t('common.purposeRequired'));
      return;
    }
    setError(null);
    setOpen({ id, direction });
  };

  return (
    <section aria-labelledby="followups-title">
      <h1 id="followups-title">{t('followups.title')}</h1>
      <p>{t('followups.intro')}</p>
      <div class="card form-grid">
        <PurposeField />
        <div class="actions">
          <button type="button" onClick={load}>
            {t('common.refresh')}
          </button>
        </div>
      </div>
      <ErrorBox error={error} />

      {canDecide && (
        <>
          <h2 id="followups-incoming">{t('followups.incoming')}</h2>
          {overdue > 0 && <p class="overdue">{t('followups.overdueCount', { count: overdue })}</p>}
          {incoming === null ? (
            <Loading />
          ) : incoming.length === 0 ? (
            <p>{t('followups.noneIncoming')}</p>
          ) : (
            <table class="data followups-incoming" aria-labelledby="followups-incoming">
              <thead>
                <tr>
                  <th scope="col">{t('followups.deadline')}</th>
                  <th scope="col">{t('followups.partner')}</th>
                  <th scope="col">{t('followups.reference')}</th>
                  <th scope="col">{t('followups.urgency')}</th>
                  <th scope="col">{t('followups.requestedBy')}</th>
                  <th scope="col">{t('followups.state')}</th>
                  <th scope="col">{t('common.actions')}</th>
                </tr>
              </thead>
              <tbody>
                {incoming.map((f) => (
                  <tr data-followup={f.id} data-state={f.state} class={f.overdue ? 'is-overdue' : undefined}>
                    <td class="deadline">
                      {when(f.deadline_ms)} {f.overdue && <Tag kind="overdue">{t('followups.overdue')}</Tag>}
                    </td>
                    <td>{agencyOf(f.partner)}</td>
                    <td class="mono">{f.reference}</td>
                    <td>{tDyn('followups.urgency', f.urgency)}</td>
                    <td>
                      <Name text={f.requested_by} />
                    </td>
                    <td>
                      <StateTag f={f} />
                    </td>
                    <td>
                      <button type="button" aria-label={t('followups.openOne', { reference: f.reference })} onClick={() => openOne(f.id, 'incoming')}>
                        {t('followups.open')}
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {open?.direction === 'incoming' && <IncomingDetail id={open.id} key={open.id} agencyOf={agencyOf} onDecided={load} />}
        </>
      )}

      <h2 id="followups-outgoing">{t('followups.outgoing')}</h2>
      {outgoing === null ? (
        <Loading />
      ) : outgoing.length === 0 ? (
        <p>{t('followups.noneOutgoing')}</p>
      ) : (
        <table class="data followups-outgoing" aria-labelledby="followups-outgoing">
          <thead>
            <tr>
              <th scope="col">{t('followups.partner')}</th>
              <th scope="col">{t('followups.reference')}</th>
              <th scope="col">{t('followups.requestedAt')}</th>
              <th scope="col">{t('followups.deadline')}</th>
              <th scope="col">{t('followups.state')}</th>
              <th scope="col">{t('followups.reason')}</th>
              <th scope="col">{t('followups.decidedByCol')}</th>
              <th scope="col">{t('common.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {outgoing.map((f) => (
              <tr data-followup={f.id} data-state={f.state}>
                <td>{agencyOf(f.partner)}</td>
                <td class="mono">{f.reference}</td>
                <td>{when(f.requested_ms)}</td>
                <td>{when(f.deadline_ms)}</td>
                <td>
                  <StateTag f={f} />
                  {f.erased_ms > 0 && (
                    <>
                      {' '}
                      <Tag kind="denied">{t('followups.erased')}</Tag>
                    </>
                  )}
                </td>
                <td>{f.decision_reason && <bdi dir="auto">{f.decision_reason}</bdi>}</td>
                <td>{f.decided_by && <Name text={f.decided_by} />}</td>
                <td>
                  <button type="button" aria-label={t('followups.openOne', { reference: f.reference })} onClick={() => openOne(f.id, 'outgoing')}>
                    {t('followups.open')}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {open?.direction === 'outgoing' && <OutgoingDetail id={open.id} key={open.id} agencyOf={agencyOf} />}
    </section>
  );
}
