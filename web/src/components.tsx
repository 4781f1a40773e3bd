// Small building blocks shared by the screens.
import type { ComponentChildren } from 'preact';
import { useId } from 'preact/hooks';
import { ApiError, type Explanation as ExplanationJson, type PersonSummary } from './api';
import { formatDate, formatNumber, t, tDyn } from './i18n';
import { usePurpose } from './purpose';

/** A person's name as written, in whatever script, isolated from the surrounding direction. */
export function Name({ text }: { text?: string }) {
  return <bdi dir="auto" class="name">{text ?? ''}</bdi>;
}

export function ErrorBox({ error }: { error: unknown }) {
  if (!error) return null;
  const message = error instanceof ApiError || error instanceof Error ? error.message : String(error);
  return (
    <p class="error" role="alert">
      {t('common.error', { message })}
    </p>
  );
}

export function Field(props: { label: string; hint?: string; children: (id: string) => ComponentChildren }) {
  const id = useId();
  return (
    <div class="field">
      <label for={id}>{props.label}</label>
      {props.children(id)}
      {props.hint && <small id={`${id}-hint`}>{props.hint}</small>}
    </div>
  );
}

/** The purpose every consultation of personal data must state. */
export function PurposeField({ required = true }: { required?: boolean }) {
  const [purpose, setPurpose] = usePurpose();
  return (
    <Field label={t('common.purpose')} hint={t('common.purposeHint')}>
      {(id) => (
        <input
          id={id}
          name="purpose"
          required={required}
          maxLength={1000}
          value={purpose}
          aria-describedby={`${id}-hint`}
          onInput={(e) => setPurpose((e.target as HTMLInputElement).value)}
        />
      )}
    </Field>
  );
}

export function Score({ value }: { value: number }) {
  const pct = Math.round(value * 100);
  const level = value >= 0.85 ? 'high' : value >= 0.7 ? 'mid' : 'low';
  return (
    <span class={`score score-${level}`} title={t('common.score')}>
      {formatNumber(value, { maximumFractionDigits: 2, minimumFractionDigits: 2 })}
      <span class="score-bar" aria-hidden="true">
        <span style={{ inlineSize: `${pct}%` }} />
      </span>
    </span>
  );
}

export function Tag({ kind, children }: { kind?: string; children: ComponentChildren }) {
  return <span class={`tag ${kind ? `tag-${kind}` : ''}`}>{children}</span>;
}

export function RecordSummary({ record }: { record: PersonSummary }) {
  return (
    <dl class="summary">
      <dt>{t('common.name')}</dt>
      <dd>
        <Name text={record.name} />
        {record.aliases?.length ? (
          <span class="aliases">
            {' '}
            ({record.aliases.map((a, i) => (
              <>
                {i > 0 && ', '}
                <Name text={a} />
              </>
            ))}
            )
          </span>
        ) : null}
      </dd>
      {record.father_name && (
        <>
          <dt>{t('common.fatherName')}</dt>
          <dd>
            <Name text={record.father_name} />
          </dd>
        </>
      )}
      {record.dob && (
        <>
          <dt>{t('common.dob')}</dt>
          <dd>{formatDate(record.dob)}</dd>
        </>
      )}
      <dt>{t('common.crimeArea')}</dt>
      <dd>{tDyn('area', record.crime_area)}</dd>
      <dt>{t('common.handlingCode')}</dt>
      <dd>
        <Tag kind={record.handling_code}>{record.handling_code}</Tag> {tDyn('handling', record.handling_code).replace(/^H\d — /, '')}
      </dd>
      {record.alert && (
        <>
          <dt>{t('common.alert')}</dt>
          <dd>
            <Tag kind="alert">{tDyn('alert', record.alert)}</Tag>
          </dd>
        </>
      )}
    </dl>
  );
}

/** The match explanation: which name parts matched which, what agreed and what disagreed. */
/**
 * The one-line reason for a score, composed in the interface language from
 * the explanation (the server's own summary line is English): the name
 * parts matched and how, then each other piece of evidence with its points.
 */
