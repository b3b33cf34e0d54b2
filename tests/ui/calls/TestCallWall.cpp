// SPDX-License-Identifier: GPL-3.0-or-later
// The call wall over a real core (listener on a free loopback port, SQLite in a temp folder):
// calls arrive as signed webhooks and as demo calls through the simulator; the wall counts,
// filters, sorts, ticks, labels them from contacts.csv and lays out its columns at any width.
#include "CoreTestSupport.h"
#include "HeadlessApp.h"
#include "bootstrap/Core.h"
#include "bootstrap/DemoCalls.h"
#include "twilio/Form.h"
#include "ui/calls/CallWall.h"
#include "ui/calls/CallWallFilter.h"
#include "ui/calls/CallWallModel.h"

#include <QAbstractItemModelTester>
#include <QAction>
#include <QComboBox>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QSaveFile>
#include <QTemporaryDir>
#include <QTreeView>
#include <QtTest>

using namespace sb;
using Model = ui::CallWallModel;

namespace {
const QByteArray kToken = QByteArrayLiteral("call-wall-test-token");
const QString kAccount = QStringLiteral("AC0123456789abcdef0123456789abcdef");
const QString kAda = QStringLiteral("+15551230001");
const QString kOurNumber = QStringLiteral("+15005550006");

QString sidOf(int n)
{
    return QStringLiteral("CA%1").arg(n, 32, 16, QLatin1Char('0'));
}

/// A signed POST the way Twilio makes it; returns the HTTP status (0: no answer).
int post(quint16 port, const QString& path, const twilio::FormParams& params)
{
    return test::postSigned(QStringLiteral("http://127.0.0.1:%1%2").arg(port).arg(path), params, kToken).status;
}

twilio::FormParams callParams(const QString& sid, const QString& status, const QString& from)
{
    return {{QStringLiteral("AccountSid"), kAccount},
            {QStringLiteral("ApiVersion"), QStringLiteral("2010-04-01")},
            {QStringLiteral("CallSid"), sid},
            {QStringLiteral("CallStatus"), status},
            {QStringLiteral("Direction"), QStringLiteral("inbound")},
            {QStringLiteral("From"), from},
            {QStringLiteral("To"), kOurNumber}};
}

/// A call answered by the flow: live (in progress) until a final status arrives.
int answeredCall(quint16 port, const QString& sid, const QString& from = QStringLiteral("+14155550199"))
{
    return post(port, QStringLiteral("/voice"), callParams(sid, QStringLiteral("ringing"), from));
}

/// A status callback: "ringing" makes a ringing call, "completed"/"no-answer" end one.
int status(quint16 port,
           const QString& sid,
           const QString& status,
           const QString& from = QStringLiteral("+14155550199"))
{
    return post(port, QStringLiteral("/status"), callParams(sid, status, from));
}

void writeFile(const QString& path, const QByteArray& text)
{
    QSaveFile file(path); // a new file replaces the old one, as editors do
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(text);
    QVERIFY(file.commit());
}

QString cell(const ui::CallWall& wall, const QString& sid, int column)
{
    const int row = wall.model()->rowOf(sid);
    return row < 0 ? QString() : wall.model()->index(row, column).data().toString();
}

/// The SIDs as the view shows them, top to bottom.
QStringList shownSids(const ui::CallWall& wall)
{
    QStringList sids;
    for (int row = 0; row < wall.filter()->rowCount(); ++row)
        sids << wall.filter()->index(row, 0).data(Model::CallSidRole).toString();
    return sids;
}

/// Starts a demo call and waits until it is over; returns its SID as the wall shows it.
QString runDemoCall(bootstrap::Core& core, ui::CallWall& wall)
{
    const QStringList shown = shownSids(wall);
    const QSet<QString> before(shown.begin(), shown.end());
    QSignalSpy finished(core.demoCalls(), &bootstrap::DemoCalls::finished);
    bootstrap::DemoCallRequest request;
    request.realtime = false;
    core.demoCalls()->start(core.publicUrl(), request);
    if (!finished.wait(60000) || !finished.first().at(1).toBool())
        return {};
    for (const QString& sid : shownSids(wall)) {
        if (!before.contains(sid))
            return sid;
    }
    return {};
}
} // namespace

