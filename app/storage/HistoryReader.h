// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "common/Result.h"
#include "storage/Records.h"

#include <QObject>
#include <functional>
#include <memory>

class QThread;

namespace sb::storage {

class HistoryQueries;
struct CallSummary;
struct WebhookFilter;

/// Asynchronous reads of the history for the window: the queries run on a reader thread of
/// their own ("history-reader") over one read-only connection (HistoryQueries), so a slow or
/// locked database never stalls the GUI thread. Writes go through Storage, never here.
///
/// Threads: create, use and destroy the reader on one thread (the main thread); `context` must
/// live on that thread too. Each answer is delivered there, in request order, through the event
/// loop (never inline), and is dropped if `context` was destroyed meanwhile. The destructor
/// waits for the query in progress, if any, and drops the rest.
///
/// The database is opened on first use; if it cannot be opened, every answer carries that error
/// (the next request tries again).
class HistoryReader : public QObject
{
    Q_OBJECT

public:
    explicit HistoryReader(QString databasePath, QObject* parent = nullptr);
    ~HistoryReader() override;

    void callDetail(const QString& callSid, QObject* context, std::function<void(Result<CallDetail>)> done);
    void recentCalls(int limit, QObject* context, std::function<void(Result<QList<CallSummary>>)> done);
    /// The webhook log, newest first (HistoryQueries::webhookLog).
    void
    webhookLog(const WebhookFilter& filter, QObject* context, std::function<void(Result<QList<WebhookLogEntry>>)> done);
    /// One webhook log entry with its bodies (HistoryQueries::webhookEntry).
    void webhookEntry(qint64 id, QObject* context, std::function<void(Result<WebhookLogEntry>)> done);

private:
    /// Runs `query` on the reader thread, then `done` with its result on this object's thread.
    template <typename T>
    void submit(std::function<Result<T>(const HistoryQueries&)> query,
                QObject* context,
                std::function<void(Result<T>)> done);

    QString m_path;
    std::unique_ptr<QThread> m_thread;
    QObject* m_worker = nullptr; ///< lives on m_thread; owns the read connection
};

} // namespace sb::storage
