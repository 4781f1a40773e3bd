import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, LineController, LineElement, PointElement, Tooltip, type ChartConfiguration } from 'chart.js';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { request, type QueryFigures, type Stats } from '../api';
import { ErrorBox, Field, Loading } from '../components';
import { formatMonth, formatNumber, lang, langInfo, t, tDyn } from '../i18n';

Chart.register(BarController, BarElement, LineController, LineElement, PointElement, CategoryScale, LinearScale, Legend, Tooltip);

// Colour-blind-safe palette (Okabe–Ito), dark enough against white.
const COLOURS = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000', '#999933'];

function ChartCanvas({ config, label }: { config: ChartConfiguration; label: string }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    if (!canvas.current) return;
    const rtl = langInfo().dir === 'rtl';
    const chart = new Chart(canvas.current, {
      ...config,
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        locale: langInfo().locale,
        ...config.options,
        plugins: { legend: { rtl, position: 'bottom' }, tooltip: { rtl }, ...config.options?.plugins },
      },
    } as ChartConfiguration);
    return () => chart.destroy();
  }, [config]);
  return (
    <div class="chart">
      <canvas ref={canvas} role="img" aria-label={label} />
    </div>
  );
}

function isoDay(d: Date): string {
  return d.toISOString().slice(0, 10);
}

