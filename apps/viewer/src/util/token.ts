/**
 * The bearer token: `?token=` on the page URL wins and is kept in sessionStorage (so a reload or
 * a link without it still works in this tab); it is then removed from the address bar so it does
 * not end up in screenshots or shared links.
 */
export const TOKEN_KEY = 'lfe.token';

export interface TokenStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

/** Returns the token and the URL search string without it. */
export function takeToken(search: string, store: TokenStore | undefined): { token: string | undefined; search: string } {
  const params = new URLSearchParams(search);
  const fromUrl = params.get('token');
  params.delete('token');
  const rest = params.toString();
  const cleaned = rest ? `?${rest}` : '';
  if (fromUrl !== null && fromUrl !== '') {
    try {
      store?.setItem(TOKEN_KEY, fromUrl);
    } catch {
      // storage may be disabled (private mode, OBS): the token still works for this load
    }
    return { token: fromUrl, search: cleaned };
  }
  let stored: string | null = null;
  try {
    stored = store?.getItem(TOKEN_KEY) ?? null;
  } catch {
    stored = null;
  }
  return { token: stored ?? undefined, search: cleaned };
}