class TestCallWall : public QObject
{
    Q_OBJECT

private slots:
    void countsStatesAndTheTimer()
    {
        QTemporaryDir dir;
        auto core = test::startCore(dir.path(), kToken);
        QVERIFY(core);
        ui::CallWall wall(core.get());
        QAbstractItemModelTester sourceTester(wall.model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        QAbstractItemModelTester proxyTester(wall.filter(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        wall.show();
        QVERIFY(QTest::qWaitForWindowExposed(&wall));
        auto* counts = wall.findChild<QLabel*>(QStringLiteral("callCounts"));
        QVERIFY(counts);
        QCOMPARE(counts->text(), QStringLiteral("0 live, 0 ringing, 0 ended"));
        QVERIFY(!wall.model()->isTicking());

        QCOMPARE(answeredCall(core->port(), sidOf(1)), 200);
        QCOMPARE(status(core->port(), sidOf(2), QStringLiteral("ringing")), 200);
        QTRY_COMPARE(wall.model()->rowCount(), 2);
        const QString demo = runDemoCall(*core, wall);
        QVERIFY(!demo.isEmpty());
        QTRY_COMPARE_WITH_TIMEOUT(counts->text(), QStringLiteral("1 live, 1 ringing, 1 ended"), 30000);
        QCOMPARE(cell(wall, sidOf(1), Model::State), QStringLiteral("in progress"));
        QCOMPARE(cell(wall, sidOf(2), Model::State), QStringLiteral("ringing"));
        QCOMPARE(cell(wall, demo, Model::State), QStringLiteral("completed"));
        QCOMPARE(cell(wall, demo, Model::Flow), QStringLiteral("appointment"));
        // Each state has its own icon and colour.
        const QModelIndex live = wall.model()->index(wall.model()->rowOf(sidOf(1)), Model::State);
        const QModelIndex ringing = wall.model()->index(wall.model()->rowOf(sidOf(2)), Model::State);
        QVERIFY(!live.data(Qt::DecorationRole).value<QIcon>().isNull());
        QVERIFY(live.data(Qt::ForegroundRole) != ringing.data(Qt::ForegroundRole));
        QVERIFY(live.data(Qt::DecorationRole).value<QIcon>().pixmap(16).toImage() !=
                ringing.data(Qt::DecorationRole).value<QIcon>().pixmap(16).toImage());
        QVERIFY(wall.model()->isTicking());

        // The audio side says who talks.
        wall.model()->setTalking(sidOf(1), QStringLiteral("both"));
        QCOMPARE(cell(wall, sidOf(1), Model::Talking), QStringLiteral("both"));

        // Once every call is over, the counts say so and the clock stops.
        QCOMPARE(status(core->port(), sidOf(1), QStringLiteral("completed")), 200);
        QCOMPARE(status(core->port(), sidOf(2), QStringLiteral("no-answer")), 200);
        QTRY_COMPARE(counts->text(), QStringLiteral("0 live, 0 ringing, 3 ended"));
        QCOMPARE(cell(wall, sidOf(2), Model::State), QStringLiteral("no answer"));
        QVERIFY(!wall.model()->isTicking());
    }

    void filtersByStateAndSearchText()
    {
        QTemporaryDir dir;
        writeFile(dir.filePath(QStringLiteral("contacts.csv")), "# test\n+1 (555) 123-0001,Ada Lovelace\n");
        auto core = test::startCore(dir.path(), kToken);
        QVERIFY(core);
        ui::CallWall wall(core.get());
        wall.show();
        QCOMPARE(answeredCall(core->port(), sidOf(0xa1), kAda), 200);
        QCOMPARE(status(core->port(), sidOf(0xb2), QStringLiteral("ringing"), QStringLiteral("+15551239999")), 200);
        QTRY_COMPARE(wall.filter()->rowCount(), 2);

        auto* filter = wall.findChild<QComboBox*>(QStringLiteral("callFilter"));
        QVERIFY(filter);
        QCOMPARE(filter->count(), 4);
        filter->setCurrentIndex(filter->findText(QStringLiteral("Live")));
        QCOMPARE(shownSids(wall), QStringList{sidOf(0xa1)});
        filter->setCurrentIndex(filter->findText(QStringLiteral("Ringing")));
        QCOMPARE(shownSids(wall), QStringList{sidOf(0xb2)});
        filter->setCurrentIndex(filter->findText(QStringLiteral("Ended")));
        QCOMPARE(wall.filter()->rowCount(), 0);
        filter->setCurrentIndex(filter->findText(QStringLiteral("All")));
        QCOMPARE(wall.filter()->rowCount(), 2);

        auto* search = wall.findChild<QLineEdit*>(QStringLiteral("callSearch"));
        QVERIFY(search);
        QVERIFY(search->isClearButtonEnabled());
        QCOMPARE(search->placeholderText(), QStringLiteral("Search calls (number, name, flow, SID, transcript)"));
        const QList<QPair<QString, QStringList>> cases{
            {QStringLiteral("ada"), {sidOf(0xa1)}},                  // contact label
            {QStringLiteral("LOVELACE"), {sidOf(0xa1)}},             // any case
            {QStringLiteral("+1 (555) 123-9999"), {sidOf(0xb2)}},    // number, any spelling
            {QStringLiteral("5551239999"), {sidOf(0xb2)}},           // part of a number
            {sidOf(0xb2).right(6), {sidOf(0xb2)}},                   // SID
            {QStringLiteral("APPOINT"), {sidOf(0xb2), sidOf(0xa1)}}, // flow (both run the default one)
            {QStringLiteral("nobody at all"), {}},                   // nothing
        };
        for (const auto& [text, expected] : cases) {
            search->setText(text);
            QVERIFY2(shownSids(wall) == expected, qPrintable(text));
        }
        // The filter and the search combine.
        search->setText(QStringLiteral("555"));
        filter->setCurrentIndex(filter->findText(QStringLiteral("Ringing")));
        QCOMPARE(shownSids(wall), QStringList{sidOf(0xb2)});
        search->clear();
        filter->setCurrentIndex(0);
        QCOMPARE(wall.filter()->rowCount(), 2);
    }

    void liveCallsFirstThenNewestAndHeaderSorting()
    {
        QTemporaryDir dir;
        auto core = test::startCore(dir.path(), kToken);
        QVERIFY(core);
        ui::CallWall wall(core.get());
        wall.show();
        QCOMPARE(answeredCall(core->port(), sidOf(1), QStringLiteral("+14155550001")), 200); // oldest, stays live
        QTRY_COMPARE(wall.model()->rowCount(), 1);
        QTest::qWait(20);                              // distinct creation times
        const QString demo = runDemoCall(*core, wall); // newer, ends
        QVERIFY(!demo.isEmpty());
        QTRY_COMPARE_WITH_TIMEOUT(cell(wall, demo, Model::State), QStringLiteral("completed"), 30000);
        QTest::qWait(20);
        QCOMPARE(answeredCall(core->port(), sidOf(3), QStringLiteral("+14155550003")), 200); // newest, live
        QTRY_COMPARE(wall.model()->rowCount(), 3);
        QCOMPARE(shownSids(wall), (QStringList{sidOf(3), sidOf(1), demo}));

        // The demo call streamed and its caller's words were transcribed.
        QTRY_COMPARE_WITH_TIMEOUT(cell(wall, demo, Model::Stream), QStringLiteral("stopped"), 10000);
        QTRY_VERIFY_WITH_TIMEOUT(cell(wall, demo, Model::LastLine).contains(QLatin1String("appointment")), 10000);
        QCOMPARE(cell(wall, sidOf(1), Model::Stream), QStringLiteral("none"));
        auto* search = wall.findChild<QLineEdit*>(QStringLiteral("callSearch"));
        search->setText(QStringLiteral("next tuesday"));
        QCOMPARE(shownSids(wall), QStringList{demo});
        search->clear();

        // A header click sorts by that column; ties keep live-first, newest-first.
        wall.view()->sortByColumn(Model::Caller, Qt::AscendingOrder);
        QCOMPARE(shownSids(wall), (QStringList{sidOf(1), sidOf(3), demo})); // +1415555000[13], +14155550123
        wall.view()->sortByColumn(Model::Caller, Qt::DescendingOrder);
        QCOMPARE(shownSids(wall), (QStringList{demo, sidOf(3), sidOf(1)}));
        // Ending the oldest live call moves it below the other live call, by state.
        wall.view()->sortByColumn(Model::State, Qt::AscendingOrder);
        QCOMPARE(status(core->port(), sidOf(1), QStringLiteral("completed")), 200);
        QTRY_COMPARE(shownSids(wall), (QStringList{sidOf(3), demo, sidOf(1)}));
    }

    void historyCallsShowTheirStreamAndLastLine()
    {
        QTemporaryDir dir;
        auto core = test::startCore(dir.path(), kToken);
        QVERIFY(core);
        QString demo;
        {
            ui::CallWall first(core.get());
            demo = runDemoCall(*core, first);
            QVERIFY(!demo.isEmpty());
            QTRY_COMPARE_WITH_TIMEOUT(cell(first, demo, Model::State), QStringLiteral("completed"), 30000);
        }
        // A wall opened later learns the stream and transcript from the stored detail.
        ui::CallWall wall(core.get());
        QTRY_COMPARE(wall.model()->rowCount(), 1);
        QCOMPARE(wall.model()->callAt(0)->callSid, demo);
        QTRY_COMPARE(cell(wall, demo, Model::Stream), QStringLiteral("stopped"));
        QTRY_VERIFY(cell(wall, demo, Model::LastLine).contains(QLatin1String("appointment")));
        QCOMPARE(wall.countsText(), QStringLiteral("0 live, 0 ringing, 1 ended"));
        QVERIFY(!wall.model()->isTicking());
    }

    void durationTicksWhileLive()
    {
        QTemporaryDir dir;
        auto core = test::startCore(dir.path(), kToken);
        QVERIFY(core);
        ui::CallWall wall(core.get());
        wall.show();
        QCOMPARE(answeredCall(core->port(), sidOf(1)), 200);
        QTRY_COMPARE(wall.model()->rowCount(), 1);
        const QRegularExpression mss(QStringLiteral("^\\d+:\\d\\d$"));
        const QString first = cell(wall, sidOf(1), Model::Duration);
        QVERIFY2(mss.match(first).hasMatch(), qPrintable(first));
        QSignalSpy changed(wall.filter(), &QAbstractItemModel::dataChanged);
        QTRY_VERIFY_WITH_TIMEOUT(cell(wall, sidOf(1), Model::Duration) != first, 5000);
        QVERIFY(!changed.isEmpty()); // the view was told, not just the cell's value moved
        QVERIFY(mss.match(cell(wall, sidOf(1), Model::Duration)).hasMatch());
        QCOMPARE(Model::formatDuration(59), QStringLiteral("0:59"));
        QCOMPARE(Model::formatDuration(3599), QStringLiteral("59:59"));
        QCOMPARE(Model::formatDuration(3600 + 61), QStringLiteral("1:01:01"));

        QCOMPARE(status(core->port(), sidOf(1), QStringLiteral("completed")), 200);
        QTRY_VERIFY(!wall.model()->isTicking());
        const QString ended = cell(wall, sidOf(1), Model::Duration);
        QTest::qWait(1500);
        QCOMPARE(cell(wall, sidOf(1), Model::Duration), ended); // over: it stays
    }

    void contactLabelsFollowTheFile()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("contacts.csv"));
        writeFile(path, "+1 (555) 123-0001,Ada Lovelace\n");
        auto core = test::startCore(dir.path(), kToken);
        QVERIFY(core);
        ui::CallWall wall(core.get());
        wall.show();
        QCOMPARE(wall.contactsPath(), path);
        QCOMPARE(answeredCall(core->port(), sidOf(1), kAda), 200);
        QTRY_COMPARE(cell(wall, sidOf(1), Model::Caller), QStringLiteral("Ada Lovelace (+15551230001)"));
        QCOMPARE(cell(wall, sidOf(1), Model::Called), kOurNumber);

        writeFile(path, "+15551230001,\"Hopper, Grace\"\n+15005550006,Front desk\n");
        QTRY_COMPARE(cell(wall, sidOf(1), Model::Caller), QStringLiteral("Hopper, Grace (+15551230001)"));
        QCOMPARE(cell(wall, sidOf(1), Model::Called), QStringLiteral("Front desk (+15005550006)"));

        // A broken file is reported and the contacts in use stay.
        writeFile(path, "+15551230001,Someone\nnot a line\n");
        QTRY_VERIFY(wall.contactsError().contains(QLatin1String("line 2")));
        QVERIFY(wall.findChild<QLabel*>(QStringLiteral("contactsStatus"))->text().contains(QLatin1String("line 2")));
        QCOMPARE(cell(wall, sidOf(1), Model::Caller), QStringLiteral("Hopper, Grace (+15551230001)"));

        // No file: no labels.
        QVERIFY(QFile::remove(path));
        QTRY_COMPARE(cell(wall, sidOf(1), Model::Caller), kAda);
        QVERIFY(wall.contactsError().isEmpty());
        // And a new file is seen again.
        writeFile(path, "+15551230001,Ada again\n");
        QTRY_COMPARE(cell(wall, sidOf(1), Model::Caller), QStringLiteral("Ada again (+15551230001)"));
    }

    void columnsFitAnyWidth()
    {
        QTemporaryDir dir;
        auto core = test::startCore(dir.path(), kToken);
        QVERIFY(core);
        ui::CallWall wall(core.get());
        QCOMPARE(answeredCall(core->port(), sidOf(1)), 200);
        QTRY_COMPARE(wall.model()->rowCount(), 1);
        QHeaderView* header = wall.view()->header();
        const int sidText = wall.view()->fontMetrics().horizontalAdvance(sidOf(1));

        wall.resize(1400, 500);
        wall.show();
        QVERIFY(QTest::qWaitForWindowExposed(&wall));
        QTRY_VERIFY(header->sectionSize(Model::LastLine) > 200);
        int viewport = wall.view()->viewport()->width();
        QVERIFY2(header->sectionSize(Model::Sid) >= sidText, "a wide wall shows the whole SID");
        QVERIFY(header->sectionSize(Model::Sid) <= viewport / 5);
        QCOMPARE(header->length(), viewport); // Last line takes what is left, no more

        wall.resize(600, 500);
        QTRY_VERIFY(wall.view()->viewport()->width() < 600);
        viewport = wall.view()->viewport()->width();
        const int sid = header->sectionSize(Model::Sid);
        QVERIFY2(sid <= std::max(viewport / 5, 100), qPrintable(QString::number(sid)));
        QVERIFY2(header->sectionSize(Model::LastLine) >= 60,
                 qPrintable(QString::number(header->sectionSize(Model::LastLine))));
        QVERIFY2(header->sectionSize(Model::Caller) >= 80,
                 qPrintable(QString::number(header->sectionSize(Model::Caller))));
        QVERIFY2(header->length() <= viewport + 40,
                 qPrintable(QStringLiteral("%1 > %2").arg(header->length()).arg(viewport)));
        for (int c = 0; c < Model::ColumnCount; ++c)
            QVERIFY2(header->sectionSize(c) >= 40, qPrintable(QString::number(c)));
        const QImage shot = wall.grab().toImage();
        QVERIFY(!shot.isNull());
        QVERIFY(shot.save(QDir::temp().filePath(QStringLiteral("switchboard-callwall-600.png"))));

        // A column sized by hand stays as the operator left it through later resizes, until
        // "Fit columns to the window" hands the layout back.
        QVERIFY(!wall.columnsSizedByHand());
        header->resizeSection(Model::Flow, 150);
        QVERIFY(wall.columnsSizedByHand());
        wall.resize(900, 500);
        QTRY_VERIFY(wall.view()->viewport()->width() > 700);
        QCOMPARE(header->sectionSize(Model::Flow), 150);
        auto* fit = header->findChild<QAction*>(QStringLiteral("fitCallColumns"));
        QVERIFY(fit);
        fit->trigger();
        QVERIFY(!wall.columnsSizedByHand());
        QVERIFY(header->sectionSize(Model::Flow) != 150);
        QCOMPARE(header->length(), wall.view()->viewport()->width());
    }
};

QTEST_MAIN(TestCallWall)
#include "TestCallWall.moc"
