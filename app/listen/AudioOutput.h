// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "listen/LiveFeed.h"

#include <QAudioDevice>
#include <QAudioFormat>
#include <QObject>
#include <memory>

class QAudioSink;

namespace sb::listen {

class PlayoutDevice;

/// The audio-thread half of LivePlayback: one QAudioSink in pull mode reading a PlayoutDevice.
/// The format is 48 kHz stereo Int16 when the device supports it, else the device's preferred
/// format. Failures are reported in words (failed()), never thrown or logged only.
///
/// Lives on the audio thread; open() and close() are called there (LivePlayback queues them).
class AudioOutput : public QObject
{
    Q_OBJECT

public:
    explicit AudioOutput(std::shared_ptr<LiveFeed> feed);
    ~AudioOutput() override;

    /// Plays the feed on `device` (replacing what plays now). Emits opened() or failed().
    void open(const QAudioDevice& device);
    /// Stops playing; emits closed() if something played.
    void close();

    /// The format open() chooses for `device`.
    static QAudioFormat chooseFormat(const QAudioDevice& device);

signals:
    /// Playing on `description` at `format` (e.g. "48000 Hz, 2 ch, Int16").
    void opened(const QString& description, const QString& format);
    void failed(const QString& message);
    void closed();

private:
    void onStateChanged();
    /// Stops and deletes the sink; true if one was playing.
    bool release();

    std::shared_ptr<LiveFeed> m_feed;
    QAudioSink* m_sink = nullptr;
    PlayoutDevice* m_source = nullptr;
    QString m_description;
};

} // namespace sb::listen
