// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "common/Result.h"

#include <QByteArray>
#include <QString>

/// Audio for the simulator: the caller's audio file, and `<Say>` speech synthesised with espeak-ng.
/// Both produce raw G.711 mu-law, 8 kHz mono (what Media Streams carry). These functions run
/// external tools synchronously (espeak-ng, sox) and block the calling thread while they do;
/// results of synthesizeSpeech() are cached per process (the cache is thread-safe).
namespace sb::sim {

/// Reads `path`: a `.ulaw`/`.mulaw`/`.raw` file is taken as raw mu-law 8 kHz; a WAV that is 8 kHz
/// mono 16-bit PCM or mu-law is converted in-process; any other audio file is resampled to 8 kHz
/// mono mu-law with sox. Errors: sim.audio.read (missing/unreadable), sim.audio.convert (sox
/// missing or failed).
Result<QByteArray> loadCallerAudio(const QString& path);

/// True when espeak-ng and sox are on PATH.
bool speechSynthesisAvailable();

/// `text` spoken by espeak-ng (voice/language mapped to an espeak voice when possible), as 8 kHz
/// mu-law. Empty (with `error` set) when the tools are missing or fail.
QByteArray synthesizeSpeech(const QString& text, const QString& language, QString* error = nullptr);

/// Call time Twilio would take to say `text` when no synthesis is available: about 14 characters
/// per second, at least half a second.
qint64 estimatedSpeechMs(const QString& text);

} // namespace sb::sim
