import { useEffect, useState } from 'preact/hooks';
import { request, CRIME_AREAS, HANDLING_CODES, type Partner, type PartnerResult } from '../api';
import { ErrorBox, Field, Loading, PurposeField, Tag } from '../components';
import { formatDateTime, formatNumber, t, tDyn } from '../i18n';
import { usePurpose } from '../purpose';
import { FollowupRequestForm } from './followups';
import { WatchlistsPanel } from './watchlists';

export function PartnersScreen({ canAdmin, canReadRecords }: { canAdmin: boolean; canReadRecords: boolean }) {
  const [purpose] = usePurpose();
  const [partners, setPartners] = useState<Partner[] | null>(null);
  const [partner, setPartner] = useState('all');
  const [name, setName] = useState('');
  const [dob, setDob] = useState('');
  const [father, setFather] = useState('');
  const [area, setArea] = useState('');
  const [results, setResults] = useState<PartnerResult[] | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [agreementFor, setAgreementFor] = useState<Partner | null>(null);
  const [followup, setFollowup] = useState<{ partner: string; reference: string } | null>(null);

  useEffect(() => {
    request<{ partners: Partner[] }>('GET', '/api/v1/partners')
      .then((r) => setPartners(r.partners))
      .catch(setError);
  }, []);

  const agencyOf = (id: string) => partners?.find((p) => p.node_id === id)?.agency ?? id;

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const body: Record<string, unknown> = { partner, name };
      if (dob) body.dob = dob;
      if (father) body.father_name = father;
      if (area) body.crime_area = area;
      const r = await request<{ results: PartnerResult[] }>('POST', '/api/v1/partners/query', { json: body, purpose });
      setResults(r.results);
      setFollowup(null);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="partners-title">
      <h1 id="partners-title">{t('partners.title')}</h1>
      <p>{t('partners.intro')}</p>
      <form class="card form-grid" onSubmit={submit}>
        <PurposeField />
        <Field label={t('partners.partner')}>
          {(id) => (
            <select id={id} name="partner" value={partner} onChange={(e) => setPartner((e.target as HTMLSelectElement).value)}>
              <option value="all">{t('partners.all')}</option>
              {partners?.map((p) => (
                <option value={p.node_id}>
                  {p.agency} ({p.country})
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label={t('common.name')}>
          {(id) => <input id={id} name="name" dir="auto" required value={name} onInput={(e) => setName((e.target as HTMLInputElement).value)} />}
        </Field>
        <Field label={t('common.dob')}>
          {(id) => <input id={id} name="dob" dir="ltr" value={dob} onInput={(e) => setDob((e.target as HTMLInputElement).value)} />}
        </Field>
        <Field label={t('common.fatherName')}>
          {(id) => <input id={id} name="father_name" dir="auto" value={father} onInput={(e) => setFather((e.target as HTMLInputElement).value)} />}
        </Field>
        <Field label={t('common.crimeArea')}>
          {(id) => (
            <select id={id} name="crime_area" value={area} onChange={(e) => setArea((e.target as HTMLSelectElement).value)}>
              <option value="">{t('common.any')}</option>
              {CRIME_AREAS.map((a) => (
                <option value={a}>{tDyn('area', a)}</option>
              ))}
            </select>
          )}
        </Field>
        <div class="actions">
          <button type="submit" class="primary" disabled={busy || !purpose}>
            {t('partners.submit')}
          </button>
        </div>
      </form>
      <ErrorBox error={error} />
      {results && (
        <ul class="partner-results" aria-live="polite">
          {results.map((r) => (
            <li class={`card ${r.hit ? 'is-hit' : ''}`}>
              <h3>{agencyOf(r.partner)}</h3>
              {!r.answered ? (
                <p class="error">{t('partners.notAnswered', { error: r.error ?? '' })}</p>
              ) : r.hit ? (
                <Tag kind="hit">{t('partners.hit')}</Tag>
              ) : (
                <Tag kind="nohit">{t('partners.noHit')}</Tag>
              )}
              {r.response_ms !== undefined && <p class="muted">{t('partners.responseTime', { ms: formatNumber(r.response_ms) })}</p>}
              {r.matches.length > 0 && (
                <table>
                  <thead>
                    <tr>
                      <th scope="col">{t('partners.references')}</th>
                      <th scope="col">{t('partners.band')}</th>
                      <th scope="col">{t('common.actions')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {r.matches.map((m) => (
                      <tr>
                        <td class="mono">{m.reference}</td>
                        <td>{m.band}</td>
                        <td>
                          <button
                            type="button"
                            aria-label={t('followups.requestFor', { reference: m.reference })}
                            aria-expanded={followup?.reference === m.reference && followup.partner === r.partner}
                            onClick={() => setFollowup({ partner: r.partner, reference: m.reference })}
                          >
                            {t('followups.request')}
                          </button>
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
            </li>
          ))}
        </ul>
      )}
      {results?.some((r) => r.hit) && <p class="muted">{t('partners.followUp')}</p>}
      {followup && (
        <FollowupRequestForm
          key={`${followup.partner}:${followup.reference}`}
          partner={followup.partner}
          agency={agencyOf(followup.partner)}
          reference={followup.reference}
          onClose={() => setFollowup(null)}
        />
      )}

      <h2>{t('partners.listTitle')}</h2>
      {partners === null ? (
        <Loading />
      ) : partners.length === 0 ? (
        <p>{t('partners.none')}</p>
      ) : (
        <table class="data">
          <thead>
            <tr>
              <th scope="col">{t('partners.agency')}</th>
              <th scope="col">{t('partners.country')}</th>
              <th scope="col">{t('partners.node')}</th>
              <th scope="col">{t('common.status')}</th>
              {canAdmin && <th scope="col">{t('common.actions')}</th>}
            </tr>
          </thead>
          <tbody>
            {partners.map((p) => (
              <tr>
                <td>{p.agency}</td>
                <td>{p.country}</td>
                <td class="mono">{p.node_id}</td>
                <td>{p.status}</td>
                {canAdmin && (
                  <td>
                    {p.status === 'active' && (
                      <button type="button" aria-expanded={agreementFor?.node_id === p.node_id} onClick={() => setAgreementFor(agreementFor?.node_id === p.node_id ? null : p)}>
                        {t('agreements.manage')}
                      </button>
                    )}
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {canAdmin && agreementFor && <AgreementPanel partner={agreementFor} key={agreementFor.node_id} />}
      <WatchlistsPanel agencyOf={agencyOf} canReadRecords={canReadRecords} />
    </section>
  );
}

interface AgreementVersion {
  partner: string;
  version: number;
  crime_areas: string[];
  record_types: string[];
  max_handling_code: string;
  auto_approve: string[];
  retention_days: number;
  daily_quota: number;
  changed_by: string;
  changed_at: string;
}

const RECORD_TYPES = ['person', 'organisation', 'vehicle', 'document', 'phone', 'case'];

/** The sharing agreement with one partner: the current version, its history, and a new version. */
function AgreementPanel({ partner }: { partner: Partner }) {
  const [versions, setVersions] = useState<AgreementVersion[] | null>(null);
  const [draft, setDraft] = useState({ crime_areas: [] as string[], record_types: ['person'], max_handling_code: 'H0', auto_approve: [] as string[], retention_days: 90, daily_quota: 1000 });
  const [notice, setNotice] = useState('');
  const [error, setError] = useState<unknown>(null);
  const url = `/api/v1/partners/${encodeURIComponent(partner.node_id)}/agreements`;

  useEffect(() => {
    request<{ versions: AgreementVersion[] }>('GET', url)
      .then((r) => {
        setVersions(r.versions);
        const last = r.versions[r.versions.length - 1];
        if (last) {
          const { crime_areas, record_types, max_handling_code, auto_approve, retention_days, daily_quota } = last;
          setDraft({ crime_areas, record_types, max_handling_code, auto_approve, retention_days, daily_quota });
        }
      })
      .catch(setError);
  }, [url]);

  const save = async (e: Event) => {
    e.preventDefault();
    setError(null);
    try {
      const v = await request<AgreementVersion>('POST', url, { json: draft });
      setVersions([...(versions ?? []), v]);
      setNotice(t('agreements.saved', { version: v.version }));
    } catch (err) {
      setError(err);
    }
  };
  const toggle = (k: 'crime_areas' | 'record_types' | 'auto_approve', v: string, on: boolean) =>
    setDraft({ ...draft, [k]: on ? [...draft[k], v] : draft[k].filter((x) => x !== v) });
  const current = versions?.[versions.length - 1];

  const checks = (k: 'crime_areas' | 'record_types' | 'auto_approve', legend: string, values: readonly string[], show: (v: string) => string) => (
    <fieldset>
      <legend>{legend}</legend>
      {values.map((v) => (
        <label class="check">
          <input type="checkbox" name={k} value={v} checked={draft[k].includes(v)} onChange={(e) => toggle(k, v, (e.target as HTMLInputElement).checked)} /> {show(v)}
        </label>
      ))}
    </fieldset>
  );

  return (
    <section class="card agreement" aria-labelledby="agreement-title">
      <h2 id="agreement-title">{t('agreements.title', { agency: partner.agency })}</h2>
      <ErrorBox error={error} />
      {versions === null ? (
        <Loading />
      ) : current ? (
        <p>{t('agreements.version', { version: current.version, when: formatDateTime(current.changed_at), who: current.changed_by })}</p>
      ) : (
        <p>{t('agreements.none')}</p>
      )}
      <form class="form-grid" onSubmit={save}>
        {checks('crime_areas', t('agreements.crimeAreas'), CRIME_AREAS, (a) => tDyn('area', a))}
        {checks('record_types', t('agreements.recordTypes'), RECORD_TYPES, (r) => r)}
        {checks('auto_approve', t('agreements.autoApprove'), CRIME_AREAS, (a) => tDyn('area', a))}
        <Field label={t('agreements.maxHandling')}>
          {(id) => (
            <select id={id} name="max_handling_code" value={draft.max_handling_code} onChange={(e) => setDraft({ ...draft, max_handling_code: (e.target as HTMLSelectElement).value })}>
              {HANDLING_CODES.map((h) => (
                <option value={h}>{tDyn('handling', h)}</option>
              ))}
            </select>
          )}
        </Field>
        <Field label={t('agreements.retention')}>
          {(id) => (
            <input id={id} name="retention_days" type="number" min="1" max="3650" dir="ltr" value={draft.retention_days} onInput={(e) => setDraft({ ...draft, retention_days: Number((e.target as HTMLInputElement).value) })} />
          )}
        </Field>
        <Field label={t('agreements.quota')}>
          {(id) => (
            <input id={id} name="daily_quota" type="number" min="0" max="10000000" dir="ltr" value={draft.daily_quota} onInput={(e) => setDraft({ ...draft, daily_quota: Number((e.target as HTMLInputElement).value) })} />
          )}
        </Field>
        <div class="actions">
          <button type="submit" class="primary">
            {t('agreements.save')}
          </button>
        </div>
      </form>
      {notice && (
        <p role="status" class="notice">
          {notice}
        </p>
      )}
      {versions && versions.length > 1 && (
        <>
          <h3>{t('agreements.history')}</h3>
          <table class="data">
            <thead>
              <tr>
                <th scope="col">#</th>
                <th scope="col">{t('agreements.crimeAreas')}</th>
                <th scope="col">{t('agreements.maxHandling')}</th>
                <th scope="col">{t('agreements.quota')}</th>
                <th scope="col">{t('audit.time')}</th>
              </tr>
            </thead>
            <tbody>
              {versions
                .slice()
                .reverse()
                .map((v) => (
                  <tr>
                    <td class="num">{v.version}</td>
                    <td>{v.crime_areas.map((a) => tDyn('area', a)).join(', ')}</td>
                    <td>{v.max_handling_code}</td>
                    <td class="num">{formatNumber(v.daily_quota)}</td>
                    <td>{formatDateTime(v.changed_at)}</td>
                  </tr>
                ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