export function DashboardScreen() {
  const now = new Date();
  const [from, setFrom] = useState(isoDay(new Date(Date.UTC(now.getUTCFullYear() - 1, now.getUTCMonth(), 1))));
  const [to, setTo] = useState(isoDay(new Date(now.getTime() + 86400000)));
  const [stats, setStats] = useState<Stats | null>(null);
  const [error, setError] = useState<unknown>(null);

  const load = () => {
    setError(null);
    request<Stats>('GET', '/api/v1/stats', { query: { from, to } })
      .then(setStats)
      .catch(setError);
  };
  useEffect(load, []);

  const language = lang();
  // Built again only for new figures or another language (not on every keystroke).
  const { areaConfig, activityConfig, partnerConfig, responseConfig, areaRequestsConfig, areaHitsConfig, areaResponseConfig, areaRows } = useMemo(
    () => buildCharts(stats),
    [stats, language],
  );
  const ms = (n: number | undefined) => (n === undefined ? '—' : formatNumber(n));

  return (
    <section aria-labelledby="dash-title">
      <h1 id="dash-title">{t('dashboard.title')}</h1>
      <form
        class="card form-grid"
        onSubmit={(e) => {
          e.preventDefault();
          load();
        }}
      >
        <Field label={t('dashboard.from')}>{(id) => <input id={id} name="from" type="date" value={from} onInput={(e) => setFrom((e.target as HTMLInputElement).value)} />}</Field>
        <Field label={t('dashboard.to')}>{(id) => <input id={id} name="to" type="date" value={to} onInput={(e) => setTo((e.target as HTMLInputElement).value)} />}</Field>
        <div class="actions">
          <button type="submit" class="primary">
            {t('dashboard.show')}
          </button>
        </div>
      </form>
      <ErrorBox error={error} />
      {!stats && !error && <Loading />}
      {stats && (
        <div class="charts">
          <figure class="card">
            <figcaption>{t('dashboard.recordsByArea')}</figcaption>
            <ChartCanvas config={areaConfig} label={t('dashboard.recordsByArea')} />
          </figure>
          <figure class="card">
            <figcaption>{t('dashboard.activityByMonth')}</figcaption>
            <ChartCanvas config={activityConfig} label={t('dashboard.activityByMonth')} />
          </figure>
          <figure class="card">
            <figcaption>{t('dashboard.partnerRequests')}</figcaption>
            <ChartCanvas config={partnerConfig} label={t('dashboard.partnerRequests')} />
          </figure>
          <figure class="card">
            <figcaption>{t('dashboard.responseTimes')}</figcaption>
            <ChartCanvas config={responseConfig} label={t('dashboard.responseTimes')} />
          </figure>
          <figure class="card">
            <figcaption>{t('dashboard.areaRequests')}</figcaption>
            <ChartCanvas config={areaRequestsConfig} label={t('dashboard.areaRequests')} />
          </figure>
          <figure class="card">
            <figcaption>{t('dashboard.areaHits')}</figcaption>
            <ChartCanvas config={areaHitsConfig} label={t('dashboard.areaHits')} />
          </figure>
          <figure class="card">
            <figcaption>{t('dashboard.areaResponse')}</figcaption>
            <ChartCanvas config={areaResponseConfig} label={t('dashboard.areaResponse')} />
          </figure>
          <div class="card wide">
            <h2 id="by-area-title">{t('dashboard.byArea')}</h2>
            {areaRows.length === 0 ? (
              <p>{t('dashboard.noQueries')}</p>
            ) : (
              <div class="scroll" role="region" aria-labelledby="by-area-title" tabIndex={0}>
                <table class="data by-area">
                  <thead>
                    <tr>
                      <th scope="col">{t('common.crimeArea')}</th>
                      <th scope="col">{t('dashboard.month')}</th>
                      <th scope="col">{t('dashboard.sentQueries')}</th>
                      <th scope="col">{t('dashboard.sentHits')}</th>
                      <th scope="col">{t('dashboard.sentMedian')}</th>
                      <th scope="col">{t('dashboard.sentP90')}</th>
                      <th scope="col">{t('dashboard.receivedQueries')}</th>
                      <th scope="col">{t('dashboard.receivedHits')}</th>
                      <th scope="col">{t('dashboard.refused')}</th>
                      <th scope="col">{t('dashboard.receivedMedian')}</th>
                      <th scope="col">{t('dashboard.receivedP90')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {areaRows.map(({ area, month, sent, received }) => (
                      <tr data-area={area} data-month={month}>
                        <th scope="row">{tDyn('area', area)}</th>
                        <td>{formatMonth(month)}</td>
                        <td class="num">{formatNumber(sent.requests)}</td>
                        <td class="num">{formatNumber(sent.hits)}</td>
                        <td class="num">{ms(sent.response_ms_median)}</td>
                        <td class="num">{ms(sent.response_ms_p90)}</td>
                        <td class="num">{formatNumber(received.requests)}</td>
                        <td class="num">{formatNumber(received.hits)}</td>
                        <td class="num">{formatNumber(received.refused ?? 0)}</td>
                        <td class="num">{ms(received.response_ms_median)}</td>
                        <td class="num">{ms(received.response_ms_p90)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </div>
          <div class="card">
            <h2>{t('dashboard.totals')}</h2>
            <table class="data totals">
              <thead>
                <tr>
                  <th scope="col">{t('audit.action')}</th>
                  <th scope="col">{t('dashboard.count')}</th>
                </tr>
              </thead>
              <tbody>
                {Object.entries(stats.totals)
                  .sort()
                  .map(([a, n]) => (
                    <tr>
                      <td>{a}</td>
                      <td class="num">{formatNumber(n)}</td>
                    </tr>
                  ))}
              </tbody>
            </table>
          </div>
        </div>
      )}
    </section>
  );
}

function buildCharts(stats: Stats | null) {
  const rtl = langInfo().dir === 'rtl';
  const months = Object.keys(stats?.months ?? {}).sort();
  if (rtl) months.reverse();
  const monthLabels = months.map(formatMonth);
  const actions = [...new Set(months.flatMap((m) => Object.keys(stats!.months[m])))].sort();
  const sumOutcomes = (o: Record<string, number> | undefined) => Object.values(o ?? {}).reduce((a, b) => a + b, 0);

  const areas = Object.keys(stats?.records_by_crime_area ?? {}).sort();
  const areaConfig: ChartConfiguration = {
    type: 'bar',
    data: {
      labels: areas.map((a) => tDyn('area', a)),
      datasets: [{ label: t('dashboard.count'), data: areas.map((a) => stats!.records_by_crime_area[a]), backgroundColor: COLOURS[0] }],
    },
    options: { indexAxis: 'y', plugins: { legend: { display: false } }, scales: { x: { position: rtl ? 'top' : 'bottom', reverse: rtl, ticks: { precision: 0 } }, y: { position: rtl ? 'right' : 'left' } } },
  };
  const activityConfig: ChartConfiguration = {
    type: 'bar',
    data: {
      labels: monthLabels,
      datasets: actions.map((a, i) => ({ label: a, data: months.map((m) => sumOutcomes(stats!.months[m][a])), backgroundColor: COLOURS[i % COLOURS.length] })),
    },
    options: { scales: { x: { stacked: true }, y: { stacked: true, position: rtl ? 'right' : 'left', ticks: { precision: 0 } } } },
  };
  // Partner figures: summed over partners, per month.
  const partnerMonths = new Map<string, { sent: number; answered: number; hits: number; median: number[]; p90: number[] }>();
  for (const byMonth of Object.values(stats?.partners ?? {})) {
    for (const [m, f] of Object.entries(byMonth)) {
      const e = partnerMonths.get(m) ?? { sent: 0, answered: 0, hits: 0, median: [], p90: [] };
      e.sent += f.partner_query_sent ?? 0;
      e.answered += f.partner_query_answered ?? 0;
      e.hits += f.hits ?? 0;
      if (f.response_ms_median !== undefined) e.median.push(f.response_ms_median);
      if (f.response_ms_p90 !== undefined) e.p90.push(f.response_ms_p90);
      partnerMonths.set(m, e);
    }
  }
  const pm = [...partnerMonths.keys()].sort();
  if (rtl) pm.reverse();
  const max = (xs: number[]) => (xs.length ? Math.max(...xs) : null);
  const partnerConfig: ChartConfiguration = {
    type: 'bar',
    data: {
      labels: pm.map(formatMonth),
      datasets: [
        { label: t('dashboard.requests'), data: pm.map((m) => partnerMonths.get(m)!.sent), backgroundColor: COLOURS[0] },
        { label: t('dashboard.answered'), data: pm.map((m) => partnerMonths.get(m)!.answered), backgroundColor: COLOURS[2] },
        { label: t('dashboard.hitsSeries'), data: pm.map((m) => partnerMonths.get(m)!.hits), backgroundColor: COLOURS[1] },
      ],
    },
    options: { scales: { y: { position: rtl ? 'right' : 'left', ticks: { precision: 0 } } } },
  };
  const responseConfig: ChartConfiguration = {
    type: 'line',
    data: {
      labels: pm.map(formatMonth),
      datasets: [
        { label: t('dashboard.median'), data: pm.map((m) => max(partnerMonths.get(m)!.median)), borderColor: COLOURS[0], backgroundColor: COLOURS[0] },
        { label: t('dashboard.p90'), data: pm.map((m) => max(partnerMonths.get(m)!.p90)), borderColor: COLOURS[1], backgroundColor: COLOURS[1] },
      ],
    },
    options: { scales: { y: { position: rtl ? 'right' : 'left' } } },
  };

  // Partner queries by crime area and month (sent and received together in
  // the charts; apart, with response times, in the table).
  const byArea = stats?.partner_queries_by_crime_area ?? {};
  const empty: QueryFigures = { requests: 0, answered: 0, hits: 0 };
  const queryAreas = Object.keys(byArea).sort();
  const areaMonths = [...new Set(queryAreas.flatMap((a) => Object.keys(byArea[a])))].sort();
  const areaRows = queryAreas.flatMap((area) =>
    Object.keys(byArea[area])
      .sort()
      .map((month) => ({ area, month, sent: byArea[area][month].sent ?? empty, received: byArea[area][month].received ?? empty })),
  );
  if (rtl) areaMonths.reverse();
  const perArea = (pick: (f: QueryFigures) => number): ChartConfiguration => ({
    type: 'bar',
    data: {
      labels: areaMonths.map(formatMonth),
      datasets: queryAreas.map((a, i) => ({
        label: tDyn('area', a),
        data: areaMonths.map((m) => pick(byArea[a][m]?.sent ?? empty) + pick(byArea[a][m]?.received ?? empty)),
        backgroundColor: COLOURS[i % COLOURS.length],
      })),
    },
    options: { scales: { x: { stacked: true }, y: { stacked: true, position: rtl ? 'right' : 'left', ticks: { precision: 0 } } } },
  });
  const areaRequestsConfig = perArea((f) => f.requests);
  const areaHitsConfig = perArea((f) => f.hits);
  // What officers waited for an answer, by the crime area they asked about.
  const areaResponseConfig: ChartConfiguration = {
    type: 'bar',
    data: {
      labels: areaMonths.map(formatMonth),
      datasets: queryAreas.map((a, i) => ({
        label: tDyn('area', a),
        data: areaMonths.map((m) => byArea[a][m]?.sent?.response_ms_median ?? null),
        backgroundColor: COLOURS[i % COLOURS.length],
      })),
    },
    options: { scales: { y: { position: rtl ? 'right' : 'left' } } },
  };

  return { areaConfig, activityConfig, partnerConfig, responseConfig, areaRequestsConfig, areaHitsConfig, areaResponseConfig, areaRows };
}
