// SPDX-License-Identifier: GPL-3.0-or-later
// REST oracle: Twilio's official helper library (npm `twilio`) talks to our local stand-in for
// Twilio's REST API. Its requests to https://api.twilio.com are rewritten to our server by a
// custom httpClient (a RequestClient subclass), so paging, deserialising and error handling are
// the library's own. TestRestApiOracle.cpp compares what the library saw with what we serve.
//
// Usage: node rest-client.js --base http://127.0.0.1:PORT --account AC… --number PN… \
//          --call CA… --bad-call CA…   (auth token on the first line of stdin; prints JSON)
'use strict';

const fs = require('fs');
const twilio = require('twilio');

const args = process.argv.slice(2);
function arg(name) {
  const i = args.indexOf(name);
  if (i < 0 || i + 1 >= args.length) throw new Error(`missing ${name}`);
  return args[i + 1];
}
const base = arg('--base');
const accountSid = arg('--account');
const numberSid = arg('--number');
const liveCall = arg('--call');
const endedCall = arg('--bad-call');
const authToken = fs.readFileSync(0, 'utf8').split('\n')[0].trim();

const requests = [];
class LocalClient extends twilio.RequestClient {
  request(opts) {
    const rewritten = opts.uri.replace(/^https:\/\/api\.twilio\.com(:443)?/, base);
    if (rewritten === opts.uri) throw new Error(`unexpected host in ${opts.uri}`);
    requests.push({ method: opts.method, uri: rewritten.slice(base.length), params: opts.params || {} });
    return super.request({ ...opts, uri: rewritten });
  }
}

const client = twilio(accountSid, authToken, { httpClient: new LocalClient() });
const iso = (d) => (d instanceof Date && !isNaN(d) ? d.toISOString() : null);

async function main() {
  const out = {};
  const recs = await client.recordings.list({ limit: 200, pageSize: 50 });
  out.recordings = recs.map((r) => ({
    sid: r.sid, callSid: r.callSid, duration: r.duration, channels: r.channels, status: r.status,
    dateCreated: iso(r.dateCreated), uri: r.uri, mediaUrl: r.mediaUrl, source: r.source,
    subresourceUris: r.subresourceUris,
  }));
  out.listRequests = requests.length;

  const one = await client.recordings(recs[0].sid).fetch();
  out.fetched = { sid: one.sid, callSid: one.callSid, duration: one.duration, dateCreated: iso(one.dateCreated),
                  startTime: iso(one.startTime), priceUnit: one.priceUnit, accountSid: one.accountSid };

  const calls = await client.calls.list({ pageSize: 2 });
  out.calls = calls.map((c) => ({ sid: c.sid, status: c.status, from: c.from, to: c.to, duration: c.duration,
                                  startTime: iso(c.startTime), direction: c.direction }));

  const perCall = await client.calls(recs[0].callSid).recordings.list();
  out.perCallRecordings = perCall.map((r) => r.sid);

  const updated = await client.incomingPhoneNumbers(numberSid)
    .update({ voiceUrl: 'http://127.0.0.1:9/voice?x=1 2', voiceMethod: 'POST', friendlyName: 'Oracle line' });
  out.number = { sid: updated.sid, voiceUrl: updated.voiceUrl, voiceMethod: updated.voiceMethod,
                 voiceApplicationSid: updated.voiceApplicationSid, trunkSid: updated.trunkSid,
                 friendlyName: updated.friendlyName };
  const numbers = await client.incomingPhoneNumbers.list({ phoneNumber: updated.phoneNumber });
  out.numbersFound = numbers.map((n) => n.sid);

  const redirected = await client.calls(liveCall).update({ twiml: '<Response><Hangup/></Response>' });
  out.redirectedStatus = redirected.status;
  try {
    await client.calls(endedCall).update({ status: 'completed' });
    out.endedError = null;
  } catch (e) {
    out.endedError = { status: e.status, code: e.code, message: e.message, moreInfo: e.moreInfo };
  }
  try {
    await client.recordings('REffffffffffffffffffffffffffffffff').fetch();
    out.missingError = null;
  } catch (e) {
    out.missingError = { status: e.status, code: e.code, moreInfo: e.moreInfo, message: String(e.message) };
  }
  const account = await client.api.v2010.accounts(accountSid).fetch();
  out.account = { sid: account.sid, status: account.status };

  const wrong = twilio(accountSid, 'wrong-token', { httpClient: new LocalClient() });
  try {
    await wrong.recordings.list({ limit: 1 });
    out.authError = null;
  } catch (e) {
    out.authError = { status: e.status, code: e.code };
  }
  out.requests = requests;
  process.stdout.write(JSON.stringify(out) + '\n');
}

main().catch((e) => {
  process.stderr.write(`oracle failed: ${e && e.stack ? e.stack : e}\n`);
  process.exit(1);
});
