/**
 * The authentication guide published in the OpenAPI document (`info.description`), with a worked
 * example computed by the same code that verifies signatures, so the example is always right. The
 * README carries the same example, and a test keeps the two equal.
 */
import { canonicalRequest, sha256Hex, signCanonical, TIMESTAMP_WINDOW_SECONDS } from './canonical-request.js';

/** The inputs and every intermediate value of the worked example. */
export interface WorkedExample {
  appId: string;
  secret: string;
  method: string;
  url: string;
  timestamp: string;
  nonce: string;
  body: string;
  bodySha256: string;
  canonical: string;
  signature: string;
}

/** The worked example: a signed `POST /api/v1/contracts?notify=false&lang=zh-CN` with a UTF-8 JSON body. */
export function workedExample(): WorkedExample {
  const appId = 'app_3mfq7x2kd9c4wzbn6tg5ya8hre';
  const secret = 'sk_8dJ2mQ7vX4pL9sR1wT6yB3nF5hK0cZ2aE7gU4iO9qW1';
  const method = 'POST';
  const url = 'https://sign.example.com/api/v1/contracts?notify=false&lang=zh-CN';
  const timestamp = '1717171717';
  const nonce = 'q8Xr2LmN4pT6vW0yZ3bD5f';
  const body = '{"bizNo":"HT-2024-0001","title":"劳动合同"}';
  const bodySha256 = sha256Hex(body);
  const u = new URL(url);
  const canonical = canonicalRequest({ method, target: u.pathname + u.search, timestamp, nonce, bodySha256 });
  return { appId, secret, method, url, timestamp, nonce, body, bodySha256, canonical, signature: signCanonical(canonical, secret) };
}

/** The shell recipe of the worked example (POSIX sh + openssl), printing the signature. */
export function shellRecipe(x: WorkedExample = workedExample()): string {
  const lines = x.canonical.split('\n');
  return [
    `SECRET='${x.secret}'`,
    `BODY='${x.body}'`,
    `BODY_SHA256=$(printf '%s' "$BODY" | openssl dgst -sha256 -r | cut -d' ' -f1)`,
    `CANONICAL=$(printf '%s\\n%s\\n%s\\n%s\\n%s\\n%s' '${lines[0]}' '${lines[1]}' '${lines[2]}' '${lines[3]}' '${lines[4]}' "$BODY_SHA256")`,
    `printf '%s' "$CANONICAL" | openssl dgst -sha256 -hmac "$SECRET" -r | cut -d' ' -f1`,
  ].join('\n');
}

/** The guide, in Markdown (zh-CN first, English alongside). */
export function authGuide(): string {
  const x = workedExample();
  const fence = '```';
  return `## 身份认证 Authentication

Three kinds of caller, each marked on every operation (\`security\`, and \`x-signet-auth\`):

| kind | who | credential |
|---|---|---|
| \`app\` | 集成方系统 integrators (OA, HRM, your backend) | HMAC-signed headers, below |
| \`session\` | 控制台用户 people in the console or the Word add-in | the \`signet_session\` cookie from \`POST /auth/login/password\` or \`/auth/login/otp\`, plus \`X-CSRF-Token\` on POST, PUT, PATCH and DELETE |
| \`link\` | 外部签署人 external signers | \`Authorization: Link <token>\` (the token of their one-time \`/sign/<token>\` link) |

Errors are always JSON \`{"code": "...", "message": "..."}\`; the message says what to do.

### 集成方签名 Integrator signature (SIGNET-HMAC-SHA256)

Every integrator request carries four headers:

| header | value |
|---|---|
| \`X-Signet-App-Id\` | your appId |
| \`X-Signet-Timestamp\` | Unix time in **seconds**, within ${TIMESTAMP_WINDOW_SECONDS / 60} minutes of the server clock |
| \`X-Signet-Nonce\` | 16 to 64 characters of \`A-Z a-z 0-9 - _\`, fresh for every request |
| \`X-Signet-Signature\` | lower-case hex HMAC-SHA256 of the canonical string, keyed with the UTF-8 bytes of your app secret |

The **canonical string** is six lines joined by \`\\n\` (LF), with no newline at the end:

1. \`SIGNET-HMAC-SHA256\`
2. the method in upper case: \`POST\`
3. the path exactly as sent (percent-encoding included), then, if there is a query, \`?\` and the
   **canonical query**: split the query on \`&\`, drop empty pairs, split each pair at the first
   \`=\` (no \`=\` means an empty value), decode each side (\`+\` is a space), re-encode it so that only
   \`A-Z a-z 0-9 - . _ ~\` stay literal (everything else as \`%XX\`, upper-case hex, UTF-8), sort the
   pairs by key and then by value, and join them as \`k=v\` with \`&\`
4. the \`X-Signet-Timestamp\` value
5. the \`X-Signet-Nonce\` value
6. the lower-case hex SHA-256 of the exact body bytes sent; for no body (every GET), the hash of
   the empty string, \`e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\`

The server refuses, before anything else happens:
- a missing header: \`AUTH_REQUIRED\` (401);
- an unknown or disabled appId: \`AUTH_APP_UNKNOWN\` (401);
- a timestamp more than ${TIMESTAMP_WINDOW_SECONDS} s away: \`AUTH_TIMESTAMP_SKEW\` (401);
- a signature that does not match, including a body changed after signing:
  \`AUTH_SIGNATURE_INVALID\` (401); the message shows the canonical string the server computed;
- a nonce this app already used within the window: \`AUTH_REPLAY\` (401).

Signatures are compared in constant time. App secrets are stored encrypted (AES-256-GCM under the
installation's master key), not hashed, because checking an HMAC needs the secret itself.

#### 示例 Worked example

appId \`${x.appId}\`, secret \`${x.secret}\`, sending at timestamp \`${x.timestamp}\` with nonce
\`${x.nonce}\`:

${fence}http
${x.method} ${new URL(x.url).pathname}${new URL(x.url).search} HTTP/1.1
Content-Type: application/json

${x.body}
${fence}

The body (UTF-8, ${Buffer.byteLength(x.body)} bytes) hashes to \`${x.bodySha256}\`. The query sorts
to \`lang=zh-CN&notify=false\`. The canonical string is:

${fence}text
${x.canonical}
${fence}

and its HMAC-SHA256 with the secret, the \`X-Signet-Signature\`, is

${fence}text
${x.signature}
${fence}

The same in a shell:

${fence}sh
${shellRecipe(x)}
${fence}

### 会话 Console sessions

\`POST /api/v1/auth/login/password\` (or \`/auth/login/otp\` after \`POST /api/v1/auth/otp\`) sets an
\`HttpOnly; SameSite=Lax\` session cookie and returns a \`csrfToken\`. Send that token as
\`X-CSRF-Token\` on every POST, PUT, PATCH and DELETE made with the cookie; without it the request
gets \`CSRF_TOKEN_INVALID\` (403). \`GET /api/v1/auth/session\` returns the token again.
\`POST /api/v1/auth/logout\` ends the session.

### 签署链接 Signing links

An external signer's link is \`/sign/<token>\`. API calls made for that signer carry
\`Authorization: Link <token>\`. The server keeps only the token's SHA-256; an unknown token gets
\`AUTH_LINK_INVALID\`, and an expired, used or revoked one \`LINK_EXPIRED\`, \`LINK_USED\` or
\`LINK_REVOKED\`.
`;
}
