// SPDX-License-Identifier: GPL-3.0-or-later
// Signature oracle: Twilio's official helper library (npm `twilio`) signs and validates a few
// hundred generated requests; TestOracleSignature.cpp checks that our C++ code agrees with
// every signature byte for byte and with every validation verdict.
//
// Usage: node signature-oracle.js [--count N] [--seed S]   (prints JSON to stdout)
'use strict';

const twilio = require('twilio');

const args = process.argv.slice(2);
function arg(name, fallback) {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
}
const count = arg('--count', 300);
let state = arg('--seed', 1) >>> 0 || 1;

// xorshift32: deterministic, so a failing case can be reproduced from its index.
function rand() {
  state ^= state << 13; state >>>= 0;
  state ^= state >>> 17;
  state ^= state << 5; state >>>= 0;
  return state / 4294967296;
}
const pick = (list) => list[Math.floor(rand() * list.length)];
const int = (lo, hi) => lo + Math.floor(rand() * (hi - lo + 1));

const hex = () => Array.from({ length: 32 }, () => pick('0123456789abcdef')).join('');
const nameChars = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-';
const valuePieces = ['', 'a', 'Z', '0', ' ', '+', '+14155550123', '&', '=', '%', '%20', "'", '"', '<tag>',
  'caf\u00e9', '\u20ac', '\u{1F600}', '\u4e2d\u6587', 'line\nbreak', 'tab\t', 'SAN FRANCISCO', '{"a":1}',
  'CA' + 'f'.repeat(32), 'completed', '~', '*', '!', '(', ')', '\\', '/', '?', '#'];
const wellKnown = ['AccountSid', 'CallSid', 'From', 'To', 'Caller', 'Called', 'CallStatus', 'Digits',
  'SpeechResult', 'RecordingUrl', 'StatusCallbackEvent', 'SequenceNumber', 'Timestamp', 'Body', 'alpha', 'Zeta',
  'zeta', 'a', 'A', '_x', 'Parameter1.Name', 'MessagingBinding.Address'];

function randomName() {
  if (rand() < 0.6) return pick(wellKnown);
  return Array.from({ length: int(1, 12) }, () => pick(nameChars)).join('');
}
function randomValue() {
  return Array.from({ length: int(0, 4) }, () => pick(valuePieces)).join('');
}

const hosts = ['mycompany.com', 'abc-def.trycloudflare.com', '1a2b-203-0-113-5.ngrok-free.app', '127.0.0.1',
  'localhost', '[::1]', 'Example.COM'];
const pathPieces = ['voice', 'status', 'myapp.php', 'a b', "it's", '~user', 'caf\u00e9', '%7E', 'x%20y', 'v1', ''];
const queryPieces = [['foo', '1'], ['bar', '2'], ['Body', "It%27s+amazing"], ['q', "it's"], ['e', ''], ['sp', 'a%20b'],
  ['plus', 'a+b'], ['u', '%C3%A9'], ['rep', '1'], ['rep', '2'], ['1', 'num'], ['x', '~!*()']];

function randomUrl() {
  const scheme = pick(['https', 'https', 'http', 'wss']);
  const host = pick(hosts);
  const port = pick(['', '', ':443', ':80', ':8080', ':1234']);
  let path = '';
  for (let i = 0, n = int(0, 3); i < n; ++i) path += '/' + pick(pathPieces);
  let query = '';
  const nq = pick([0, 0, 1, 2, 3]);
  if (nq > 0) {
    const pairs = [];
    for (let i = 0; i < nq; ++i) { const [k, v] = pick(queryPieces); pairs.push(k + '=' + v); }
    query = '?' + pairs.join('&');
  }
  return `${scheme}://${host}${port}${path}${query}`;
}

// node's validateRequest() builds a WHATWG URL; skip URLs it can't represent.
function urlOk(url) { try { new URL(url); return true; } catch (e) { return false; } }

function addPort(url) {
  const m = /^([a-z]+:\/\/)([^/?#]*)(.*)$/i.exec(url);
  const hostPort = m[2];
  const colon = hostPort.indexOf(':', hostPort.lastIndexOf(']') + 1);
  if (colon >= 0) return url;
  return m[1] + hostPort + (/^(https|wss):/i.test(url) ? ':443' : ':80') + m[3];
}
function removePort(url) {
  const m = /^([a-z]+:\/\/)([^/?#]*)(.*)$/i.exec(url);
  const hostPort = m[2];
  const colon = hostPort.indexOf(':', hostPort.lastIndexOf(']') + 1);
  return m[1] + (colon >= 0 ? hostPort.slice(0, colon) : hostPort) + m[3];
}

const cases = [];
while (cases.length < count) {
  const url = randomUrl();
  if (!urlOk(url)) continue;
  const token = rand() < 0.1 ? '12345' : hex();
  const pairs = [];
  for (let i = 0, n = int(0, 8); i < n; ++i) pairs.push([randomName(), randomValue()]);
  if (rand() < 0.3 && pairs.length > 0) pairs.push([pairs[0][0], randomValue()]); // repeated name

  // The helper library takes repeated names as arrays, as form parsers produce them.
  const params = {};
  for (const [k, v] of pairs) {
    if (Object.prototype.hasOwnProperty.call(params, k)) {
      params[k] = [].concat(params[k], v);
    } else {
      params[k] = v;
    }
  }
  const signature = twilio.getExpectedTwilioSignature(token, url, params);

  // Verdicts for URL variants and tampering, as the official validator decides them.
  const checks = [];
  const variants = [url, addPort(url), removePort(url), url.replace('://', '://x'),
    url.includes('?') ? url + '&extra=1' : url + '?extra=1'];
  for (const v of variants) {
    if (!urlOk(v)) continue;
    checks.push({ url: v, pairs, header: signature, valid: twilio.validateRequest(token, signature, v, params) });
  }
  if (pairs.length > 0) {
    const tampered = pairs.map(([k, v], i) => (i === pairs.length - 1 ? [k, v + '1'] : [k, v]));
    const tparams = {};
    for (const [k, v] of tampered) {
      tparams[k] = Object.prototype.hasOwnProperty.call(tparams, k) ? [].concat(tparams[k], v) : v;
    }
    checks.push({ url, pairs: tampered, header: signature, valid: twilio.validateRequest(token, signature, url, tparams) });
  }
  checks.push({ url, pairs, header: signature, token: token + 'x',
    valid: twilio.validateRequest(token + 'x', signature, url, params) });

  // JSON-body variant: bodySHA256 in the query, signature over the URL alone.
  const body = JSON.stringify({ CallSid: 'CA' + hex(), Value: randomValue(), n: int(0, 1000) });
  const bodyHash = twilio.getExpectedBodyHash(body);
  const bodyUrl = url + (url.includes('?') ? '&' : '?') + 'bodySHA256=' + bodyHash;
  const bodySignature = twilio.getExpectedTwilioSignature(token, bodyUrl, {});
  const bodyChecks = [
    { body, valid: twilio.validateRequestWithBody(token, bodySignature, bodyUrl, body) },
    { body: body + ' ', valid: twilio.validateRequestWithBody(token, bodySignature, bodyUrl, body + ' ') },
  ];

  cases.push({ token, url, pairs, signature, checks, body: { url: bodyUrl, hash: bodyHash, signature: bodySignature, checks: bodyChecks } });
}
process.stdout.write(JSON.stringify({ library: 'twilio@' + require('twilio/package.json').version, cases }));
