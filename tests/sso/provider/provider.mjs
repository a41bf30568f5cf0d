// A real OpenID Connect provider (npm `oidc-provider`) for the single sign-on tests.
// Environment: REDIRECT_URIS (comma-separated), CLIENT_ID, CLIENT_SECRET. Listens on a
// free port of 127.0.0.1 and prints `listening <issuer>` once ready. The people who may
// sign in are users.json (the login name is the key; any password is accepted by the
// provider's development login form).
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import Provider from 'oidc-provider';

const users = JSON.parse(readFileSync(new URL('./users.json', import.meta.url), 'utf8'));
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const signingKey = { ...privateKey.export({ format: 'jwk' }), kid: 'test-key', use: 'sig', alg: 'RS256' };

const server = createServer();
server.listen(0, '127.0.0.1', () => {
  const issuer = `http://127.0.0.1:${server.address().port}`;
  const provider = new Provider(issuer, {
    clients: [{
      client_id: process.env.CLIENT_ID,
      client_secret: process.env.CLIENT_SECRET,
      redirect_uris: process.env.REDIRECT_URIS.split(','),
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
    }],
    claims: {
      openid: ['sub'],
      email: ['email', 'email_verified'],
      profile: ['name', 'groups'],
    },
    // Put the scope's claims in the ID token, as Entra ID and Keycloak do for groups.
    conformIdTokenClaims: false,
    jwks: { keys: [signingKey] },
    cookies: { keys: ['test-cookie-key-not-secret'] },
    ttl: { AuthorizationCode: 60, IdToken: 300, AccessToken: 300, Session: 600, Interaction: 600, Grant: 600 },
    features: { devInteractions: { enabled: true } },
    async findAccount(ctx, id) {
      const user = users[id];
      if (!user) return undefined;
      return { accountId: id, async claims() { return { sub: id, ...user }; } };
    },
  });
  server.on('request', provider.callback());
  console.log(`listening ${issuer}`);
});
