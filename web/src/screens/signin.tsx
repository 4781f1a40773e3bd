import { useState } from 'preact/hooks';
import { request, type Me, type UserJson } from '../api';
import { Field } from '../components';
import { t } from '../i18n';

export function SignIn({ onSignedIn }: { onSignedIn: (me: Me) => void }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [totp, setTotp] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const r = await request<{ user: UserJson & { permissions: Me['permissions'] } }>('POST', '/api/v1/session', {
        json: { username, password, totp },
      });
      setPassword('');
      onSignedIn({ ...r.user });
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <main id="main" class="signin">
      <form class="card" onSubmit={submit} aria-labelledby="signin-title">
        <h1 id="signin-title">{t('signin.title')}</h1>
        <p>{t('signin.intro')}</p>
        <Field label={t('signin.username')}>
          {(id) => (
            <input id={id} name="username" autoComplete="username" required value={username} onInput={(e) => setUsername((e.target as HTMLInputElement).value)} />
          )}
        </Field>
        <Field label={t('signin.password')}>
          {(id) => (
            <input
              id={id}
              name="password"
              type="password"
              autoComplete="current-password"
              required
              value={password}
              onInput={(e) => setPassword((e.target as HTMLInputElement).value)}
            />
          )}
        </Field>
        <Field label={t('signin.totp')} hint={t('signin.totpHint')}>
          {(id) => (
            <input
              id={id}
              name="totp"
              inputMode="numeric"
              autoComplete="one-time-code"
              pattern="[0-9]{6}"
              maxLength={6}
              dir="ltr"
              aria-describedby={`${id}-hint`}
              value={totp}
              onInput={(e) => setTotp((e.target as HTMLInputElement).value.trim())}
            />
          )}
        </Field>
        {error ? <p class="error" role="alert">{t('signin.failed', { message: (error as Error).message })}</p> : null}
        <button type="submit" class="primary" disabled={busy}>
          {t('signin.submit')}
        </button>
      </form>
    </main>
  );
}
