/**
 * Secrets live in URLs (RPC API keys in the path or query, passwords in DATABASE_URL). Everything that
 * prints a URL goes through here.
 */
const URL_RE = /\b([a-z][a-z0-9+.-]*:\/\/)([^\s/'"]*@)?([^\s'"]*)/gi;
const SECRET_PARAM_RE = /([?&](?:api[-_]?key|token|key|x-token|access[-_]?token|auth)=)[^&#\s'"]*/gi;

export function redactUrl(url: string): string {
  return url.replace(URL_RE, (_m, scheme: string, userinfo: string | undefined, rest: string) => {
    const user = userinfo ? `${userinfo.split(':')[0]!.replace(/@$/, '')}:***@` : '';
    const redactedRest = rest
      .replace(SECRET_PARAM_RE, '$1***')
      // Providers put the key as a long path segment (e.g. /v2/<key>, /<uuid>).
      .replace(/\/([A-Za-z0-9_-]{24,})(?=[/?#]|$)/g, '/***');
    return `${scheme}${user}${redactedRest}`;
  });
}

export const redactUrls = redactUrl;