export function MatchSummary({ explanation, fallback }: { explanation: ExplanationJson | null | undefined; fallback: string }) {
  if (!explanation) return <>{fallback}</>;
  const pts = (n: number) => formatNumber(n, { maximumFractionDigits: 1, minimumFractionDigits: 1, signDisplay: 'always' });
  const parts = explanation.tokens.map((tok) => (
    <>
      <bdi>{tok.query}</bdi>
      {tok.similarity >= 0.999 ? ' = ' : ' ~ '}
      <bdi>{tok.record}</bdi>
      {tok.how === 'exact' ? '' : ` (${tDyn('how', tok.how)})`}
    </>
  ));
  return (
    <>
      {t('search.nameSummary', { points: pts(explanation.name_points) })}{' '}
      {parts.map((p, i) => (
        <>
          {i > 0 ? ', ' : ''}
          {p}
        </>
      ))}
      {explanation.features.map((f) => (
        <>
          {'; '}
          {tDyn('feature', f.feature)} <bdi>{f.detail}</bdi> {pts(f.points)}
        </>
      ))}
    </>
  );
}

export function Explanation({ explanation }: { explanation: ExplanationJson | null }) {
  if (!explanation) return null;
  const pts = (n: number) => formatNumber(n, { maximumFractionDigits: 2, signDisplay: 'exceptZero' });
  return (
    <div class="explanation">
      <h4>{t('search.tokens')}</h4>
      <table class="tokens">
        <thead>
          <tr>
            <th scope="col">{t('search.queryPart')}</th>
            <th scope="col">{t('search.recordPart')}</th>
            <th scope="col">{t('search.how')}</th>
            <th scope="col">{t('search.similarity')}</th>
            <th scope="col">{t('search.points')}</th>
          </tr>
        </thead>
        <tbody>
          {explanation.tokens.map((tok) => (
            <tr class={tok.points >= 0 ? 'agree' : 'disagree'}>
              <td>
                <Name text={tok.query} />
              </td>
              <td>
                <Name text={tok.record} />
              </td>
              <td>{tDyn('how', tok.how)}</td>
              <td>{formatNumber(tok.similarity, { style: 'percent' })}</td>
              <td class="num">{pts(tok.points)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {(explanation.unmatched_query.length > 0 || explanation.unmatched_record.length > 0) && (
        <dl class="unmatched">
          {explanation.unmatched_query.length > 0 && (
            <>
              <dt>{t('search.unmatchedQuery')}</dt>
              <dd>
                {explanation.unmatched_query.map((n) => (
                  <Tag kind="missing">
                    <Name text={n} />
                  </Tag>
                ))}
              </dd>
            </>
          )}
          {explanation.unmatched_record.length > 0 && (
            <>
              <dt>{t('search.unmatchedRecord')}</dt>
              <dd>
                {explanation.unmatched_record.map((n) => (
                  <Tag kind="missing">
                    <Name text={n} />
                  </Tag>
                ))}
              </dd>
            </>
          )}
        </dl>
      )}
      {explanation.features.length > 0 && (
        <>
          <h4>{t('search.features')}</h4>
          <ul class="features">
            {explanation.features.map((f) => (
              <li class={f.points >= 0 ? 'agree' : 'disagree'}>
                <span class="verdict">{f.points >= 0 ? `✓ ${t('search.agreed')}` : `✗ ${t('search.disagreed')}`}</span>{' '}
                <strong>{tDyn('feature', f.feature)}</strong>: <bdi dir="auto">{f.detail}</bdi> <bdi class="num">({pts(f.points)})</bdi>
              </li>
            ))}
          </ul>
        </>
      )}
      <p class="total">{t('search.total', { points: formatNumber(explanation.total_points, { maximumFractionDigits: 2 }) })}</p>
    </div>
  );
}

export function Loading() {
  return (
    <p class="loading" role="status">
      {t('common.loading')}
    </p>
  );
}
