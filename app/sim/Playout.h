// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QString>
#include <QStringList>
#include <deque>

namespace sb::sim {

/// Twilio's playout of a bidirectional stream (app/twilio/PROTOCOL.md §5.3): the app's `media` and
/// `mark` messages queue in arrival order; audio plays at 8 bytes per millisecond; a mark is echoed
/// when everything queued before it has played (at once when nothing is queued); `clear` drops the
/// queued audio and echoes every pending mark. Pure; belongs to one thread.
class PlayoutQueue
{
public:
    /// Queues mu-law audio.
    void pushAudio(const QByteArray& mulaw);
    /// Queues a mark; returns the marks to echo right away (this one, when nothing is queued
    /// before it).
    QStringList pushMark(const QString& name);
    /// Drops queued audio; returns every pending mark, in order.
    QStringList clear();

    struct Advance
    {
        QByteArray played; ///< audio that finished playing
        QStringList marks; ///< marks to echo, in order
    };
    /// Plays `ms` milliseconds of audio (fewer when the queue runs dry).
    Advance advance(qint64 ms);

    qint64 queuedBytes() const { return m_queuedBytes; }
    qsizetype pendingMarks() const;
    bool isEmpty() const { return m_items.empty(); }

private:
    struct Item
    {
        bool isMark = false;
        QString name;
        QByteArray audio;
        qsizetype offset = 0;
    };
    QStringList popLeadingMarks();

    std::deque<Item> m_items;
    qint64 m_queuedBytes = 0;
};

} // namespace sb::sim
