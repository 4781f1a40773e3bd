// Hash routes (#/search, #/records/persons/per_…): the node serves one
// index.html, so every screen is reachable without server-side routes, and
// the browser's back button works.
import { useEffect, useMemo, useState } from 'preact/hooks';

export interface Route {
  path: string[];
  query: URLSearchParams;
}

export function parseHash(hash: string = location.hash): Route {
  const raw = hash.replace(/^#\/?/, '');
  const [pathPart, queryPart = ''] = raw.split('?', 2);
  const path = pathPart.split('/').filter(Boolean).map(decodeURIComponent);
  return { path, query: new URLSearchParams(queryPart) };
}

export function href(path: string, query: Record<string, string> = {}): string {
  const qs = new URLSearchParams(Object.entries(query).filter(([, v]) => v !== '')).toString();
  return `#/${path}${qs ? `?${qs}` : ''}`;
}

export function navigate(path: string, query: Record<string, string> = {}): void {
  location.hash = href(path, query);
}

export function useRoute(): Route {
  // The hash itself is the state: setting an unchanged one renders nothing.
  const [hash, setHash] = useState(location.hash);
  useEffect(() => {
    const onChange = () => setHash(location.hash);
    window.addEventListener('hashchange', onChange);
    // The effect runs a frame after the first render: a hash changed in
    // between (the back button as the page appears) fired its event before
    // anyone listened, so read it again now that this listens.
    onChange();
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return useMemo(() => parseHash(hash), [hash]);
}
