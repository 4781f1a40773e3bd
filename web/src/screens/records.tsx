import { useEffect, useRef, useState } from 'preact/hooks';
import { ALERTS, COLLECTIONS, CRIME_AREAS, HANDLING_CODES, SUBJECT_CATEGORIES, request, type Collection, type RecordJson } from '../api';
import { ErrorBox, Field, Loading, Name, PurposeField, Tag } from '../components';
import { formatDate, formatDateTime, t, tDyn } from '../i18n';
import { usePurpose } from '../purpose';
import { href, navigate } from '../router';

// The type-specific fields of each collection, as the API's JSON has them.
// "list" fields are arrays of strings (edited separated by |); "ids" is the
// person's identity numbers (edited as scheme:value;scheme:value).
type FieldKind = 'text' | 'list' | 'ids' | 'long';
const BODY_FIELDS: Record<Collection, { type: string; fields: [string, FieldKind][] }> = {
  persons: {
    type: 'person',
    fields: [
      ['name', 'text'],
      ['aliases', 'list'],
      ['father_name', 'text'],
      ['dob', 'text'],
      ['gender', 'text'],
      ['nationalities', 'list'],
      ['id_numbers', 'ids'],
      ['place_of_birth', 'text'],
      ['address', 'long'],
      ['contact', 'text'],
    ],
  },
  organisations: { type: 'organisation', fields: [['name', 'text'], ['aliases', 'list'], ['countries', 'list'], ['description', 'long']] },
  vehicles: { type: 'vehicle', fields: [['plate', 'text'], ['plate_country', 'text'], ['vin', 'text'], ['make', 'text'], ['model', 'text'], ['colour', 'text']] },
  documents: { type: 'document', fields: [['doc_type', 'text'], ['number', 'text'], ['issuing_country', 'text'], ['expiry', 'text'], ['holder_name', 'text']] },
  phones: { type: 'phone', fields: [['number', 'text'], ['country', 'text']] },
  cases: {
    type: 'case',
    fields: [['title', 'text'], ['our_reference', 'text'], ['partner_reference', 'text'], ['partner', 'text'], ['description', 'long'], ['status', 'text']],
  },
};

const FIELD_LABELS: Record<string, () => string> = {
  name: () => t('common.name'),
  father_name: () => t('common.fatherName'),
  dob: () => t('common.dob'),
  gender: () => t('common.gender'),
  nationalities: () => t('common.nationality'),
  id_numbers: () => t('common.idNumbers'),
  aliases: () => t('records.aliases'),
};
const labelOf = (f: string) => (FIELD_LABELS[f] ? FIELD_LABELS[f]() : f.replace(/_/g, ' '));

function isCollection(c: string | undefined): c is Collection {
  return (COLLECTIONS as readonly string[]).includes(c ?? '');
}

function titleOf(r: RecordJson, c: Collection): string {
  const body = (r[BODY_FIELDS[c].type] ?? {}) as Record<string, unknown>;
  return String(body.name ?? body.title ?? body.plate ?? body.number ?? r.id);
}

export function RecordsScreen(props: { path: string[]; query: URLSearchParams; canWrite: boolean; canAudit: boolean; canImport: boolean; canRetention: boolean; fullClearance: boolean }) {
  const collection = isCollection(props.path[1]) ? props.path[1] : 'persons';
  const id = props.path[2];
  if (id === 'new') return <RecordEditor collection={collection} canAudit={false} />;
  if (props.path[1] === 'import') return <ImportForm fullClearance={props.fullClearance} />;
  if (id) return <RecordView collection={collection} id={id} canWrite={props.canWrite} canAudit={props.canAudit} />;
  return (
    <>
      <RecordList collection={collection} query={props.query} canWrite={props.canWrite} canImport={props.canImport} />
      {props.canRetention && <DueForReview />}
    </>
  );
}

