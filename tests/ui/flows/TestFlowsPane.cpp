// SPDX-License-Identifier: GPL-3.0-or-later
// The flows screen over a real core (listener on a free loopback port, data folder in a temp
// folder), offscreen: typing validates, the previews follow the text, Save writes the file, and
// "Use for incoming calls" makes the next demo call use the flow.
#include "CoreTestSupport.h"
#include "bootstrap/Core.h"
#include "bootstrap/DemoCalls.h"
#include "storage/Records.h"
#include "ui/flows/FlowsPane.h"

#include <QFile>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QTemporaryDir>
#include <QtTest>
#include <sys/stat.h>

using namespace sb;

namespace {
const QByteArray kToken = QByteArrayLiteral("flows-pane-token");

/// Selects `what` in the editor (its first occurrence) so the next keys replace it.
bool select(QPlainTextEdit* editor, const QString& what)
{
    QTextCursor cursor = editor->document()->find(what);
    if (cursor.isNull())
        return false;
    editor->setTextCursor(cursor);
    return true;
}
} // namespace

class TestFlowsPane : public QObject
{
    Q_OBJECT

private slots:
    void editValidateSaveAndUseForIncomingCalls()
    {
        QTemporaryDir dir;
        const auto owned = test::startCore(dir.path(), kToken);
        QVERIFY(owned);
        bootstrap::Core& core = *owned;

        ui::FlowsPane pane(&core);
        pane.resize(1100, 700);
        pane.show();
        QVERIFY(QTest::qWaitForWindowExposed(&pane));
        auto* list = pane.findChild<QListWidget*>(QStringLiteral("flowList"));
        auto* editor = pane.findChild<QPlainTextEdit*>(QStringLiteral("flowEditor"));
        auto* problems = pane.findChild<QListWidget*>(QStringLiteral("flowProblems"));
        auto* twiml = pane.findChild<QPlainTextEdit*>(QStringLiteral("twimlPreview"));
        auto* words = pane.findChild<QPlainTextEdit*>(QStringLiteral("callerHears"));
        auto* save = pane.findChild<QPushButton*>(QStringLiteral("saveFlowButton"));
        auto* use = pane.findChild<QPushButton*>(QStringLiteral("useFlowButton"));
        QVERIFY(list && editor && problems && twiml && words && save && use);

        // The active flow is open and marked; the built-ins are listed.
        QCOMPARE(pane.currentFlow(), QStringLiteral("appointment"));
        QCOMPARE(list->count(), 4);
        QVERIFY(list->item(0)->text().startsWith(QStringLiteral("● appointment")));
        QVERIFY(editor->toPlainText().contains(QLatin1String("\"mode\": \"realtime\"")));
        QVERIFY(twiml->toPlainText().contains(QLatin1String("<Stream ")));
        QVERIFY(words->toPlainText().startsWith(QLatin1String("Streams both tracks to ws://127.0.0.1:")));
        QVERIFY(!use->isEnabled()); // already the active one

        // A new flow from the template, then a typed mistake: listenSeconds 0 (line 7).
        QVERIFY(pane.newFlow(QStringLiteral("typed-flow")));
        QVERIFY(pane.isValid());
        QVERIFY(save->isEnabled());
        editor->setFocus();
        QVERIFY(select(editor, QStringLiteral("30")));
        QTest::keyClicks(editor, QStringLiteral("0"));
        QTRY_COMPARE(problems->count(), 1);
        QVERIFY2(problems->item(0)->text().startsWith(QLatin1String("line 7, column 3 (listenSeconds): ")),
                 qPrintable(problems->item(0)->text()));
        QVERIFY(!save->isEnabled());
        QVERIFY(!pane.isValid());
        QCOMPARE(editor->extraSelections().size(), 1);
        QCOMPARE(editor->extraSelections().first().cursor.blockNumber(), 6);
        QVERIFY(twiml->toPlainText().startsWith(QLatin1String("(fix the problem")));

        // Clicking the problem moves the cursor to it.
        editor->moveCursor(QTextCursor::Start);
        const QRect rect = problems->visualItemRect(problems->item(0));
        QTest::mouseClick(problems->viewport(), Qt::LeftButton, {}, rect.center());
        QCOMPARE(editor->textCursor().blockNumber(), 6);
        QCOMPARE(editor->textCursor().positionInBlock(), 2);

        // Fixing it enables Save and updates both previews.
        QVERIFY(select(editor, QStringLiteral("\"listenSeconds\": 0")));
        QTest::keyClicks(editor, QStringLiteral("\"listenSeconds\": 45"));
        QTRY_VERIFY(save->isEnabled());
        QCOMPARE(problems->count(), 0);
        QVERIFY(editor->extraSelections().isEmpty());
        QVERIFY(twiml->toPlainText().contains(QLatin1String("<Pause length=\"45\"/>")));
        QVERIFY(words->toPlainText().contains(QLatin1String("Waits 45 s in silence")));
        QVERIFY(
            words->toPlainText().contains(QLatin1String("Says 'Thanks for calling. Please tell us what you need.'")));

        // Save writes the file, private, and lists the flow.
        QTest::mouseClick(save, Qt::LeftButton);
        const QString path = QDir(core.flowsDir()).filePath(QStringLiteral("typed-flow.json"));
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QCOMPARE(QString::fromUtf8(file.readAll()), editor->toPlainText());
        struct stat st
        {
        };
        QCOMPARE(::stat(QFile::encodeName(path).constData(), &st), 0);
        QCOMPARE(int(st.st_mode & 0777), 0600);
        QCOMPARE(list->count(), 5);
        QCOMPARE(list->currentItem()->data(Qt::UserRole).toString(), QStringLiteral("typed-flow"));

        // Use for incoming calls: the core says so, the list marks it, and the next demo call gets it.
        QVERIFY(use->isEnabled());
        QTest::mouseClick(use, Qt::LeftButton);
        QCOMPARE(core.activeFlow(), QStringLiteral("typed-flow"));
        QVERIFY(!use->isEnabled());
        QVERIFY(list->currentItem()->text().startsWith(QStringLiteral("● typed-flow")));

        QSignalSpy stored(&core, &bootstrap::Core::callStored);
        QSignalSpy finished(core.demoCalls(), &bootstrap::DemoCalls::finished);
        bootstrap::DemoCallRequest request;
        request.realtime = false;
        core.demoCalls()->start(core.publicUrl(), request);
        QTRY_VERIFY_WITH_TIMEOUT(!stored.isEmpty(), 20000);
        QCOMPARE(stored.first().first().value<storage::CallRecord>().flow, QStringLiteral("typed-flow"));
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 30000);
    }

    void unsavedEditsAreNeverDroppedWithoutAsking()
    {
        QTemporaryDir dir;
        const auto owned = test::startCore(dir.path(), kToken);
        QVERIFY(owned);
        bootstrap::Core& core = *owned;
        ui::FlowsPane pane(&core);
        QStringList asked;
        bool answer = false;
        pane.setConfirmDiscard([&](const QString& question) {
            asked << question;
            return answer;
        });
        pane.show();
        QVERIFY(QTest::qWaitForWindowExposed(&pane));
        auto* list = pane.findChild<QListWidget*>(QStringLiteral("flowList"));
        auto* editor = pane.findChild<QPlainTextEdit*>(QStringLiteral("flowEditor"));
        QVERIFY(pane.openFlow(QStringLiteral("appointment")));
        QVERIFY(!pane.hasUnsavedEdits());
        // Without edits, picking another flow asks nothing.
        list->setCurrentRow(1);
        QVERIFY(asked.isEmpty());
        const QString second = pane.currentFlow();
        QVERIFY(second != QStringLiteral("appointment"));
        editor->appendPlainText(QStringLiteral(" "));
        QVERIFY(pane.hasUnsavedEdits());
        const QString edited = editor->toPlainText();

        // "No": the edit stays, and so does the selection.
        list->setCurrentRow(0);
        QCOMPARE(asked.size(), 1);
        QVERIFY(asked.first().contains(second));
        QCOMPARE(pane.currentFlow(), second);
        QCOMPARE(editor->toPlainText(), edited);
        QCOMPARE(list->currentItem()->text().contains(second), true);

        // "Yes": the other flow opens.
        answer = true;
        list->setCurrentRow(0);
        QCOMPARE(asked.size(), 2);
        QCOMPARE(pane.currentFlow(), QStringLiteral("appointment"));
        QVERIFY(!pane.hasUnsavedEdits());
    }

    void readOnlyWithoutAListener()
    {
        ui::FlowsPane pane(nullptr);
        pane.show();
        QVERIFY(QTest::qWaitForWindowExposed(&pane));
        QCOMPARE(pane.findChild<QListWidget*>(QStringLiteral("flowList"))->count(), 4);
        QVERIFY(!pane.currentFlow().isEmpty());
        QVERIFY(pane.isValid());
        QVERIFY(!pane.findChild<QPushButton*>(QStringLiteral("saveFlowButton"))->isEnabled());
        QVERIFY(!pane.findChild<QPushButton*>(QStringLiteral("useFlowButton"))->isEnabled());
        QVERIFY(!pane.findChild<QPlainTextEdit*>(QStringLiteral("callerHears"))->toPlainText().isEmpty());
    }
};

QTEST_MAIN(TestFlowsPane)
#include "TestFlowsPane.moc"
