// SPDX-License-Identifier: GPL-3.0-or-later
// <Say>, <Play> and <Pause>, alone or nested in <Gather>, and what the caller says meanwhile.
#include "sim/CallDriver.h"
#include "sim/CallDriverInternal.h"
#include "sim/SimAudio.h"
#include "sim/StreamPeer.h"

#include <QJsonObject>
#include <algorithm>

namespace sb::sim {
namespace {

qint64 digitsMs(const QString& digits)
{
    qint64 ms = 0;
    for (QChar c : digits)
        ms += c == QLatin1Char('w') ? 500 : c == QLatin1Char('W') ? 1000 : 100;
    return ms;
}

} // namespace

void CallDriver::runPrompts(QList<Prompt> prompts, std::function<void()> then)
{
    if (prompts.isEmpty()) {
        then();
        return;
    }
    const Prompt first = prompts.takeFirst();
    runPrompt(first, [this, prompts, then] { runPrompts(prompts, then); });
}

void CallDriver::runPrompt(const Prompt& p, std::function<void()> then)
{
    const int loops = p.loop <= 0 ? 1000 : p.loop;
    switch (p.kind) {
    case Prompt::Kind::Say: {
        QByteArray audio;
        QString error;
        if (m_config.synthesizeSpeech && speechSynthesisAvailable())
            audio = synthesizeSpeech(p.text, p.language, &error);
        const qint64 once = audio.isEmpty() ? estimatedSpeechMs(p.text) : audio.size() / kMuLawBytesPerMs;
        m_report.spoken << p.text;
        note(QStringLiteral("say"),
             QStringLiteral("\"%1\" (%2 ms%3%4)")
                 .arg(p.text)
                 .arg(once * loops)
                 .arg(audio.isEmpty() ? QStringLiteral(", text only") : QStringLiteral(", espeak-ng"))
                 .arg(loops > 1 ? QStringLiteral(", %1 times").arg(loops) : QString()),
             QJsonObject{{QStringLiteral("text"), p.text},
                         {QStringLiteral("voice"), p.voice},
                         {QStringLiteral("language"), p.language},
                         {QStringLiteral("loop"), loops},
                         {QStringLiteral("ms"), once * loops}});
        runSpan(once * loops, {}, audio.repeated(std::min(loops, 10)), then);
        return;
    }
    case Prompt::Kind::Pause: {
        QByteArray heard;
        const bool listening = anyLiveStream() || std::any_of(m_transcriptions.begin(),
                                                              m_transcriptions.end(),
                                                              [](const Transcription& t) { return !t.stopped; });
        if (listening)
            heard = m_caller.takeAudio(qsizetype(p.pauseMs * kMuLawBytesPerMs));
        note(QStringLiteral("pause"),
             QStringLiteral("%1 ms%2").arg(p.pauseMs).arg(
                 heard.isEmpty() ? QString()
                                 : QStringLiteral(", the caller speaks %1 ms").arg(heard.size() / kMuLawBytesPerMs)),
             QJsonObject{{QStringLiteral("ms"), p.pauseMs}});
        runSpan(p.pauseMs, heard, {}, [this, heard, then] {
            afterListening(heard);
            then();
        });
        return;
    }
    case Prompt::Kind::Play:
        break;
    }
    if (p.url.isEmpty()) {
        note(QStringLiteral("play"),
             QStringLiteral("digits %1").arg(p.digits),
             QJsonObject{{QStringLiteral("digits"), p.digits}});
        runSpan(digitsMs(p.digits), {}, {}, then);
        return;
    }
    http(QStringLiteral("GET"), p.url, {}, [this, p, loops, then](const HttpResponse& r) {
        if (m_ending)
            return;
        if (r.errorCode) {
            issue(r.errorCode, false, QStringLiteral("<Play> media: ") + r.error, p.url);
            then();
            return;
        }
        const QByteArray audio = detail::decodeMedia(r.contentType, r.body);
        const qint64 once = audio.isEmpty() ? 1000 : audio.size() / kMuLawBytesPerMs;
        note(QStringLiteral("play"),
             QStringLiteral("%1 (%2, %3 ms%4)")
                 .arg(p.url, QString::fromLatin1(r.contentType))
                 .arg(once * loops)
                 .arg(audio.isEmpty() ? QStringLiteral(", not decodable: 1 s assumed") : QString()),
             QJsonObject{{QStringLiteral("url"), p.url}, {QStringLiteral("ms"), once * loops}});
        runSpan(once * loops + digitsMs(p.digits), {}, audio.repeated(std::min(loops, 10)), then);
    });
}

void CallDriver::afterListening(const QByteArray& heard)
{
    if (heard.isEmpty() || m_caller.script.speech.isEmpty() || m_transcribedSpeech)
        return;
    bool sent = false;
    for (Transcription& t : m_transcriptions) {
        if (!t.stopped && t.spec.track != QLatin1String("outbound_track")) {
            transcriptionCallback(t, twilio::TranscriptionEvent::Content, m_caller.script.speech);
            sent = true;
        }
    }
    m_transcribedSpeech = sent;
}

} // namespace sb::sim
