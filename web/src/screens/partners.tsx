import { useEffect, useState } from 'preact/hooks';
import { request, CRIME_AREAS, type Partner, type PartnerResult } from '../api';
import { ErrorBox, Field, Loading, PurposeField, Tag } from '../components';
import { formatNumber, t, tDyn } from '../i18n';
import { usePurpose } from '../purpose';

export function PartnersScreen() {
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
                    </tr>
                  </thead>
                  <tbody>
                    {r.matches.map((m) => (
                      <tr>
                        <td class="mono">{m.reference}</td>
                        <td>{m.band}</td>
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
            </tr>
          </thead>
          <tbody>
            {partners.map((p) => (
              <tr>
                <td>{p.agency}</td>
                <td>{p.country}</td>
                <td class="mono">{p.node_id}</td>
                <td>{p.status}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
