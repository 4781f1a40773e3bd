import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { request, type Decision, type JobHit, type ScreeningJob } from '../api';
import { ErrorBox, Explanation, Field, Loading, MatchSummary, Name, PurposeField, RecordSummary, Score, Tag } from '../components';
import { formatDateTime, formatNumber, t, tDyn } from '../i18n';
import { usePurpose } from '../purpose';
import { href } from '../router';

const ACTIVE = new Set(['queued', 'running']);

function JobProgress({ job }: { job: ScreeningJob }) {
  return (
    <div class="progress">
      <progress max={Math.max(job.candidates, 1)} value={job.screened} aria-label={t('screening.progress')} />
      <span>{t('screening.progressText', { screened: job.screened, candidates: job.candidates })}</span>
    </div>
  );
}

export function ScreeningScreen() {
  const [purpose] = usePurpose();
  const [jobs, setJobs] = useState<ScreeningJob[] | null>(null);
  const [file, setFile] = useState<File | null>(null);
  const [threshold, setThreshold] = useState('');
  const [top, setTop] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const load = useCallback(() => {
    request<{ items: ScreeningJob[] }>('GET', '/api/v1/screening/jobs')
      .then((r) => setJobs(r.items))
      .catch(setError);
  }, []);
  useEffect(load, [load]);
  // Watch running jobs.
  useEffect(() => {
    if (!jobs?.some((j) => ACTIVE.has(j.state))) return;
    const timer = setTimeout(load, 1000);
    return () => clearTimeout(timer);
  }, [jobs, load]);

  const submit = async (e: Event) => {
    e.preventDefault();
    if (!file) return;
    setBusy(true);
    setError(null);
    try {
      const job = await request<ScreeningJob>('POST', '/api/v1/screening/jobs', {
        body: await file.text(),
        contentType: 'text/csv',
        purpose,
        query: { name: file.name, threshold: threshold || undefined, top: top || undefined },
      });
      setJobs([job, ...(jobs ?? []).filter((j) => j.id !== job.id)]);
      setFile(null);
      (e.target as HTMLFormElement).reset();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="screening-title">
      <h1 id="screening-title">{t('screening.title')}</h1>
      <p>{t('screening.intro')}</p>
      <form class="card form-grid" onSubmit={submit}>
        <PurposeField />
        <Field label={t('screening.file')}>
          {(id) => <input id={id} name="file" type="file" accept=".csv,text/csv" required onChange={(e) => setFile((e.target as HTMLInputElement).files?.[0] ?? null)} />}
        </Field>
        <Field label={t('screening.threshold')}>
          {(id) => (
            <input id={id} name="threshold" type="number" min="0" max="1" step="0.01" dir="ltr" value={threshold} onInput={(e) => setThreshold((e.target as HTMLInputElement).value)} />
          )}
        </Field>
        <Field label={t('screening.top')}>
          {(id) => <input id={id} name="top" type="number" min="1" max="100" dir="ltr" value={top} onInput={(e) => setTop((e.target as HTMLInputElement).value)} />}
        </Field>
        <div class="actions">
          <button type="submit" class="primary" disabled={busy || !file || !purpose}>
            {t('screening.upload')}
          </button>
        </div>
      </form>
      <ErrorBox error={error} />
      <h2>{t('screening.jobs')}</h2>
      {jobs === null ? (
        <Loading />
      ) : jobs.length === 0 ? (
        <p>{t('common.noResults')}</p>
      ) : (
        <table class="data jobs">
          <thead>
            <tr>
              <th scope="col">{t('screening.file_name')}</th>
              <th scope="col">{t('common.created')}</th>
              <th scope="col">{t('screening.state')}</th>
              <th scope="col">{t('screening.progress')}</th>
              <th scope="col">{t('screening.hits')}</th>
              <th scope="col">{t('common.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {jobs.map((j) => (
              <tr data-job={j.id} data-state={j.state}>
                <td>
                  <bdi dir="auto">{j.file_name || j.id}</bdi>
                </td>
                <td>{formatDateTime(j.created_at)}</td>
                <td>
                  <Tag kind={j.state}>{tDyn('state', j.state)}</Tag>
                  {j.error && <span class="error"> {j.error}</span>}
                </td>
                <td>
                  <JobProgress job={j} />
                </td>
                <td class="num">{formatNumber(j.hits)}</td>
                <td>
                  <a href={href(`screening/${j.id}`)}>{t('screening.open')}</a>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function isTyping(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  if (!el) return false;
  return el.tagName === 'INPUT' || el.tagName === 'TEXTAREA' || el.tagName === 'SELECT' || el.isContentEditable;
}

/** One job's hits, reviewed one by one; keyboard: J/K move, C/D/R decide. */
export function ScreeningReview({ jobId }: { jobId: string }) {
  const [purpose] = usePurpose();
  const [job, setJob] = useState<ScreeningJob | null>(null);
  const [hits, setHits] = useState<JobHit[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [index, setIndex] = useState(0);
  const [reason, setReason] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [status, setStatus] = useState('');
  const panel = useRef<HTMLElement>(null);

  const loadJob = useCallback(() => {
    request<ScreeningJob>('GET', `/api/v1/screening/jobs/${encodeURIComponent(jobId)}`).then(setJob).catch(setError);
  }, [jobId]);
  const loadHits = useCallback(
    async (after: string | null) => {
      if (!purpose) return;
      try {
        const r = await request<{ items: JobHit[]; next_cursor: string | null }>('GET', `/api/v1/screening/jobs/${encodeURIComponent(jobId)}/hits`, {
          purpose,
          query: { limit: 200, cursor: after ?? undefined },
        });
        setHits((prev) => (after && prev ? [...prev, ...r.items] : r.items));
        setCursor(r.next_cursor);
      } catch (err) {
        setError(err);
      }
    },
    [jobId, purpose],
  );
  useEffect(loadJob, [loadJob]);
  useEffect(() => {
    if (job && ACTIVE.has(job.state)) {
      const timer = setTimeout(loadJob, 1000);
      return () => clearTimeout(timer);
    }
  }, [job, loadJob]);
  // (Re)load the hits when the job finishes or the purpose is given.
  const finished = job !== null && !ACTIVE.has(job.state);
  useEffect(() => {
    if (finished && hits === null) void loadHits(null);
  }, [finished, hits, loadHits]);

  const current = hits?.[index] ?? null;
  // What the keyboard acts on, always current: keys pressed faster than
  // the screen re-renders must act on the hit the previous key moved to.
  const live = useRef({ hits, index, reason, purpose });
  live.current.hits = hits;
  live.current.reason = reason;
  live.current.purpose = purpose;
  const move = (to: number) => {
    live.current.index = to;
    setIndex(to);
  };
  if (live.current.index !== index) live.current.index = index;

  const decide = async (decision: Decision) => {
    const { hits: all, index: at, reason: typed, purpose: why } = live.current;
    const target = all?.[at];
    if (!all || !target) return;
    setError(null);
    // Move on at once, so the reviewer can go on while the decision is saved.
    if (at < all.length - 1) move(at + 1);
    setReason('');
    try {
      const r = await request<{ decision: Decision; reason: string; reviewer: string }>(
        'POST',
        `/api/v1/screening/jobs/${encodeURIComponent(jobId)}/hits/${target.hit}/decision`,
        { json: { decision, reason: typed.trim() || t(`screening.defaultReason.${decision}`) }, purpose: why },
      );
      setHits((prev) =>
        prev!.map((h) => (h.hit === target.hit ? { ...h, decision: { decision: r.decision, reason: r.reason, reviewer: r.reviewer, decided_at: new Date().toISOString() } } : h)),
      );
      setStatus(t('screening.decided', { decision: decisionLabel(decision) }));
    } catch (err) {
      setError(err);
    }
  };
  const decideRef = useRef(decide);
  decideRef.current = decide;

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const all = live.current.hits;
      if (e.altKey || e.ctrlKey || e.metaKey || isTyping(e.target) || !all?.length) return;
      const key = e.key.toLowerCase();
      const at = live.current.index;
      if (key === 'j' || e.key === 'ArrowDown') move(Math.min(at + 1, all.length - 1));
      else if (key === 'k' || e.key === 'ArrowUp') move(Math.max(at - 1, 0));
      else if (key === 'c') void decideRef.current('confirmed');
      else if (key === 'd') void decideRef.current('dismissed');
      else if (key === 'r') void decideRef.current('needs_review');
      else return;
      e.preventDefault();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);

  useEffect(() => {
    panel.current?.focus();
  }, [index]);

  return (
    <section aria-labelledby="review-title">
      <p>
        <a href={href('screening')}>← {t('common.back')}</a>
      </p>
      <h1 id="review-title">
        {t('screening.review')} <bdi dir="auto">{job?.file_name}</bdi>
      </h1>
      {job && (
        <div class="card">
          <Tag kind={job.state}>{tDyn('state', job.state)}</Tag> <JobProgress job={job} />
          <span>
            {t('screening.hits')}: {formatNumber(job.hits)}
          </span>
        </div>
      )}
      {!purpose && <PurposeField />}
      {!purpose && <p class="muted">{t('common.purposeRequired')}</p>}
      {purpose && finished && hits === null && <Loading />}
      <ErrorBox error={error} />
      <p class="muted kbd-help">{t('screening.shortcuts')}</p>
      <p role="status" class="status" aria-live="polite">
        {status}
      </p>
      {hits && hits.length === 0 && <p>{t('screening.noHits')}</p>}
      {hits && hits.length > 0 && (
        <div class="review">
          <ol class="hit-list" aria-label={t('screening.hits')}>
            {hits.map((h, i) => (
              <li>
                <button type="button" class={`hit-item ${i === index ? 'current' : ''}`} aria-current={i === index ? 'true' : undefined} onClick={() => move(i)}>
                  <Name text={h.candidate.name} /> → {h.record ? <Name text={h.record.name} /> : <bdi>{t('search.sharedFrom', { agency: h.shared?.agency || h.shared?.owner || '' })}</bdi>}
                  <span class={`decision decision-${h.decision?.decision ?? 'none'}`}>{h.decision ? decisionLabel(h.decision.decision) : t('screening.undecided')}</span>
                </button>
              </li>
            ))}
            {cursor && (
              <li>
                <button type="button" onClick={() => void loadHits(cursor)}>
                  {t('common.more')}
                </button>
              </li>
            )}
          </ol>
          {current && (
            <article class="card hit-detail" ref={panel} tabIndex={-1} aria-labelledby="hit-title" data-hit={current.hit}>
              <h2 id="hit-title">{t('screening.hitOf', { n: index + 1, total: hits.length })}</h2>
              <div class="pair">
                <div>
                  <h3>{t('screening.candidate')}</h3>
                  <p>
                    <Name text={current.candidate.name} /> <span class="muted">({t('screening.line', { line: current.candidate.line })}, <bdi>{current.candidate.id}</bdi>)</span>
                  </p>
                </div>
                <div>
                  <h3>{t('common.record')}</h3>
                  {current.record ? (
                    <RecordSummary record={current.record} />
                  ) : (
                    <p>
                      {t('search.sharedFrom', { agency: current.shared?.agency || current.shared?.owner || '' })} <span class="mono">{current.shared?.reference}</span> ({current.shared?.crime_area}, {current.shared?.handling_code})
                    </p>
                  )}
                </div>
              </div>
              <p>
                <Score value={current.score} /> <span dir="auto"><MatchSummary explanation={current.explanation} fallback={current.summary} /></span>
              </p>
              <Explanation explanation={current.explanation} />
              <p class="current-decision">
                {t('screening.decision')}:{' '}
                <strong class={`decision decision-${current.decision?.decision ?? 'none'}`}>
                  {current.decision ? decisionLabel(current.decision.decision) : t('screening.undecided')}
                </strong>
                {current.decision && <span class="muted"> — {current.decision.reason}</span>}
              </p>
              <Field label={t('screening.reason')}>
                {(id) => <input id={id} name="reason" value={reason} maxLength={1000} onInput={(e) => setReason((e.target as HTMLInputElement).value)} />}
              </Field>
              <div class="actions">
                <button type="button" class="confirm" onClick={() => void decide('confirmed')}>
                  {t('screening.confirm')} <kbd>C</kbd>
                </button>
                <button type="button" class="dismiss" onClick={() => void decide('dismissed')}>
                  {t('screening.dismiss')} <kbd>D</kbd>
                </button>
                <button type="button" onClick={() => void decide('needs_review')}>
                  {t('screening.needsReview')} <kbd>R</kbd>
                </button>
              </div>
            </article>
          )}
        </div>
      )}
    </section>
  );
}

function decisionLabel(d: Decision): string {
  return d === 'confirmed' ? t('screening.confirm') : d === 'dismissed' ? t('screening.dismiss') : t('screening.needsReview');
}
