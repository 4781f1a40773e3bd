import { useEffect, useState } from 'preact/hooks';
import { CRIME_AREAS, HANDLING_CODES, ROLES, request, type UserJson } from '../api';
import { ErrorBox, Field, Loading, Name, Tag } from '../components';
import { formatDateTime, t, tDyn } from '../i18n';

export function UsersScreen() {
  const [users, setUsers] = useState<UserJson[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState('');
  const [form, setForm] = useState({ username: '', display_name: '', role: 'analyst', clearance: 'H1', password: '', crime_areas: [] as string[] });

  const load = () =>
    request<{ users: UserJson[] }>('GET', '/api/v1/users')
      .then((r) => setUsers(r.users))
      .catch(setError);
  useEffect(() => void load(), []);

  const toggle = async (u: UserJson) => {
    setError(null);
    try {
      await request('POST', `/api/v1/users/${encodeURIComponent(u.username)}/${u.disabled ? 'enable' : 'disable'}`);
      await load();
    } catch (err) {
      setError(err);
    }
  };

  const add = async (e: Event) => {
    e.preventDefault();
    setError(null);
    try {
      const body: Record<string, unknown> = { ...form };
      if (form.role === 'system') delete body.password;
      const u = await request<UserJson>('POST', '/api/v1/users', { json: body });
      setNotice(t('users.added', { name: u.username }));
      setForm({ ...form, username: '', display_name: '', password: '' });
      await load();
    } catch (err) {
      setError(err);
    }
  };
  const set = (k: keyof typeof form) => (e: Event) => setForm({ ...form, [k]: (e.target as HTMLInputElement).value });

  return (
    <section aria-labelledby="users-title">
      <h1 id="users-title">{t('users.title')}</h1>
      <ErrorBox error={error} />
      {notice && (
        <p role="status" class="notice">
          {notice}
        </p>
      )}
      {users === null ? (
        <Loading />
      ) : (
        <table class="data users">
          <thead>
            <tr>
              <th scope="col">{t('users.username')}</th>
              <th scope="col">{t('users.displayName')}</th>
              <th scope="col">{t('users.role')}</th>
              <th scope="col">{t('users.clearance')}</th>
              <th scope="col">{t('users.crimeAreas')}</th>
              <th scope="col">{t('users.totp')}</th>
              <th scope="col">{t('common.status')}</th>
              <th scope="col">{t('common.created')}</th>
              <th scope="col">{t('common.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {users.map((u) => (
              <tr>
                <td class="mono">{u.username}</td>
                <td>
                  <Name text={u.display_name} />
                </td>
                <td>{tDyn('role', u.role)}</td>
                <td>
                  <Tag kind={u.clearance}>{u.clearance}</Tag>
                </td>
                <td>{u.crime_areas.length ? u.crime_areas.map((a) => tDyn('area', a)).join(', ') : t('users.allAreas')}</td>
                <td>{u.totp_enrolled ? t('users.enrolled') : t('users.notEnrolled')}</td>
                <td>{u.disabled ? <Tag kind="denied">{t('users.disabled')}</Tag> : t('users.active')}</td>
                <td>{formatDateTime(u.created_at)}</td>
                <td>
                  <button type="button" onClick={() => void toggle(u)}>
                    {u.disabled ? t('users.enable') : t('users.disable')}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h2>{t('users.add')}</h2>
      <form class="card form-grid" onSubmit={add}>
        <Field label={t('users.username')}>{(id) => <input id={id} name="username" dir="ltr" required value={form.username} onInput={set('username')} />}</Field>
        <Field label={t('users.displayName')}>{(id) => <input id={id} name="display_name" dir="auto" value={form.display_name} onInput={set('display_name')} />}</Field>
        <Field label={t('users.role')}>
          {(id) => (
            <select id={id} name="role" value={form.role} onChange={set('role')}>
              {ROLES.map((r) => (
                <option value={r}>{tDyn('role', r)}</option>
              ))}
            </select>
          )}
        </Field>
        <Field label={t('users.clearance')}>
          {(id) => (
            <select id={id} name="clearance" value={form.clearance} onChange={set('clearance')}>
              {HANDLING_CODES.map((h) => (
                <option value={h}>{tDyn('handling', h)}</option>
              ))}
            </select>
          )}
        </Field>
        <fieldset>
          <legend>{t('users.crimeAreas')}</legend>
          {CRIME_AREAS.map((a) => (
            <label class="check">
              <input
                type="checkbox"
                checked={form.crime_areas.includes(a)}
                onChange={(e) =>
                  setForm({ ...form, crime_areas: (e.target as HTMLInputElement).checked ? [...form.crime_areas, a] : form.crime_areas.filter((x) => x !== a) })
                }
              />{' '}
              {tDyn('area', a)}
            </label>
          ))}
        </fieldset>
        {form.role !== 'system' && (
          <Field label={t('users.password')}>
            {(id) => <input id={id} name="password" type="password" autoComplete="new-password" required minLength={12} value={form.password} onInput={set('password')} />}
          </Field>
        )}
        <div class="actions">
          <button type="submit" class="primary">
            {t('users.add')}
          </button>
        </div>
      </form>
      <p class="muted">{t('users.agreements')}</p>
    </section>
  );
}