function RecordList({ collection, query, canWrite, canImport }: { collection: Collection; query: URLSearchParams; canWrite: boolean; canImport: boolean }) {
  const [purpose] = usePurpose();
  const [items, setItems] = useState<RecordJson[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const area = query.get('crime_area') ?? '';
  const alert = query.get('alert') ?? '';

  // Only the newest request's answer is shown (filters may change meanwhile).
  const latest = useRef(0);
  const load = async (after: string | null) => {
    setError(null);
    const mine = ++latest.current;
    try {
      const r = await request<{ items: RecordJson[]; next_cursor: string | null }>('GET', `/api/v1/${collection}`, {
        purpose,
        query: { crime_area: area || undefined, alert: alert || undefined, limit: 50, cursor: after ?? undefined },
      });
      if (mine !== latest.current) return;
      setItems((prev) => (after && prev ? [...prev, ...r.items] : r.items));
      setCursor(r.next_cursor);
    } catch (err) {
      setError(err);
    }
  };
  useEffect(() => {
    setItems(null);
    if (purpose) void load(null);
  }, [collection, area, alert]);

  const go = (c: string, a: string, al: string) => navigate(`records/${c}`, { crime_area: a, alert: al });

  return (
    <section aria-labelledby="records-title">
      <h1 id="records-title">{t('records.title')}</h1>
      <form
        class="card form-grid"
        onSubmit={(e) => {
          e.preventDefault();
          void load(null);
        }}
      >
        <PurposeField />
        <Field label={t('records.collection')}>
          {(fid) => (
            <select id={fid} name="collection" value={collection} onChange={(e) => go((e.target as HTMLSelectElement).value, area, alert)}>
              {COLLECTIONS.map((c) => (
                <option value={c}>{tDyn('collection', c)}</option>
              ))}
            </select>
          )}
        </Field>
        <Field label={t('common.crimeArea')}>
          {(fid) => (
            <select id={fid} name="crime_area" value={area} onChange={(e) => go(collection, (e.target as HTMLSelectElement).value, alert)}>
              <option value="">{t('common.any')}</option>
              {CRIME_AREAS.map((a) => (
                <option value={a}>{tDyn('area', a)}</option>
              ))}
            </select>
          )}
        </Field>
        <Field label={t('common.alert')}>
          {(fid) => (
            <select id={fid} name="alert" value={alert} onChange={(e) => go(collection, area, (e.target as HTMLSelectElement).value)}>
              <option value="">{t('common.any')}</option>
              {ALERTS.filter(Boolean).map((a) => (
                <option value={a}>{tDyn('alert', a)}</option>
              ))}
            </select>
          )}
        </Field>
        <div class="actions">
          <button type="submit" class="primary" disabled={!purpose}>
            {t('records.filter')}
          </button>
          {canWrite && (
            <a class="button" href={href(`records/${collection}/new`)}>
              {t('records.new')}
            </a>
          )}
          {canImport && (
            <a class="button" href={href('records/import')}>
              {t('import.title')}
            </a>
          )}
        </div>
      </form>
      {canImport && <p class="muted">{t('records.import')}</p>}
      <ErrorBox error={error} />
      {!purpose && <p class="muted">{t('common.purposeRequired')}</p>}
      {items && items.length === 0 && <p>{t('common.noResults')}</p>}
      {items && items.length > 0 && (
        <table class="data records">
          <thead>
            <tr>
              <th scope="col">{t('common.name')}</th>
              <th scope="col">{t('common.crimeArea')}</th>
              <th scope="col">{t('common.handlingCode')}</th>
              <th scope="col">{t('common.alert')}</th>
              <th scope="col">{t('common.reviewDate')}</th>
              <th scope="col">{t('common.id')}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((r) => (
              <tr>
                <td>
                  <a href={href(`records/${collection}/${r.id}`)}>
                    <Name text={titleOf(r, collection)} />
                  </a>
                </td>
                <td>{tDyn('area', r.crime_area)}</td>
                <td>
                  <Tag kind={r.handling_code}>{r.handling_code}</Tag>
                </td>
                <td>{r.alert ? <Tag kind="alert">{tDyn('alert', r.alert)}</Tag> : ''}</td>
                <td>{formatDate(r.review_date)}</td>
                <td class="mono">{r.id}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {cursor && (
        <button type="button" onClick={() => void load(cursor)}>
          {t('common.more')}
        </button>
      )}
    </section>
  );
}

function RecordView({ collection, id, canWrite, canAudit }: { collection: Collection; id: string; canWrite: boolean; canAudit: boolean }) {
  const [purpose] = usePurpose();
  const [record, setRecord] = useState<RecordJson | null>(null);
  const [editing, setEditing] = useState(false);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    if (!purpose) return;
    request<RecordJson>('GET', `/api/v1/${collection}/${encodeURIComponent(id)}`, { purpose })
      .then(setRecord)
      .catch(setError);
  }, [collection, id]);

  if (editing && record) {
    return <RecordEditor collection={collection} record={record} canAudit={canAudit} onSaved={(r) => (setRecord(r), setEditing(false))} onCancel={() => setEditing(false)} />;
  }
  const spec = BODY_FIELDS[collection];
  const body = (record?.[spec.type] ?? {}) as Record<string, unknown>;
  return (
    <section aria-labelledby="record-title">
      <p>
        <a href={href(`records/${collection}`)}>← {t('common.back')}</a>
      </p>
      <h1 id="record-title">{record ? <Name text={titleOf(record, collection)} /> : t('records.view', { id })}</h1>
      {!purpose && <PurposeField />}
      <ErrorBox error={error} />
      {purpose && !record && !error && <Loading />}
      {record && (
        <div class="card record">
          <p class="muted">
            <span class="mono">{record.id}</span> · {t('records.version', { version: record.version })} · {formatDateTime(record.updated_at)}
          </p>
          <dl class="summary">
            {spec.fields.map(([f, kind]) => {
              const v = body[f];
              if (v === undefined || v === '' || (Array.isArray(v) && v.length === 0)) return null;
              return (
                <>
                  <dt>{labelOf(f)}</dt>
                  <dd>
                    {kind === 'ids'
                      ? (v as { scheme: string; value: string }[]).map((x) => (
                          <span class="mono id-number">
                            {x.scheme}:{x.value}{' '}
                          </span>
                        ))
                      : kind === 'list'
                        ? (v as string[]).map((x, i) => (
                            <>
                              {i > 0 && ' | '}
                              <Name text={x} />
                            </>
                          ))
                        : f === 'dob' || f === 'expiry'
                          ? formatDate(String(v))
                          : <Name text={String(v)} />}
                  </dd>
                </>
              );
            })}
            <dt>{t('common.crimeArea')}</dt>
            <dd>{tDyn('area', record.crime_area)}</dd>
            <dt>{t('common.handlingCode')}</dt>
            <dd>
              <Tag kind={record.handling_code}>{record.handling_code}</Tag> {tDyn('handling', record.handling_code)}
              {record.handling_note && <p>{record.handling_note}</p>}
            </dd>
            <dt>{t('records.reliability')} / {t('records.accuracy')}</dt>
            <dd class="mono">
              {record.source_reliability}
              {record.information_accuracy}
            </dd>
            <dt>{t('common.alert')}</dt>
            <dd>{record.alert ? <Tag kind="alert">{tDyn('alert', record.alert)}</Tag> : t('common.none')}</dd>
            <dt>{t('records.subject')}</dt>
            <dd>{record.subject_category}</dd>
            <dt>{t('common.reviewDate')}</dt>
            <dd>{formatDate(record.review_date)}</dd>
            <dt>{t('common.owner')}</dt>
            <dd class="mono">{record.owner}</dd>
          </dl>
          {canWrite && <ReviewConfirmation record={record} collection={collection} onConfirmed={setRecord} />}
          <div class="actions">
            {canWrite && (
              <button type="button" class="primary" onClick={() => setEditing(true)}>
                {t('common.edit')}
              </button>
            )}
            {canAudit && (
              <a class="button" href={href('audit', { record: record.id })}>
                {t('records.whoSaw')}
              </a>
            )}
          </div>
        </div>
      )}
    </section>
  );
}

function toText(v: unknown, kind: FieldKind): string {
  if (v === undefined || v === null) return '';
  if (kind === 'list') return (v as string[]).join(' | ');
  if (kind === 'ids') return (v as { scheme: string; value: string }[]).map((x) => `${x.scheme}:${x.value}`).join('; ');
  return String(v);
}

function fromText(text: string, kind: FieldKind): unknown {
  if (kind === 'list') return text.split('|').map((s) => s.trim()).filter(Boolean);
  if (kind === 'ids')
    return text
      .split(';')
      .map((s) => s.trim())
      .filter(Boolean)
      .map((s) => {
        const i = s.indexOf(':');
        return { scheme: s.slice(0, i).trim(), value: s.slice(i + 1).trim() };
      });
  return text;
}

function RecordEditor(props: { collection: Collection; record?: RecordJson; canAudit: boolean; onSaved?: (r: RecordJson) => void; onCancel?: () => void }) {
  const { collection, record } = props;
  const spec = BODY_FIELDS[collection];
  const [purpose] = usePurpose();
  const body0 = (record?.[spec.type] ?? {}) as Record<string, unknown>;
  const [values, setValues] = useState<Record<string, string>>(() => {
    const v: Record<string, string> = {};
    for (const [f, kind] of spec.fields) v[f] = toText(body0[f], kind);
    v.crime_area = record?.crime_area ?? 'other';
    v.handling_code = record?.handling_code ?? 'H1';
    v.handling_note = record?.handling_note ?? '';
    v.source_reliability = record?.source_reliability ?? 'X';
    v.information_accuracy = String(record?.information_accuracy ?? 4);
    v.alert = record?.alert ?? '';
    v.subject_category = record?.subject_category ?? 'unknown';
    v.review_date = record?.review_date ?? '';
    v.source_id = record?.source_id ?? '';
    return v;
  });
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const set = (k: string) => (e: Event) => setValues({ ...values, [k]: (e.target as HTMLInputElement).value });

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    const bodyOut: Record<string, unknown> = {};
    for (const [f, kind] of spec.fields) {
      const v = fromText(values[f], kind);
      if (v !== '' && !(Array.isArray(v) && v.length === 0)) bodyOut[f] = v;
    }
    const json: Record<string, unknown> = {
      type: spec.type,
      crime_area: values.crime_area,
      handling_code: values.handling_code,
      handling_note: values.handling_note,
      source_reliability: values.source_reliability,
      information_accuracy: Number(values.information_accuracy),
      alert: values.alert,
      subject_category: values.subject_category,
      [spec.type]: bodyOut,
    };
    if (values.review_date) json.review_date = values.review_date;
    if (values.source_id) json.source_id = values.source_id;
    try {
      const saved = record
        ? await request<RecordJson>('PUT', `/api/v1/${collection}/${encodeURIComponent(record.id)}`, { json, purpose, headers: { 'If-Match': `"${record.version}"` } })
        : await request<RecordJson>('POST', `/api/v1/${collection}`, { json, purpose });
      if (props.onSaved) props.onSaved(saved);
      else navigate(`records/${collection}/${saved.id}`);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const select = (k: string, label: string, options: readonly string[], show: (o: string) => string) => (
    <Field label={label}>
      {(id) => (
        <select id={id} name={k} value={values[k]} onChange={set(k)}>
          {options.map((o) => (
            <option value={o}>{show(o)}</option>
          ))}
        </select>
      )}
    </Field>
  );

  return (
    <section aria-labelledby="edit-title">
      <h1 id="edit-title">{record ? t('common.edit') : t('records.new')}</h1>
      <form class="card form-grid" onSubmit={submit}>
        <PurposeField />
        <fieldset>
          <legend>{t('records.body')}</legend>
          {spec.fields.map(([f, kind]) => (
            <Field label={labelOf(f)}>
              {(id) =>
                kind === 'long' ? (
                  <textarea id={id} name={f} dir="auto" value={values[f]} onInput={set(f)} />
                ) : (
                  <input id={id} name={f} dir="auto" value={values[f]} required={f === 'name' || f === 'title'} onInput={set(f)} />
                )
              }
            </Field>
          ))}
        </fieldset>
        <fieldset>
          <legend>{t('common.handlingCode')}</legend>
          {select('crime_area', t('common.crimeArea'), CRIME_AREAS, (a) => tDyn('area', a))}
          {select('handling_code', t('common.handlingCode'), HANDLING_CODES, (h) => tDyn('handling', h))}
          <Field label={t('records.handlingNote')}>{(id) => <input id={id} name="handling_note" value={values.handling_note} onInput={set('handling_note')} />}</Field>
          {select('source_reliability', t('records.reliability'), ['A', 'B', 'C', 'X'], (x) => x)}
          {select('information_accuracy', t('records.accuracy'), ['1', '2', '3', '4'], (x) => x)}
          {select('alert', t('common.alert'), ALERTS, (a) => tDyn('alert', a))}
          {select('subject_category', t('records.subject'), SUBJECT_CATEGORIES, (x) => x)}
          <Field label={t('common.reviewDate')}>{(id) => <input id={id} name="review_date" type="date" value={values.review_date} onInput={set('review_date')} />}</Field>
          <Field label={t('records.sourceId')}>{(id) => <input id={id} name="source_id" dir="ltr" value={values.source_id} onInput={set('source_id')} />}</Field>
        </fieldset>
        <ErrorBox error={error} />
        <div class="actions">
          <button type="submit" class="primary" disabled={busy || !purpose}>
            {record ? t('common.save') : t('common.create')}
          </button>
          {props.onCancel && (
            <button type="button" onClick={props.onCancel}>
              {t('common.cancel')}
            </button>
          )}
        </div>
      </form>
    </section>
  );
}

interface ImportReport {
  file: string;
  rows: number;
  created: number;
  updated: number;
  unchanged: number;
  skipped: string[];
}

/** A whole person list into the node, as `liaison import persons`. */
function ImportForm({ fullClearance }: { fullClearance: boolean }) {
  const [purpose] = usePurpose();
  const [file, setFile] = useState<File | null>(null);
  const [area, setArea] = useState('');
  const [code, setCode] = useState('');
  const [skipBad, setSkipBad] = useState(false);
  const [report, setReport] = useState<ImportReport | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const submit = async (e: Event) => {
    e.preventDefault();
    if (!file) return;
    setBusy(true);
    setError(null);
    setReport(null);
    try {
      const jsonl = /\.(jsonl|ndjson)$/i.test(file.name);
      const r = await request<ImportReport>('POST', '/api/v1/import/persons', {
        body: await file.text(),
        contentType: jsonl ? 'application/x-ndjson' : 'text/csv',
        purpose,
        query: { name: file.name, format: jsonl ? 'jsonl' : 'csv', crime_area: area || undefined, handling_code: code || undefined, skip_bad_rows: skipBad ? '1' : undefined },
      });
      setReport(r);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="import-title">
      <p>
        <a href={href('records/persons')}>← {t('common.back')}</a>
      </p>
      <h1 id="import-title">{t('import.title')}</h1>
      {!fullClearance && <p class="muted">{t('import.needsClearance')}</p>}
      <form class="card form-grid" onSubmit={submit}>
        <PurposeField />
        <Field label={t('import.file')}>
          {(id) => <input id={id} name="file" type="file" accept=".csv,.jsonl,.ndjson,text/csv" required onChange={(e) => setFile((e.target as HTMLInputElement).files?.[0] ?? null)} />}
        </Field>
        <Field label={t('common.crimeArea')} hint={t('import.defaultsHint')}>
          {(id) => (
            <select id={id} name="crime_area" value={area} aria-describedby={`${id}-hint`} onChange={(e) => setArea((e.target as HTMLSelectElement).value)}>
              <option value="">{t('import.nodeDefault')}</option>
              {CRIME_AREAS.map((a) => (
                <option value={a}>{tDyn('area', a)}</option>
              ))}
            </select>
          )}
        </Field>
        <Field label={t('common.handlingCode')} hint={t('import.defaultsHint')}>
          {(id) => (
            <select id={id} name="handling_code" value={code} aria-describedby={`${id}-hint`} onChange={(e) => setCode((e.target as HTMLSelectElement).value)}>
              <option value="">{t('import.nodeDefault')}</option>
              {HANDLING_CODES.map((h) => (
                <option value={h}>{tDyn('handling', h)}</option>
              ))}
            </select>
          )}
        </Field>
        <label class="check">
          <input type="checkbox" name="skip_bad_rows" checked={skipBad} onChange={(e) => setSkipBad((e.target as HTMLInputElement).checked)} /> {t('import.skipBad')}
        </label>
        <div class="actions">
          <button type="submit" class="primary" disabled={busy || !file || !purpose}>
            {t('import.submit')}
          </button>
        </div>
      </form>
      <ErrorBox error={error} />
      {report && (
        <div class="card" role="status">
          <p class="notice">
            {t('import.done', { file: report.file, rows: report.rows, created: report.created, updated: report.updated, unchanged: report.unchanged, skipped: report.skipped.length })}
          </p>
          {report.skipped.length > 0 && (
            <ul>
              {report.skipped.map((m) => (
                <li class="error">{m}</li>
              ))}
            </ul>
          )}
        </div>
      )}
    </section>
  );
}

/** "Still needed": confirms a record with a new review date (POST .../review). */
function ReviewConfirmation({ record, collection, onConfirmed }: { record: RecordJson; collection: Collection; onConfirmed: (r: RecordJson) => void }) {
  const [purpose] = usePurpose();
  const [date, setDate] = useState('');
  const [notice, setNotice] = useState('');
  const [error, setError] = useState<unknown>(null);
  const submit = async (e: Event) => {
    e.preventDefault();
    setError(null);
    try {
      await request('POST', `/api/v1/records/${encodeURIComponent(record.id)}/review`, { json: { review_date: date }, purpose });
      onConfirmed(await request<RecordJson>('GET', `/api/v1/${collection}/${encodeURIComponent(record.id)}`, { purpose }));
      setNotice(t('review.confirmed', { date: formatDate(date) }));
    } catch (err) {
      setError(err);
    }
  };
  return (
    <form class="form-grid review-confirm" onSubmit={submit}>
      <Field label={t('review.newDate')}>{(id) => <input id={id} name="review_date" type="date" required value={date} onInput={(e) => setDate((e.target as HTMLInputElement).value)} />}</Field>
      <div class="actions">
        <button type="submit" disabled={!purpose || !date}>
          {t('review.confirm')}
        </button>
      </div>
      <ErrorBox error={error} />
      {notice && (
        <p role="status" class="notice">
          {notice}
        </p>
      )}
    </form>
  );
}

interface RetentionItem {
  id: string;
  type: string;
  review_date: string;
  crime_area: string;
}

/** Records past their review date (a dry run of retention: nothing is erased). */
export function DueForReview() {
  const [items, setItems] = useState<RetentionItem[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const load = async () => {
    setError(null);
    try {
      const r = await request<{ due: RetentionItem[]; erased: RetentionItem[] }>('POST', '/api/v1/retention/run', { query: { dry_run: 1 } });
      setItems([...r.erased, ...r.due]);
    } catch (err) {
      setError(err);
    }
  };
  const collectionOf = (type: string) => COLLECTIONS.find((c) => BODY_FIELDS[c].type === type) ?? 'persons';
  return (
    <section class="card" aria-labelledby="due-title">
      <h2 id="due-title">{t('retention.title')}</h2>
      <button type="button" onClick={() => void load()}>
        {t('retention.show')}
      </button>
      <ErrorBox error={error} />
      {items && items.length === 0 && <p>{t('retention.none')}</p>}
      {items && items.length > 0 && (
        <>
          <p>{t('retention.due', { count: items.length })}</p>
          <table class="data due">
            <thead>
              <tr>
                <th scope="col">{t('common.id')}</th>
                <th scope="col">{t('records.collection')}</th>
                <th scope="col">{t('common.crimeArea')}</th>
                <th scope="col">{t('common.reviewDate')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((i) => (
                <tr>
                  <td>
                    <a class="mono" href={href(`records/${collectionOf(i.type)}/${i.id}`)}>
                      {i.id}
                    </a>
                  </td>
                  <td>{tDyn('collection', collectionOf(i.type))}</td>
                  <td>{tDyn('area', i.crime_area)}</td>
                  <td>{formatDate(i.review_date)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
