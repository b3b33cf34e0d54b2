// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "common/Result.h"
#include "restapi/RestApiStore.h"

#include <QByteArray>
#include <QString>

/// Recording media as the REST API serves it (app/twilio/PROTOCOL.md §6.3 "Media fetch rules"):
/// WAV (16-bit PCM, the recording's rate) and MP3 (through the `sox` program).
namespace sb::restapi {

/// The recording as a WAV file with `channels` channels (1 or 2). Asking for 1 channel of a
/// stereo recording mixes both channels (average); the caller must not ask for 2 channels of a
/// mono recording (the server answers 400 first). Reentrant.
QByteArray recordingWav(const RecordingRecord& recording, int channels);

/// Whether `soxProgram -h` lists mp3 among its file formats (Debian: package libsox-fmt-mp3).
/// Runs the program (blocking, at most a few seconds). Reentrant.
bool soxCanWriteMp3(const QString& soxProgram);

/// Encodes WAV bytes as MP3 at 32 kbit/s by piping them through `soxProgram`. Blocks the calling
/// thread while sox runs (bounded by `timeoutMs`). Error code restapi.mp3_unavailable (sox
/// missing, without MP3 support, failing or too slow) with sox's reason in the message.
Result<QByteArray> encodeMp3(const QByteArray& wav, const QString& soxProgram, int timeoutMs = 30000);

} // namespace sb::restapi
