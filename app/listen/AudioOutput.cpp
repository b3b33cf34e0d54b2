// SPDX-License-Identifier: GPL-3.0-or-later
#include "listen/AudioOutput.h"

#include "listen/PlayoutDevice.h"

#include <QAudioSink>

namespace sb::listen {
namespace {

QString formatName(const QAudioFormat& format)
{
    static const char* const names[] = {"unknown", "UInt8", "Int16", "Int32", "Float"};
    const int index = int(format.sampleFormat());
    return QStringLiteral("%1 Hz, %2 ch, %3")
        .arg(format.sampleRate())
        .arg(format.channelCount())
        .arg(QLatin1String(index >= 0 && index < 5 ? names[index] : "unknown"));
}

} // namespace

AudioOutput::AudioOutput(std::shared_ptr<LiveFeed> feed)
    : m_feed(std::move(feed))
{
}

AudioOutput::~AudioOutput()
{
    release();
}

QAudioFormat AudioOutput::chooseFormat(const QAudioDevice& device)
{
    QAudioFormat format;
    format.setSampleRate(48000);
    format.setChannelCount(2);
    format.setSampleFormat(QAudioFormat::Int16);
    if (device.isFormatSupported(format))
        return format;
    return device.preferredFormat();
}

void AudioOutput::open(const QAudioDevice& device)
{
    close();
    if (device.isNull()) {
        emit failed(QStringLiteral("No audio output device"));
        return;
    }
    const QAudioFormat format = chooseFormat(device);
    if (!format.isValid() || format.sampleRate() < 8000 || format.channelCount() < 1) {
        emit failed(QStringLiteral("The output device \"%1\" offers no usable format").arg(device.description()));
        return;
    }
    m_description = device.description();
    m_source = new PlayoutDevice(m_feed, format, this);
    m_source->open(QIODevice::ReadOnly | QIODevice::Unbuffered); // no read-ahead: the device paces
    m_sink = new QAudioSink(device, format, this);
    m_sink->setBufferSize(format.bytesForDuration(100000)); // 100 ms: PulseAudio rounds it
    connect(m_sink, &QAudioSink::stateChanged, this, &AudioOutput::onStateChanged);
    m_sink->start(m_source);
    if (m_sink->error() != QAudio::NoError) {
        const QString name = m_description;
        close();
        emit failed(QStringLiteral("Could not open the output device \"%1\"").arg(name));
        return;
    }
    emit opened(m_description, formatName(format));
}

void AudioOutput::close()
{
    if (release())
        emit closed();
}

bool AudioOutput::release()
{
    if (!m_sink)
        return false;
    disconnect(m_sink, nullptr, this, nullptr);
    m_sink->stop();
    delete m_sink;
    m_sink = nullptr;
    delete m_source;
    m_source = nullptr;
    return true;
}

void AudioOutput::onStateChanged()
{
    if (!m_sink || m_sink->state() != QAudio::StoppedState)
        return;
    QString message;
    switch (m_sink->error()) {
    case QAudio::NoError:
    case QAudio::UnderrunError:
        return;
    case QAudio::OpenError:
        message = QStringLiteral("Could not open the output device \"%1\"").arg(m_description);
        break;
    case QAudio::IOError:
        message =
            QStringLiteral("The output device \"%1\" stopped taking audio (lost or disconnected)").arg(m_description);
        break;
    case QAudio::FatalError:
        message = QStringLiteral("The output device \"%1\" failed").arg(m_description);
        break;
    }
    close();
    emit failed(message);
}

} // namespace sb::listen
