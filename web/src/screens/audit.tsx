import { useEffect, useRef, useState } from 'preact/hooks';
import { request, type AuditEntry } from '../api';
import { ErrorBox, Field, Name, PurposeField, Tag } from '../components';
import { formatDateTime, t, tDyn } from '../i18n';
import { usePurpose } from '../purpose';
import { href } from '../router';

// Actions an auditor most often filters on (the log holds others too).
const ACTIONS = ['view', 'search', 'create', 'update', 'delete', 'import', 'screening', 'access_denied', 'partner_query_sent', 'partner_query_answered', 'sign_in', 'sign_in_failed', 'user_change'];

/** The audit trail with filters: who saw or changed which record, when and why. */
export function AuditScreen({ query }: { query: URLSearchParams }) {
  const [purpose] = usePurpose();
  const filters = {
    record: query.get('record') ?? '',
    actor: query.get('actor') ?? '',
    action: query.get('action') ?? '',
    from: query.get('from') ?? '',
    to: query.get('to') ?? '',
  };
  const [form, setForm] = useState(filters);
  const [entries, setEntries] = useState<AuditEntry[] | null>(null);
  const [next, setNext] = useState<number | null>(null);
  const [error, setError] = useState<unknown>(null);
  // Bumped by "Show", so the same filters can be asked again.
  const [asked, setAsked] = useState(0);

  // Only the newest request's answer is shown (filters may change while one is on its way).
  const latest = useRef(0);
  const load = async (before: number | null) => {
    setError(null);
    const mine = ++latest.current;
    try {
      const r = await request<{ entries: AuditEntry[]; next_before: number | null }>('GET', '/api/v1/audit', {
        purpose,
        query: { ...filters, before: before ?? undefined, limit: 100 },
      });
      if (mine !== latest.current) return;
      setEntries((prev) => (before && prev ? [...prev, ...r.entries] : r.entries));
      setNext(r.next_before);
    } catch (err) {
      setError(err);
    }
  };
  useEffect(() => {
    setForm(filters);
    setEntries(null);
    if (purpose && (Object.values(filters).some(Boolean) || asked > 0)) void load(null);
  }, [query.toString(), asked]);

  const set = (k: keyof typeof form) => (e: Event) => setForm({ ...form, [k]: (e.target as HTMLInputElement).value });

  return (
    <section aria-labelledby="audit-title">
      <h1 id="audit-title">{t('audit.title')}</h1>
      <p>{t('audit.intro')}</p>
      <form
        class="card form-grid"
        onSubmit={(e) => {
          e.preventDefault();
          const target = href('audit', { ...form, record: form.record.trim() });
          // A new query string loads by itself; the same one is asked again.
          if (location.hash === target) setAsked(asked + 1);
          else location.hash = target;
        }}
      >
        <PurposeField />
        <Field label={t('audit.recordId')}>{(id) => <input id={id} name="record" dir="ltr" value={form.record} onInput={set('record')} />}</Field>
        <Field label={t('audit.filterActor')}>{(id) => <input id={id} name="actor" value={form.actor} onInput={set('actor')} />}</Field>
        <Field label={t('audit.filterAction')}>
          {(id) => (
            <select id={id} name="action" value={form.action} onChange={set('action')}>
              <option value="">{t('common.any')}</option>
              {ACTIONS.map((a) => (
                <option value={a}>{a}</option>
              ))}
            </select>
          )}
        </Field>
        <Field label={t('dashboard.from')}>{(id) => <input id={id} name="from" type="date" value={form.from} onInput={set('from')} />}</Field>
        <Field label={t('dashboard.to')}>{(id) => <input id={id} name="to" type="date" value={form.to} onInput={set('to')} />}</Field>
        <div class="actions">
          <button type="submit" class="primary" disabled={!purpose}>
            {t('audit.show')}
          </button>
        </div>
      </form>
      <ErrorBox error={error} />
      {entries && (
        <>
          <p>{t('audit.count', { count: entries.length })}</p>
          <table class="data audit">
            <thead>
              <tr>
                <th scope="col">{t('audit.time')}</th>
                <th scope="col">{t('audit.actor')}</th>
                <th scope="col">{t('audit.action')}</th>
                <th scope="col">{t('common.record')}</th>
                <th scope="col">{t('common.purpose')}</th>
                <th scope="col">{t('audit.outcome')}</th>
              </tr>
            </thead>
            <tbody>
              {entries.map((e) => (
                <tr>
                  <td>{formatDateTime(e.time)}</td>
                  <td>
                    <Name text={e.actor_name || e.actor_id} /> <span class="muted">({tDyn('role', e.actor_role)})</span>
                  </td>
                  <td>{e.action}</td>
                  <td class="mono">
                    {(e.object_ids ?? []).slice(0, 3).join(' ')}
                    {(e.object_ids?.length ?? 0) > 3 ? ' …' : ''}
                  </td>
                  <td>
                    <bdi dir="auto">{e.purpose}</bdi>
                    {e.case_ref && <span class="muted"> · {e.case_ref}</span>}
                  </td>
                  <td>
                    <Tag kind={e.outcome}>{e.outcome}</Tag>
                    {e.outcome_text && <span class="muted"> {e.outcome_text}</span>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {next && (
            <button type="button" onClick={() => void load(next)}>
              {t('common.more')}
            </button>
          )}
        </>
      )}
    </section>
  );
}
