// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QObject>
#include <QString>

class QLocalServer;

namespace sb::ui {

/// One window per data folder. The first start on a folder answers on a local socket named
/// after that folder (and the user); a second start on the same folder asks it to raise its
/// window and exits, instead of opening a second, empty window on a database it cannot write.
/// A start on another data folder finds no one answering and runs as its own instance.
///
/// GUI thread. The socket lives in the runtime directory Qt picks for local sockets (private to
/// the user); a stale socket left by a crash is removed when no one answers on it.
class SingleInstance : public QObject
{
    Q_OBJECT

public:
    explicit SingleInstance(const QString& dataDir, QObject* parent = nullptr);

    /// The socket name for `dataDir` (tests).
    static QString serverName(const QString& dataDir);
    /// Whether another instance answers for this folder; if so it was asked to raise its window.
    /// Waits at most `timeoutMs` (for a hung instance).
    bool handOverToRunning(int timeoutMs = 2000);
    /// Starts answering second starts; false (with errorString()) if the socket cannot be made.
    bool listen();
    QString errorString() const { return m_error; }

signals:
    /// A second start asked for this instance's window.
    void raiseRequested();

private:
    QString m_name;
    QString m_error;
    QLocalServer* m_server = nullptr;
};

} // namespace sb::ui
