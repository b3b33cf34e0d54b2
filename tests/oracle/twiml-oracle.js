// SPDX-License-Identifier: GPL-3.0-or-later
// TwiML oracle: generates random voice TwiML documents with Twilio's official helper library
// (npm `twilio`, `twiml.VoiceResponse`); TestOracleTwiml.cpp replays the same builder calls through
// our TwimlBuilder and compares the XML, and runs every document through our TwimlParser.
//
// Usage: node twiml-oracle.js [--count N] [--seed S]      (defaults 300 / 1)
// Prints a JSON array of { "ops": [op...], "xml": "<twilio-node toString()>" }, where an op is
//   { "op": <method>, "attrs": [[name, value]...], "text": <string>, "children": [op...] }
// "attrs", "text" and "children" are present only when used. Methods by parent:
//   Response: say play pause record gather start connect stop redirect hangup dial
//   say: text (addText) | ssml (with "tag": break, emphasis, ...)    gather: say play pause
//   start: stream transcription    connect: stream    stop: stream transcription
//   stream / transcription: parameter (attrs name, value)    dial: number client sip
// Attribute values keep their JSON type (string, number, boolean, array) so the C++ side can use
// its typed attribute structs. Typed attributes come in alphabetical order (the order of the
// twilio-node typings and of our structs), then unknown "extra" attributes.
'use strict';

const { twiml } = require('twilio');

const VoiceResponse = twiml.VoiceResponse;

// ----- arguments and deterministic randomness --------------------------------------------------

const args = process.argv.slice(2);
function numberArg(name, fallback) {
  const i = args.indexOf(name);
  if (i < 0) return fallback;
  const value = Number(args[i + 1]);
  if (!Number.isFinite(value)) {
    process.stderr.write(`${name} needs a number\n`);
    process.exit(2);
  }
  return value;
}
const count = numberArg('--count', 300);
let seed = numberArg('--seed', 1) >>> 0;

