import { useState } from 'preact/hooks';
import { hitKey, request, type SearchHit } from '../api';
import { ErrorBox, Explanation, Field, MatchSummary, Name, PurposeField, RecordSummary, Score } from '../components';
import { t } from '../i18n';
import { usePurpose } from '../purpose';
import { href } from '../router';

export function SearchScreen({ canReadRecords }: { canReadRecords: boolean }) {
  const [purpose] = usePurpose();
  const [name, setName] = useState('');
  const [dob, setDob] = useState('');
  const [father, setFather] = useState('');
  const [minScore, setMinScore] = useState('');
  const [hits, setHits] = useState<SearchHit[] | null>(null);
  const [open, setOpen] = useState<Set<string>>(new Set());
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const body: Record<string, unknown> = { name };
      if (dob) body.dob = dob;
      if (father) body.father_name = father;
      if (minScore) body.min_score = Number(minScore);
      const r = await request<{ hits: SearchHit[] }>('POST', '/api/v1/search/persons', { json: body, purpose });
      setHits(r.hits);
      setOpen(new Set(r.hits.slice(0, 1).map(hitKey)));
    } catch (err) {
      setError(err);
      setHits(null);
    } finally {
      setBusy(false);
    }
  };

  const toggle = (id: string) => {
    const next = new Set(open);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    setOpen(next);
  };

  return (
    <section aria-labelledby="search-title">
      <h1 id="search-title">{t('search.title')}</h1>
      <p>{t('search.intro')}</p>
      <form class="card form-grid" onSubmit={submit}>
        <PurposeField />
        <Field label={t('common.name')}>
          {(id) => <input id={id} name="name" dir="auto" required value={name} onInput={(e) => setName((e.target as HTMLInputElement).value)} />}
        </Field>
        <Field label={t('common.dob')} hint="YYYY-MM-DD, YYYY-MM, YYYY">
          {(id) => (
            <input id={id} name="dob" dir="ltr" pattern="\d{4}(-\d{2}(-\d{2})?)?" value={dob} aria-describedby={`${id}-hint`} onInput={(e) => setDob((e.target as HTMLInputElement).value)} />
          )}
        </Field>
        <Field label={t('common.fatherName')}>
          {(id) => <input id={id} name="father_name" dir="auto" value={father} onInput={(e) => setFather((e.target as HTMLInputElement).value)} />}
        </Field>
        <Field label={t('search.minScore')}>
          {(id) => (
            <input id={id} name="min_score" type="number" min="0" max="1" step="0.01" dir="ltr" value={minScore} onInput={(e) => setMinScore((e.target as HTMLInputElement).value)} />
          )}
        </Field>
        <div class="actions">
          <button type="submit" class="primary" disabled={busy || !purpose}>
            {t('search.submit')}
          </button>
        </div>
      </form>
      <ErrorBox error={error} />
      {hits && (
        <div class="results" aria-live="polite">
          <h2>{t('search.results', { count: hits.length })}</h2>
          {hits.length === 0 && <p>{t('common.noResults')}</p>}
          <ol class="hits">
            {hits.map((h) =>
              h.shared || !h.record || !h.record_id ? (
                <li class="hit card shared" data-reference={h.shared?.reference}>
                  <div class="hit-head">
                    <Score value={h.score} />
                    <span class="hit-name">{t('search.sharedFrom', { agency: h.shared?.agency || h.shared?.owner || '' })}</span>
                    <span class="mono">{h.shared?.reference}</span>
                  </div>
                  <p class="reasons" dir="auto">
                    <MatchSummary explanation={h.explanation} fallback={h.summary} />
                  </p>
                  <p class="muted">
                    {h.shared?.crime_area} · {h.shared?.handling_code}
                    {h.shared?.alert ? ` · ${h.shared.alert}` : ''}
                    {h.shared?.notified ? ` · ${t('search.ownerNotified')}` : ''}
                  </p>
                  <button type="button" class="link" aria-expanded={open.has(hitKey(h))} onClick={() => toggle(hitKey(h))}>
                    {t('search.explain')}
                  </button>
                  {open.has(hitKey(h)) && <Explanation explanation={h.explanation} />}
                </li>
              ) : (
                <li class="hit card" data-record={h.record_id}>
                  <div class="hit-head">
                    <Score value={h.score} />
                    <span class="hit-name">
                      <Name text={h.record.name} />
                    </span>
                    {canReadRecords ? (
                      <a href={href(`records/persons/${h.record_id}`)} class="mono">
                        {h.record_id}
                      </a>
                    ) : (
                      <span class="mono">{h.record_id}</span>
                    )}
                  </div>
                  <p class="reasons" dir="auto">
                    <MatchSummary explanation={h.explanation} fallback={h.summary} />
                  </p>
                  <RecordSummary record={h.record} />
                  <button type="button" class="link" aria-expanded={open.has(h.record_id)} onClick={() => toggle(hitKey(h))}>
                    {t('search.explain')}
                  </button>
                  {open.has(h.record_id) && <Explanation explanation={h.explanation} />}
                </li>
              ),
            )}
          </ol>
        </div>
      )}
    </section>
  );
}
