// SPDX-License-Identifier: GPL-3.0-or-later
// Test support: the real `switchboard` executable in --headless mode, and Twilio's side of a
// call (signed webhooks, a Media Streams client) driven over loopback.
#pragma once

#include "TestSupport.h"
#include "twilio/Form.h"

#include <QByteArray>
#include <QJsonObject>
#include <QProcess>
#include <QString>
#include <QStringList>
#include <memory>

class QWebSocket;

namespace sb::test {

inline const QByteArray kAuthToken = QByteArrayLiteral("integration-test-token-0123456789");

/// A running `switchboard --headless` with a private data folder; its stdout lines are collected.
class HeadlessApp
{
public:
    explicit HeadlessApp(QString dataDir, QStringList extraArgs = {});
    ~HeadlessApp();

    /// Starts it, gives it the auth token on stdin, and waits for "listening on"; returns false
    /// (with output() explaining) otherwise.
    bool start(int timeoutMs = 20000);
    /// SIGTERM and wait; returns the exit code (-1 on crash or timeout).
    int terminate(int timeoutMs = 20000);
    /// SIGKILL, as a crash would.
    void kill();
    /// Waits until stdout contains `needle`; false when the app exits first or after `timeoutMs`.
    bool waitForLine(const QString& needle, int timeoutMs = 20000);
    /// Waits until stdout contains `needle` at least `count` times (same rules).
    bool waitForLineCount(const QString& needle, int count, int timeoutMs = 20000);

    quint16 port() const { return m_port; }
    QString baseUrl() const;
    QString streamUrl() const;
    QString output() const
    {
        return QString::fromUtf8(m_stdout) + QStringLiteral("\n--- stderr ---\n") + QString::fromUtf8(m_stderr);
    }
    QString dataDir() const { return m_dataDir; }
    QProcess& process() { return *m_process; }

private:
    void pump();

    QString m_dataDir;
    QStringList m_extraArgs;
    std::unique_ptr<QProcess> m_process;
    QByteArray m_stdout;
    QByteArray m_stderr;
    quint16 m_port = 0;
};

struct HttpResult
{
    int status = 0;
    QByteArray body;
    QString error;
};

/// POSTs a form body the way Twilio does, signed with `token` over `signedUrl` (the public URL).
HttpResult postSigned(const QString& url,
                      const twilio::FormParams& params,
                      const QByteArray& token,
                      const QString& signedUrl = QString(),
                      int timeoutMs = 10000);

/// Runs `switchboard` with arguments (a one-shot command) and returns exit code and stdout.
struct CommandResult
{
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};
/// Runs `switchboard ARGS` with `input` on its stdin, then end of input, and waits for it.
CommandResult runSwitchboard(const QStringList& args, const QByteArray& input, int timeoutMs = 30000);
/// The same with nothing on stdin.
CommandResult runSwitchboard(const QStringList& args, int timeoutMs = 30000);
/// `switchboard calls show SID --json --data-dir DIR`, parsed (empty when it failed).
QJsonObject showCallJson(const QString& dataDir, const QString& callSid);
/// The `kind` of each event of a `calls show --json` object, in order.
QStringList eventKinds(const QJsonObject& call);

/// Raw mu-law audio of spoken words, made with espeak-ng and sox (8 kHz mono, G.711).
/// Empty with `error` set when the tools are missing.
QByteArray speechMuLaw(const QString& text, QString* error);

/// Value of `<Parameter name=...>` and the stream URL in a TwiML document ("" if none).
QString twimlParameter(const QByteArray& twiml, const QString& name);
QString twimlStreamUrl(const QByteArray& twiml);

} // namespace sb::test