// mulberry32: small, deterministic; a failing case is reproduced by its seed and index.
function random() {
  seed = (seed + 0x6d2b79f5) >>> 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const chance = (p) => random() < p;
const int = (lo, hi) => lo + Math.floor(random() * (hi - lo + 1));
const pick = (list) => list[Math.floor(random() * list.length)];
const repeat = (lo, hi, make) => Array.from({ length: int(lo, hi) }, make);

// ----- nasty text ------------------------------------------------------------------------------

const textPieces = [
  '', ' ', '  ', '\t', '\n', '\r\n', '\r', 'Hello', 'world', 'Press 1 for sales.', 'a & b', 'x<y', 'y>x',
  '</Say>', '<Say>', ']]>', '<![CDATA[x]]>', '<!-- c -->', '"', "'", '"double"', "'single'", '&amp;', '&#x41;',
  '&lt;', '&', '<', '>', '=', '/>', 'caf\u00e9', 'Stra\u00dfe', '\u20ac 5', '\u4e2d\u6587', '\u0645\u0631\u062d\u0628\u0627',
  '\u05e9\u05dc\u05d5\u05dd', '\u{1F600}', '\u{1F468}\u200D\u{1F469}\u200D\u{1F467}', '\u{1D11E}', '\u{10FFFD}',
  '\u00a0', '\u2028', '\u0085', '\ufeff', '\ufffd', 'e\u0301', '\u200b', '+14155550123', 'client:alice',
];

function nastyText() {
  if (chance(0.03)) return 'long '.repeat(int(40, 400)) + pick(textPieces);
  return repeat(0, 4, () => pick(textPieces)).join('');
}
// Not only XML whitespace (space, tab, CR, LF): what our validator counts as an empty URL or name.
function nonBlankText() {
  const text = nastyText();
  return /^[ \t\r\n]*$/.test(text) ? 'x' + text : text;
}

const httpUrls = [
  'https://example.com/voice', 'https://example.com/next?step=2&lang=en', 'http://127.0.0.1:8080/twiml',
  '/relative/path', 'next.xml', "https://example.com/it's", 'https://example.com/caf%C3%A9', 'https://ex.com/a b',
  'https://user:pa&ss@example.com/x', '',
];
const httpUrl = () => (chance(0.8) ? pick(httpUrls) : nastyText());

// Valid Stream URLs only (wss, well-formed): anything else is an error our validator reports, and
// every oracle document must pass it without errors. A query string is only a warning.
const wssUrls = [
  'wss://example.com/media', 'wss://abc-123.ngrok-free.app/stream/a&b', "wss://h.example:8443/x'y",
  'wss://[::1]:9000/media', 'wss://example.com/caf%C3%A9', 'WSS://Example.COM/Media', 'wss://example.com/',
  'wss://example.com/q?token=abc&x=1', '/media-relative',
];

// ----- attribute catalogue ---------------------------------------------------------------------

const str = () => nastyText();
const url = () => httpUrl();
const num = (lo, hi) => () => int(lo, hi);
const bool = () => chance(0.5);
const oneOf = (...values) => () => pick(values);
const listOf = (...values) => () => repeat(0, values.length, () => pick(values));
const method = () => pick(['GET', 'POST']);
const statusEvents = listOf('initiated', 'ringing', 'answered', 'completed');
const recordingEvents = listOf('in-progress', 'completed', 'absent');
const tracks = oneOf('inbound_track', 'outbound_track', 'both_tracks');

const amd = [
  ['amdStatusCallback', url], ['amdStatusCallbackMethod', method],
];
const machineDetection = [
  ['machineDetection', oneOf('Enable', 'DetectMessageEnd')], ['machineDetectionSilenceTimeout', num(2000, 10000)],
  ['machineDetectionSpeechEndThreshold', num(500, 5000)], ['machineDetectionSpeechThreshold', num(1000, 6000)],
  ['machineDetectionTimeout', num(3, 59)],
];
const callbacks = [
  ['method', method], ['statusCallback', url], ['statusCallbackEvent', statusEvents],
  ['statusCallbackMethod', method], ['url', url],
];

// Per builder method, [name, generator] in the order our C++ attribute structs write them.
const catalogue = {
  say: [
    ['language', oneOf('en-US', 'de-DE', 'fr-FR', 'ja-JP')], ['loop', num(0, 10)],
    ['voice', () => (chance(0.7) ? pick(['man', 'woman', 'alice', 'Polly.Amy', 'Google.en-US-Standard-C']) : str())],
  ],
  play: [['digits', oneOf('1234', 'ww#', '0', 'wW9*')], ['loop', num(0, 10)]],
  pause: [['length', num(1, 30)]],
  record: [
    ['action', url], ['finishOnKey', oneOf('#', '*', '1234567890*#', '')], ['maxLength', num(2, 3600)],
    ['method', method], ['playBeep', bool], ['recordingConfigurationId', str], ['recordingStatusCallback', url],
    ['recordingStatusCallbackEvent', recordingEvents], ['recordingStatusCallbackMethod', method],
    ['timeout', num(0, 30)], ['transcribe', bool], ['transcribeCallback', url],
    ['trim', oneOf('trim-silence', 'do-not-trim')],
  ],
  gather: [
    ['action', url], ['actionOnEmptyResult', bool], ['bargeIn', bool], ['debug', bool], ['enhanced', bool],
    ['finishOnKey', oneOf('#', '*', '0', '')], ['hints', str], ['input', listOf('dtmf', 'speech')],
    ['language', oneOf('en-US', 'en-GB', 'es-MX')], ['maxSpeechTime', num(1, 60)], ['method', method],
    ['numDigits', num(1, 12)], ['partialResultCallback', url], ['partialResultCallbackMethod', method],
    ['profanityFilter', bool], ['speechModel', oneOf('default', 'phone_call', 'numbers_and_commands')],
    ['speechTimeout', oneOf('auto', '0', '3')], ['timeout', num(0, 15)],
  ],
  start: [['action', url], ['method', method]],
  connect: [['action', url], ['method', method]],
  stream: [
    ['audioFormat', str], ['connectorName', str], ['name', str], ['sampleRate', str], ['statusCallback', url],
    ['statusCallbackMethod', method], ['track', tracks], ['url', () => pick(wssUrls)],
  ],
  transcription: [
    ['enableAutomaticPunctuation', bool], ['hints', str], ['inboundTrackLabel', str], ['intelligenceService', str],
    ['languageCode', oneOf('en-US', 'es-US')], ['name', str], ['outboundTrackLabel', str], ['partialResults', bool],
    ['profanityFilter', bool], ['speechModel', oneOf('telephony', 'long', 'nova-2')], ['statusCallbackMethod', method],
    ['statusCallbackUrl', url], ['track', tracks], ['transcriptionEngine', oneOf('google', 'deepgram')],
  ],
  redirect: [['method', method]],
  dial: [
    ['action', url], ['answerOnBridge', bool], ['callerId', oneOf('+14155550100', 'client:bob', '')],
    ['events', oneOf('call-progress-event')], ['hangupOnStar', bool], ['method', method], ['passports', str],
    ['record', oneOf('do-not-record', 'record-from-answer', 'record-from-ringing-dual')],
    ['recordingConfigurationId', str], ['recordingStatusCallback', url],
    ['recordingStatusCallbackEvent', recordingEvents], ['recordingStatusCallbackMethod', method],
    ['recordingTrack', oneOf('both', 'inbound', 'outbound')], ['referMethod', method], ['referUrl', url],
    ['ringTone', oneOf('us', 'de', 'uk')], ['sequential', bool], ['timeLimit', num(1, 14400)],
    ['timeout', num(5, 600)], ['trim', oneOf('trim-silence', 'do-not-trim')],
  ],
  number: [
    ...amd, ['byoc', str], ...machineDetection, ['method', method], ['sendDigits', oneOf('ww1234', '#')],
    ['statusCallback', url], ['statusCallbackEvent', statusEvents], ['statusCallbackMethod', method], ['url', url],
  ],
  client: callbacks,
  sip: [
    ...amd, ...machineDetection, ['method', method], ['password', str], ['statusCallback', url],
    ['statusCallbackEvent', statusEvents], ['statusCallbackMethod', method], ['url', url], ['username', str],
  ],
};
// Names no typed struct has: our builder takes them through `extra`, written after typed ones.
const extraNames = ['customAttribute', 'x-trace-id', 'data.value', 'foo_bar'];

/// A random subset of `spec` (in catalogue order), then maybe extras; `force` lists names always set.
function attributes(spec, force = {}) {
  const pairs = [];
  const density = random();
  for (const [name, make] of spec) {
    if (name in force) {
      if (force[name] !== undefined) pairs.push([name, force[name]]);
    } else if (chance(density * 0.6)) {
      pairs.push([name, make()]);
    }
  }
  if (chance(0.1)) {
    for (const name of repeat(1, 2, () => pick(extraNames))) {
      if (!pairs.some(([n]) => n === name)) pairs.push([name, str()]);
    }
  }
  return pairs;
}

// ----- ops -------------------------------------------------------------------------------------

function op(name, attrs, text, children) {
  const result = { op: name };
  if (attrs && attrs.length) result.attrs = attrs;
  if (text !== undefined) result.text = text;
  if (children && children.length) result.children = children;
  return result;
}
const maybeText = () => (chance(0.15) ? undefined : nastyText());

const ssmlTags = {
  break: () => [['strength', pick(['weak', 'strong'])], ['time', pick(['500ms', '1s'])]].filter(() => chance(0.6)),
  emphasis: () => (chance(0.5) ? [['level', pick(['strong', 'moderate', 'reduced'])]] : []),
  lang: () => [['xml:lang', pick(['en-US', 'fr-FR'])]],
  p: () => [],
  phoneme: () => [['alphabet', 'ipa'], ['ph', 'p\u0259\u02c8k\u0251\u02d0n']],
  prosody: () => [['pitch', '+5%'], ['rate', 'slow'], ['volume', 'loud']].filter(() => chance(0.5)),
  s: () => [],
  'say-as': () => [['interpret-as', pick(['digits', 'telephone', 'date'])]],
  sub: () => [['alias', nastyText()]],
  w: () => (chance(0.5) ? [['role', 'amazon:VB']] : []),
};

function ssmlOp() {
  const tag = pick(Object.keys(ssmlTags));
  const result = { op: 'ssml', tag };
  const attrs = ssmlTags[tag]();
  if (attrs.length) result.attrs = attrs;
  const text = tag === 'break' ? undefined : maybeText();
  if (text !== undefined) result.text = text;
  return result;
}
function sayOp() {
  const children = chance(0.25) ? repeat(1, 4, () => (chance(0.4) ? op('text', null, nastyText()) : ssmlOp())) : [];
  return op('say', attributes(catalogue.say), maybeText(), children);
}
const playOp = () => op('play', attributes(catalogue.play), chance(0.9) ? pick(httpUrls.slice(0, 7)) : nastyText());
const pauseOp = () => op('pause', attributes(catalogue.pause));
const parameterOp = () => op('parameter', [['name', nonBlankText()], ['value', nastyText()]]);

function streamOp(parent) {
  const force = {};
  if (parent === 'connect') {
    force.url = pick(wssUrls);
    force.track = chance(0.5) ? 'inbound_track' : undefined;
  } else if (parent === 'start') {
    force.url = pick(wssUrls);
  } else {
    force.name = nonBlankText();
  }
  return op('stream', attributes(catalogue.stream, force), undefined, parent === 'stop' ? [] : repeat(0, 3, parameterOp));
}
function transcriptionOp(parent) {
  const force = parent === 'stop' ? { name: nonBlankText() } : {};
  return op('transcription', attributes(catalogue.transcription, force), undefined,
    parent === 'stop' ? [] : repeat(0, 1, parameterOp));
}

const verbs = {
  say: sayOp,
  play: playOp,
  pause: pauseOp,
  record: () => op('record', attributes(catalogue.record)),
  gather: () => op('gather', attributes(catalogue.gather), undefined,
    repeat(0, 4, () => pick([sayOp, playOp, pauseOp])())),
  start: () => op('start', attributes(catalogue.start), undefined,
    repeat(1, 2, () => (chance(0.6) ? streamOp('start') : transcriptionOp('start')))),
  connect: () => op('connect', attributes(catalogue.connect), undefined, [streamOp('connect')]),
  stop: () => op('stop', null, undefined,
    repeat(1, 2, () => (chance(0.5) ? streamOp('stop') : transcriptionOp('stop')))),
  redirect: () => op('redirect', attributes(catalogue.redirect), chance(0.8) ? pick(httpUrls.slice(0, 9)) : nonBlankText()),
  hangup: () => op('hangup'),
  dial: () => op('dial', attributes(catalogue.dial), chance(0.5) ? pick(['+14155550123', ' +1 415 555 0123 ']) : undefined,
    repeat(0, 3, () => {
      const noun = pick(['number', 'client', 'sip']);
      const target = { number: '+14155550199', client: nastyText(), sip: 'sip:alice@example.com;transport=tls' }[noun];
      return op(noun, attributes(catalogue[noun]), target);
    })),
};

// ----- replay through twilio-node --------------------------------------------------------------

const ssmlMethods = { 'say-as': 'sayAs' };

function apply(parent, step) {
  const attrs = Object.fromEntries(step.attrs || []);
  let node;
  switch (step.op) {
  case 'text':
    parent.addText(step.text);
    return;
  case 'ssml':
    node = step.tag === 'break' ? parent.break(attrs) : parent[ssmlMethods[step.tag] || step.tag](attrs, step.text);
    break;
  case 'hangup':
  case 'stop':
    node = parent[step.op]();
    break;
  case 'say': case 'play': case 'redirect': case 'dial': case 'number': case 'client': case 'sip':
    node = parent[step.op](attrs, step.text);
    break;
  default:
    node = parent[step.op](attrs);
  }
  for (const child of step.children || []) apply(node, child);
}

function build(ops) {
  const response = new VoiceResponse();
  for (const step of ops) apply(response, step);
  return response.toString();
}

// ----- main ------------------------------------------------------------------------------------

const verbNames = Object.keys(verbs);
const cases = [];
for (let i = 0; i < count; ++i) {
  // The first cases walk through every verb once so even --count 11 covers them all.
  const ops = i < verbNames.length ? [verbs[verbNames[i]]()] : repeat(0, 7, () => verbs[pick(verbNames)]());
  cases.push({ ops, xml: build(ops) });
}
// ASCII-only JSON (every non-ASCII UTF-16 unit as \uXXXX): Qt 6.4's JSON parser silently drops a
// raw U+FEFF at the start of a string, which would corrupt the ops we replay.
const ascii = JSON.stringify(cases).replace(/[\u007f-\uffff]/g,
  (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
process.stdout.write(ascii);
