// Shared watchlists, on the partners screen: the partners' lists this node
// holds and screens against (version, entries, last pull, last error), and
// the hits partners reported on the entries this node published to them,
// each with the record it stands for.
import { useEffect, useState } from 'preact/hooks';
import { request } from '../api';
import { ErrorBox, Loading } from '../components';
import { formatDateTime, formatNumber, t } from '../i18n';

interface SharedList {
  partner: string;
  version: number;
  entries: number;
  retention_days: number;
  last_pull_ms: number;
  last_success_ms: number;
  last_error: string;
}

interface HitReceived {
  id: string;
  partner: string;
  reference: string;
  record_id: string;
  list_version: number;
  source: string;
  purpose: string;
  band: string;
  score_permille: number;
  hit_ms: number;
  received_ms: number;
}

export function WatchlistsPanel({ agencyOf, canReadRecords }: { agencyOf: (id: string) => string; canReadRecords: boolean }) {
  const [lists, setLists] = useState<SharedList[] | null>(null);
  const [hits, setHits] = useState<HitReceived[] | null>(null);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    request<{ watchlists: SharedList[] }>('GET', '/api/v1/watchlists')
      .then((r) => setLists(r.watchlists))
      .catch(setError);
    request<{ hits: HitReceived[] }>('GET', '/api/v1/watchlists/hits?limit=100')
      .then((r) => setHits(r.hits))
      .catch(setError);
  }, []);

  const time = (ms: number) => (ms > 0 ? formatDateTime(ms) : '—');

  return (
    <>
      <h2 id="watchlists-title">{t('watchlists.title')}</h2>
      <p>{t('watchlists.intro')}</p>
      <ErrorBox error={error} />
      {lists === null ? (
        <Loading />
      ) : lists.length === 0 ? (
        <p class="muted">{t('watchlists.none')}</p>
      ) : (
        <table class="watchlists" aria-labelledby="watchlists-title">
          <thead>
            <tr>
              <th scope="col">{t('partners.agency')}</th>
              <th scope="col">{t('watchlists.version')}</th>
              <th scope="col">{t('watchlists.entries')}</th>
              <th scope="col">{t('watchlists.lastPull')}</th>
              <th scope="col">{t('watchlists.lastSuccess')}</th>
              <th scope="col">{t('watchlists.lastError')}</th>
            </tr>
          </thead>
          <tbody>
            {lists.map((l) => (
              <tr data-partner={l.partner}>
                <td>
                  <bdi>{agencyOf(l.partner)}</bdi>
                </td>
                <td class="num">{formatNumber(l.version)}</td>
                <td class="num">{formatNumber(l.entries)}</td>
                <td>{time(l.last_pull_ms)}</td>
                <td>{time(l.last_success_ms)}</td>
                <td dir="auto">{l.last_error || '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h2 id="watchlist-hits-title">{t('watchlists.hitsTitle')}</h2>
      {hits === null ? (
        <Loading />
      ) : hits.length === 0 ? (
        <p class="muted">{t('watchlists.noHits')}</p>
      ) : (
        <table class="watchlist-hits" aria-labelledby="watchlist-hits-title">
          <thead>
            <tr>
              <th scope="col">{t('watchlists.received')}</th>
              <th scope="col">{t('partners.agency')}</th>
              <th scope="col">{t('watchlists.record')}</th>
              <th scope="col">{t('partners.band')}</th>
              <th scope="col">{t('watchlists.source')}</th>
              <th scope="col">{t('watchlists.theirPurpose')}</th>
            </tr>
          </thead>
          <tbody>
            {hits.map((h) => (
              <tr data-hit={h.id}>
                <td>{time(h.received_ms)}</td>
                <td>
                  <bdi>{agencyOf(h.partner)}</bdi>
                </td>
                <td class="mono">{canReadRecords ? <a href={`#/records/persons/${h.record_id}`}>{h.record_id}</a> : h.record_id}</td>
                <td>{h.band === 'strong' ? t('watchlists.strong') : t('watchlists.possible')}</td>
                <td>{h.source === 'screening' ? t('watchlists.fromScreening') : t('watchlists.fromSearch')}</td>
                <td dir="auto">{h.purpose}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
