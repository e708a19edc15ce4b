// A real OpenID Connect provider (panva/oidc-provider) for the single sign-on
// tests, on 127.0.0.1 only. Started by the `oidc_provider` fixture in
// artchart/sso/tests/conftest.py; prints one JSON line {"issuer": …} when ready.
//
// Environment: CLIENT_ID, CLIENT_SECRET, REDIRECT_URI (ArtChart's callback).
//
// Accounts (the people at the hospital's identity provider):
//   tess   — sub "hosp-0001", preferred_username "therapist": has an ArtChart account
//   ursula — sub "hosp-0002", preferred_username "ursula": unknown to ArtChart
// Any password is accepted: the tests are about ArtChart, not the provider's login.
//
// Test-only endpoint, to deprovision someone mid-test as a hospital's IT would:
//   POST /test/accounts/<login>/disable
//   POST /test/reset   (every account enabled again: the provider serves a whole test run)
//   GET  /test/hits    requests per path so far
// A disabled account cannot sign in, and its tokens are refused at the token
// and userinfo endpoints (findAccount no longer finds it).

import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';

import Provider from 'oidc-provider';

const ACCOUNTS = {
  tess: { sub: 'hosp-0001', preferred_username: 'therapist', email: 'tess.rivera@hospital.example', name: 'Tess Rivera' },
  ursula: { sub: 'hosp-0002', preferred_username: 'ursula', email: 'ursula@hospital.example', name: 'Ursula Unknown' },
};
const disabled = new Set();
const hits = {}; // requests per path, so the tests can see the round trip really reached each endpoint

function accountBySub(sub) {
  return Object.entries(ACCOUNTS).find(([, account]) => account.sub === sub);
}

const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const signingKey = { ...privateKey.export({ format: 'jwk' }), kid: 'test-key-1', alg: 'RS256', use: 'sig' };

const server = createServer();
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address();
  const issuer = `http://127.0.0.1:${port}`;
  const provider = new Provider(issuer, {
    clients: [{
      client_id: process.env.CLIENT_ID,
      client_secret: process.env.CLIENT_SECRET,
      redirect_uris: [process.env.REDIRECT_URI],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_post',
    }],
    jwks: { keys: [signingKey] },
    cookies: { keys: [randomBytes(32).toString('hex')] },
    claims: {
      openid: ['sub'],
      profile: ['preferred_username', 'name'],
      email: ['email'],
    },
    features: { devInteractions: { enabled: false } },
    interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
    // Hospital providers (Keycloak, Entra ID with offline_access) give confidential
    // clients a refresh token; ArtChart uses it to re-check the account.
    issueRefreshToken: async (ctx, client) => client.grantTypeAllowed('refresh_token'),
    async findAccount(ctx, sub) {
      const found = accountBySub(sub);
      if (!found || disabled.has(found[0])) return undefined;
      const [, account] = found;
      return { accountId: sub, claims: async () => ({ ...account }) };
    },
  });

  const callback = provider.callback();

  async function readForm(req) {
    let body = '';
    for await (const chunk of req) body += chunk;
    return new URLSearchParams(body);
  }

  function send(res, status, type, body) {
    res.writeHead(status, { 'Content-Type': type });
    res.end(body);
  }

  function loginPage(uid, error = '') {
    return `<!doctype html><title>Hospital sign-in</title>${error ? `<p role="alert">${error}</p>` : ''}
<form method="post" action="/interaction/${uid}/login">
<label>Login <input name="login"></label><label>Password <input name="password" type="password"></label>
<button>Sign in</button></form>`;
  }

  async function interaction(req, res, url) {
    const details = await provider.interactionDetails(req, res);
    const { uid, prompt, params } = details;
    if (req.method === 'POST' && url.pathname.endsWith('/login')) {
      const form = await readForm(req);
      const login = form.get('login') || '';
      if (!ACCOUNTS[login] || disabled.has(login)) {
        return send(res, 200, 'text/html', loginPage(uid, 'Unknown or disabled account.'));
      }
      return provider.interactionFinished(req, res, { login: { accountId: ACCOUNTS[login].sub } },
        { mergeWithLastSubmission: false });
    }
    if (prompt.name === 'login') return send(res, 200, 'text/html', loginPage(uid));
    // ArtChart is a first-party application of the hospital: consent is granted
    // by IT once, so no consent screen (as hospital providers configure it).
    const grant = details.grantId
      ? await provider.Grant.find(details.grantId)
      : new provider.Grant({ accountId: details.session.accountId, clientId: params.client_id });
    if (prompt.details.missingOIDCScope) grant.addOIDCScope(prompt.details.missingOIDCScope.join(' '));
    if (prompt.details.missingOIDCClaims) grant.addOIDCClaims(prompt.details.missingOIDCClaims);
    const grantId = await grant.save();
    return provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
  }

  server.on('request', async (req, res) => {
    const url = new URL(req.url, issuer);
    hits[url.pathname] = (hits[url.pathname] || 0) + 1;
    try {
      if (url.pathname === '/test/hits') return send(res, 200, 'application/json', JSON.stringify(hits));
      const disable = url.pathname.match(/^\/test\/accounts\/([a-z]+)\/disable$/);
      if (disable && req.method === 'POST') {
        disabled.add(disable[1]);
        return send(res, 204, 'text/plain', '');
      }
      if (url.pathname === '/test/reset' && req.method === 'POST') {
        disabled.clear();
        return send(res, 204, 'text/plain', '');
      }
      if (url.pathname.startsWith('/interaction/')) return await interaction(req, res, url);
      return callback(req, res);
    } catch (err) {
      return send(res, 500, 'text/plain', String(err && err.stack));
    }
  });

  process.stdout.write(`${JSON.stringify({ issuer })}\n`);
});

process.on('SIGTERM', () => server.close(() => process.exit(0)));
