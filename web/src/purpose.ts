// The officer's stated purpose, shared by the screens that read personal
// data and kept for the browser tab (sessionStorage), never longer.
import { useEffect, useState } from 'preact/hooks';

const KEY = 'liaison.purpose';
const listeners = new Set<(p: string) => void>();

export function currentPurpose(): string {
  return sessionStorage.getItem(KEY) ?? '';
}

export function setPurpose(text: string): void {
  sessionStorage.setItem(KEY, text);
  for (const l of listeners) l(text);
}

export function clearPurpose(): void {
  sessionStorage.removeItem(KEY);
  for (const l of listeners) l('');
}

export function usePurpose(): [string, (p: string) => void] {
  const [value, setValue] = useState(currentPurpose());
  useEffect(() => {
    listeners.add(setValue);
    // The effect runs a frame after the first render: a purpose stated in
    // between (a paste as the screen appears) reached sessionStorage but no
    // listener, so read it again now that this one listens.
    setValue(currentPurpose());
    return () => {
      listeners.delete(setValue);
    };
  }, []);
  return [value, setPurpose];
}
