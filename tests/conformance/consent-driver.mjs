// Drives SocialMcp's consent page the way a person's browser would, with plain HTTP and no script: open the
// authorization URL, sign in with an operator credential (from `socialmcp admin create`), approve every scope offered,
// and return the redirect the server answers with (the client's redirect URI with code and state).
//
//   import { approve } from './consent-driver.mjs';
//   const redirect = await approve(authorizationUrl, { workspace: 'local', name: 'alice', password });

/** A minimal cookie jar: name=value per origin, enough for the consent page's two cookies. */
class CookieJar {
  #cookies = new Map();

  store(response) {
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair.indexOf('=');
      this.#cookies.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
    }
  }

  header() {
    return [...this.#cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }
}

const decode = (text) =>
  text.replace(/&#x([0-9a-f]+);/gi, (_, hex) => String.fromCodePoint(parseInt(hex, 16)))
    .replace(/&#(\d+);/g, (_, dec) => String.fromCodePoint(Number(dec)))
    .replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

/** The first form of a page: its action and its fields (hidden ones, and checked checkboxes). */
function firstForm(html) {
  const start = html.indexOf('<form');
  if (start < 0) throw new Error(`no form on the page: ${html.slice(0, 500)}`);
  const form = html.slice(start, html.indexOf('</form>', start));
  const action = decode(/action="([^"]*)"/.exec(form)[1]);
  const fields = [];
  for (const [, name, value] of form.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) fields.push([decode(name), decode(value)]);
  for (const [, name, value] of form.matchAll(/<input type="checkbox" name="([^"]+)" value="([^"]*)" checked>/g)) fields.push([decode(name), decode(value)]);
  return { action, fields };
}

async function send(jar, url, init = {}) {
  const response = await fetch(url, { ...init, redirect: 'manual', headers: { ...(init.headers ?? {}), cookie: jar.header() } });
  jar.store(response);
  return response;
}

/**
 * Signs in and approves (or denies) on the consent page. Returns the URL the server redirects the browser to after the
 * decision, without following it.
 */
export async function approve(authorizationUrl, { workspace = 'local', name, password, decision = 'approve' }) {
  const jar = new CookieJar();
  const origin = new URL(authorizationUrl).origin;

  let page = await send(jar, authorizationUrl);
  if (page.status !== 200) throw new Error(`authorization page: HTTP ${page.status} ${await page.text()}`);
  let html = await page.text();

  if (html.includes('name="return_url"')) {
    const signIn = firstForm(html);
    const body = new URLSearchParams([...signIn.fields, ['workspace', workspace], ['name', name], ['password', password]]);
    const signedIn = await send(jar, new URL(signIn.action, origin), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body,
    });
    if (signedIn.status !== 303) throw new Error(`sign-in: HTTP ${signedIn.status} ${(await signedIn.text()).slice(0, 300)}`);
    page = await send(jar, new URL(signedIn.headers.get('location'), origin));
    html = await page.text();
    if (page.status !== 200) throw new Error(`consent page: HTTP ${page.status} ${html.slice(0, 300)}`);
  }

  const consent = firstForm(html);
  const decided = await send(jar, new URL(consent.action, origin), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams([...consent.fields, ['decision', decision]]),
  });
  if (decided.status !== 302) throw new Error(`decision: HTTP ${decided.status} ${(await decided.text()).slice(0, 300)}`);
  return new URL(decided.headers.get('location'));
}
