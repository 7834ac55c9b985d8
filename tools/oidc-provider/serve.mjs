// Loopback OpenID providers for the TOKEN authorizer's integration tests (tests/SecureApi.Authorizers.Tests,
// OidcProviderTests). One process serves several oidc-provider instances, each its own issuer on its own HTTPS port,
// all signing with RS256 keys under the same kid (each instance its own key), so a test can show that one issuer's
// keys never verify another's token.
//
// Input (environment):
//   OIDC_CERT, OIDC_KEY   PEM files of the self-signed loopback certificate the test made and trusts
//   OIDC_ISSUERS          JSON: [{"port":1234,"issuer":"https://127.0.0.1:1234","jwk":{private RSA JWK with kid}}]
// Each instance has one client, "secure-api-client" / secret "s3cret", allowed the client_credentials grant; its
// access tokens are JWTs for the resource "urn:secure-api" (aud "secure-api", scope "read").
// Every instance counts the requests it receives by path (query left out); GET /test-requests answers those counts
// as JSON (itself not counted), so a test can show that a refusal made no request at all.
// Prints "ready" on stdout once every instance listens; stops on SIGTERM or when stdin closes.
import https from 'node:https';
import fs from 'node:fs';
import Provider from 'oidc-provider';

const cert = fs.readFileSync(process.env.OIDC_CERT);
const key = fs.readFileSync(process.env.OIDC_KEY);
const issuers = JSON.parse(process.env.OIDC_ISSUERS);
const servers = [];

for (const { port, issuer, jwk } of issuers) {
  const provider = new Provider(issuer, {
    jwks: { keys: [jwk] },
    clients: [{
      client_id: 'secure-api-client', client_secret: 's3cret',
      grant_types: ['client_credentials'], response_types: [], redirect_uris: [],
    }],
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => 'urn:secure-api',
        useGrantedResource: () => true,
        getResourceServerInfo: () => ({
          scope: 'read', audience: 'secure-api', accessTokenFormat: 'jwt', accessTokenTTL: 600,
          jwt: { sign: { alg: 'RS256' } },
        }),
      },
    },
  });
  provider.proxy = false;
  const handle = provider.callback();
  const requests = {};
  const server = https.createServer({ cert, key }, (req, res) => {
    const path = req.url.split('?')[0];
    if (path === '/test-requests') {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(requests));
      return;
    }
    requests[path] = (requests[path] ?? 0) + 1;
    handle(req, res);
  });
  await new Promise((resolve) => server.listen(port, '127.0.0.1', resolve));
  servers.push(server);
}

const stop = () => { for (const s of servers) s.close(); process.exit(0); };
process.on('SIGTERM', stop);
process.stdin.on('end', stop);
process.stdin.resume();
console.log('ready');
