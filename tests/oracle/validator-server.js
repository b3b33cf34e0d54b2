// SPDX-License-Identifier: GPL-3.0-or-later
// A small webhook server built on Twilio's official helper library (npm `twilio`): every
// request's X-Twilio-Signature is checked with twilio.validateRequest, the same check the
// library's express middleware (twilio.webhook()) runs, and refused with its 403 / 400 answers.
// Media Streams upgrades are validated over the ws:// URL with empty params. TestSimulate.cpp
// drives `switchboard simulate` (the C++ simulator) against it.
//
// Usage: node validator-server.js   (auth token on the first line of stdin; prints
// "listening PORT", then one JSON line per request / stream; GET /sync/ID logs {"sync": "ID"})
'use strict';

const http = require('http');
const querystring = require('querystring');
const readline = require('readline');
const twilio = require('twilio');
const WebSocket = require('ws');

function log(obj) {
  process.stdout.write(JSON.stringify(obj) + '\n');
}

const rl = readline.createInterface({ input: process.stdin });
rl.once('line', (line) => {
  rl.close();
  start(line.trim());
});

function twiml(res, body) {
  res.writeHead(200, { 'Content-Type': 'text/xml' });
  res.end('<?xml version="1.0" encoding="UTF-8"?><Response>' + body + '</Response>');
}

