import { useEffect, useState } from 'preact/hooks';
import { request, type AuditEntry } from '../api';
import { ErrorBox, Field, Name, PurposeField, Tag } from '../components';
import { formatDateTime, t, tDyn } from '../i18n';
import { usePurpose } from '../purpose';
import { navigate } from '../router';

/** "Who saw this record": the audit entries that concern one record, filtered. */
export function AuditScreen({ query }: { query: URLSearchParams }) {
  const [purpose] = usePurpose();
  const recordId = query.get('record') ?? '';
  const [input, setInput] = useState(recordId);
  const [entries, setEntries] = useState<AuditEntry[] | null>(null);
  const [actorFilter, setActorFilter] = useState('');
  const [actionFilter, setActionFilter] = useState('');
  const [error, setError] = useState<unknown>(null);
  // Bumped by "Show", so the same record can be asked again (a new purpose).
  const [asked, setAsked] = useState(0);

  useEffect(() => {
    setEntries(null);
    setError(null);
    if (!recordId || !purpose) return;
    request<{ entries: AuditEntry[] }>('GET', `/api/v1/records/${encodeURIComponent(recordId)}/audit`, { purpose })
      .then((r) => setEntries(r.entries.slice().reverse()))
      .catch(setError);
  }, [recordId, asked]);

  const actions = [...new Set((entries ?? []).map((e) => e.action))].sort();
  const shown = (entries ?? []).filter(
    (e) => (!actionFilter || e.action === actionFilter) && (!actorFilter || `${e.actor_name} ${e.actor_id}`.toLowerCase().includes(actorFilter.toLowerCase())),
  );

  return (
    <section aria-labelledby="audit-title">
      <h1 id="audit-title">{t('audit.title')}</h1>
      <p>{t('audit.intro')}</p>
      <form
        class="card form-grid"
        onSubmit={(e) => {
          e.preventDefault();
          navigate('audit', { record: input.trim() });
          setAsked(asked + 1);
        }}
      >
        <PurposeField />
        <Field label={t('audit.recordId')}>
          {(id) => <input id={id} name="record" dir="ltr" required value={input} onInput={(e) => setInput((e.target as HTMLInputElement).value)} />}
        </Field>
        <div class="actions">
          <button type="submit" class="primary" disabled={!purpose}>
            {t('audit.show')}
          </button>
        </div>
      </form>
      <ErrorBox error={error} />
      {entries && (
        <>
          <div class="filters form-grid">
            <Field label={t('audit.filterActor')}>
              {(id) => <input id={id} name="actor" value={actorFilter} onInput={(e) => setActorFilter((e.target as HTMLInputElement).value)} />}
            </Field>
            <Field label={t('audit.filterAction')}>
              {(id) => (
                <select id={id} name="action" value={actionFilter} onChange={(e) => setActionFilter((e.target as HTMLSelectElement).value)}>
                  <option value="">{t('common.any')}</option>
                  {actions.map((a) => (
                    <option value={a}>{a}</option>
                  ))}
                </select>
              )}
            </Field>
          </div>
          <p>{t('audit.count', { count: shown.length })}</p>
          <table class="data audit">
            <thead>
              <tr>
                <th scope="col">{t('audit.time')}</th>
                <th scope="col">{t('audit.actor')}</th>
                <th scope="col">{t('audit.action')}</th>
                <th scope="col">{t('common.purpose')}</th>
                <th scope="col">{t('audit.outcome')}</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((e) => (
                <tr>
                  <td>{formatDateTime(e.time)}</td>
                  <td>
                    <Name text={e.actor_name || e.actor_id} /> <span class="muted">({tDyn('role', e.actor_role)})</span>
                  </td>
                  <td>{e.action}</td>
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
        </>
      )}
    </section>
  );
}
