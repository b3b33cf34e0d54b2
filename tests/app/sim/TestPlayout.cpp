// SPDX-License-Identifier: GPL-3.0-or-later
// Twilio's playout model for bidirectional streams (app/twilio/PROTOCOL.md §5.3) and the report's
// WAV export.
#include "sim/Playout.h"
#include "sim/Report.h"

#include <QJsonArray>
#include <QtTest>

using namespace sb::sim;

class TestPlayout : public QObject
{
    Q_OBJECT

private slots:
    void markEchoedAtOnceWhenNothingQueued()
    {
        PlayoutQueue q;
        QCOMPARE(q.pushMark(QStringLiteral("a")), QStringList{QStringLiteral("a")});
        QVERIFY(q.isEmpty());
    }

    void markEchoedAfterQueuedAudioPlayed()
    {
        PlayoutQueue q;
        q.pushAudio(QByteArray(8000, 'x')); // 1 s
        QVERIFY(q.pushMark(QStringLiteral("reply-1")).isEmpty());
        q.pushAudio(QByteArray(800, 'y'));
        QVERIFY(q.pushMark(QStringLiteral("reply-2")).isEmpty());
        QCOMPARE(q.pendingMarks(), 2);
        PlayoutQueue::Advance a = q.advance(980);
        QVERIFY(a.marks.isEmpty());
        QCOMPARE(a.played.size(), 7840);
        a = q.advance(20);
        QCOMPARE(a.marks, QStringList{QStringLiteral("reply-1")});
        a = q.advance(200);
        QCOMPARE(a.played, QByteArray(800, 'y'));
        QCOMPARE(a.marks, QStringList{QStringLiteral("reply-2")});
        QVERIFY(q.isEmpty());
        QCOMPARE(q.queuedBytes(), 0);
    }

    void clearDropsAudioAndEchoesEveryPendingMark()
    {
        PlayoutQueue q;
        q.pushAudio(QByteArray(1600, 'x'));
        q.pushMark(QStringLiteral("m1"));
        q.pushAudio(QByteArray(1600, 'x'));
        q.pushMark(QStringLiteral("m2"));
        q.advance(20);
        QCOMPARE(q.clear(), (QStringList{QStringLiteral("m1"), QStringLiteral("m2")}));
        QCOMPARE(q.queuedBytes(), 0);
        QVERIFY(q.advance(1000).played.isEmpty());
    }

    void reportJsonAndWav()
    {
        CallReport r;
        r.callSid = QStringLiteral("CA1");
        r.finalStatus = QStringLiteral("completed");
        r.issues.append(SimIssue{12300, true, QStringLiteral("bad type"), QStringLiteral("http://x"), 5});
        r.recordings.append(
            RecordingReport{QStringLiteral("RE1"), QStringLiteral("u"), 1, QByteArray(8000, char(0xFF))});
        r.timeline.append(TimelineEntry{1, 2, QStringLiteral("say"), QStringLiteral("hi"), {}});
        QVERIFY(!r.ok());
        QVERIFY(r.hasIssue(12300));
        const QJsonObject o = r.toJson();
        QCOMPARE(o.value(QLatin1String("ok")).toBool(), false);
        QCOMPARE(o.value(QLatin1String("issues")).toArray().at(0).toObject().value(QLatin1String("code")).toInt(),
                 12300);
        QCOMPARE(o.value(QLatin1String("timeline")).toArray().size(), 1);
        QVERIFY(r.toText().contains(QLatin1String("error 12300: bad type")));
        const QByteArray wav = r.recordingWavs().value(QStringLiteral("RE1"));
        QCOMPARE(wav.size(), 44 + 16000);
        QVERIFY(wav.startsWith("RIFF"));
        QCOMPARE(wav.mid(44, 2), QByteArray(2, '\0')); // mu-law 0xFF is silence
    }
};

QTEST_GUILESS_MAIN(TestPlayout)
#include "TestPlayout.moc"