function start(authToken) {
  let port = 0;
  const base = () => `http://127.0.0.1:${port}`;
  const wsBase = () => `ws://127.0.0.1:${port}`;

  // Routes that misbehave on purpose (no signature check: they test the simulator's error codes).
  const broken = {
    '/bad-type': (req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end('{"not":"twiml"}');
    },
    '/not-found': (req, res) => {
      res.writeHead(404, { 'Content-Type': 'text/plain' });
      res.end('nope');
    },
    '/malformed': (req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/xml' });
      res.end('<?xml version="1.0"?><Response><Say>unclosed</Response>');
    },
    '/loop': (req, res) => {
      res.writeHead(302, { Location: '/loop' });
      res.end();
    },
    '/slow': () => { /* never answers */ },
    '/big': (req, res) => {
      twiml(res, '<Say>' + 'a'.repeat(70000) + '</Say>');
    },
  };

  const flakySeen = {};
  const flow = {
    '/voice': (p, res) => twiml(res,
      '<Say>Welcome</Say><Gather action="/gather" numDigits="3"><Say>Enter your code</Say></Gather>' +
      '<Say>We did not get your code</Say>'),
    '/gather': (p, res) => twiml(res,
      `<Start><Stream url="${wsBase()}/uni" track="both_tracks" statusCallback="/stream-status">` +
      '<Parameter name="k" value="v"/></Stream></Start>' +
      '<Record action="/record" maxLength="10" timeout="1" recordingStatusCallback="/recording-status"/>'),
    '/record': (p, res) => twiml(res,
      `<Connect action="/connected"><Stream url="${wsBase()}/bidi" statusCallback="/stream-status"/></Connect>`),
    '/connected': (p, res) => twiml(res, '<Say>Goodbye</Say><Hangup/>'),
    '/pause': (p, res) => twiml(res, '<Pause length="2"/><Hangup/>'),
    // Fails with 500 on the first delivery attempt of each call, then answers.
    '/flaky': (p, res) => {
      flakySeen[p.CallSid] = (flakySeen[p.CallSid] || 0) + 1;
      if (flakySeen[p.CallSid] === 1) {
        res.writeHead(500, { 'Content-Type': 'text/plain' });
        res.end('try again');
        return;
      }
      twiml(res, '<Hangup/>');
    },
  };

  const server = http.createServer((req, res) => {
    const path = req.url.split('?')[0];
    // A marker for the test: once its line is read, so are those of every request answered before.
    if (path.startsWith('/sync/')) {
      log({ sync: path.slice('/sync/'.length) });
      res.writeHead(204);
      res.end();
      return;
    }
    if (broken[path]) {
      broken[path](req, res);
      return;
    }
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk) => { body += chunk; });
    req.on('end', () => {
      const url = base() + req.url;
      const params = req.method === 'POST' ? querystring.parse(body) : {};
      const header = req.headers['x-twilio-signature'];
      // Same answers as twilio.webhook(): 400 without the header, 403 when it does not match.
      if (header === undefined) {
        log({ path, method: req.method, valid: false, reason: 'missing' });
        res.writeHead(400, { 'Content-Type': 'text/plain' });
        res.end('No signature header error - X-Twilio-Signature header does not exist, maybe this request is not coming from Twilio.');
        return;
      }
      const valid = twilio.validateRequest(authToken, header, url, params);
      log({ path, method: req.method, valid, params, idempotencyToken: req.headers['i-twilio-idempotency-token'] });
      if (!valid) {
        res.writeHead(403, { 'Content-Type': 'text/plain' });
        res.end('Twilio Request Validation Failed.');
        return;
      }
      if (flow[path]) {
        flow[path](params, res);
      } else {
        res.writeHead(204);
        res.end();
      }
    });
  });

  const wss = new WebSocket.Server({ noServer: true });
  server.on('upgrade', (req, socket, head) => {
    const url = wsBase() + req.url;
    const header = req.headers['x-twilio-signature'] || '';
    const valid = twilio.validateRequest(authToken, header, url, {});
    log({ path: req.url, upgrade: true, valid, userAgent: req.headers['user-agent'] });
    if (!valid) {
      socket.write('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => serveStream(ws, req.url));
  });

  function serveStream(ws, path) {
    const summary = { path, stream: true, events: [], media: { inbound: 0, outbound: 0 }, marks: [], dtmf: [],
      sequenceOk: true, chunksOk: true, tracks: null, customParameters: null, mediaFormat: null };
    let lastSequence = 0;
    const lastChunk = { inbound: 0, outbound: 0 };
    let streamSid = null;
    const audio = Buffer.alloc(8000, 0x7f).toString('base64'); // 1 s of near-silence
    ws.on('message', (data) => {
      const msg = JSON.parse(data.toString());
      if (summary.events[summary.events.length - 1] !== msg.event) summary.events.push(msg.event);
      if (msg.sequenceNumber !== undefined) {
        if (Number(msg.sequenceNumber) !== lastSequence + 1) summary.sequenceOk = false;
        lastSequence = Number(msg.sequenceNumber);
      }
      if (msg.event === 'start') {
        streamSid = msg.streamSid;
        summary.tracks = msg.start.tracks;
        summary.customParameters = msg.start.customParameters;
        summary.mediaFormat = msg.start.mediaFormat;
        if (path === '/bidi') {
          // Queue 1 s of audio then a mark; when its echo comes back, queue more audio and a
          // second mark, then clear: the second mark must be echoed at once.
          ws.send(JSON.stringify({ event: 'media', streamSid, media: { payload: audio } }));
          ws.send(JSON.stringify({ event: 'mark', streamSid, mark: { name: 'played' } }));
        }
      } else if (msg.event === 'media') {
        const track = msg.media.track;
        summary.media[track] += 1;
        if (Number(msg.media.chunk) !== lastChunk[track] + 1) summary.chunksOk = false;
        lastChunk[track] = Number(msg.media.chunk);
      } else if (msg.event === 'mark') {
        summary.marks.push(msg.mark.name);
        if (msg.mark.name === 'played') {
          ws.send(JSON.stringify({ event: 'media', streamSid, media: { payload: audio } }));
          ws.send(JSON.stringify({ event: 'mark', streamSid, mark: { name: 'cleared' } }));
          ws.send(JSON.stringify({ event: 'clear', streamSid }));
        } else if (msg.mark.name === 'cleared') {
          ws.close(1000);
        }
      } else if (msg.event === 'dtmf') {
        summary.dtmf.push(msg.dtmf.digit);
      }
    });
    ws.on('close', () => log(summary));
  }

  server.listen(0, '127.0.0.1', () => {
    port = server.address().port;
    process.stdout.write(`listening ${port}\n`);
  });
}
