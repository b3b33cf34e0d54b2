// SPDX-License-Identifier: GPL-3.0-or-later
#include "storage/HistoryReader.h"

#include "storage/HistoryQueries.h"

#include <QPointer>
#include <QThread>

namespace sb::storage {

namespace {

/// Owns the read connection on the reader thread (opened there, closed there).
class ReaderWorker : public QObject
{
public:
    explicit ReaderWorker(QString path)
        : m_path(std::move(path))
    {
    }

    Result<const HistoryQueries*> queries()
    {
        if (!m_queries) {
            auto opened = HistoryQueries::open(m_path);
            if (!opened.ok())
                return opened.error();
            m_queries = std::move(opened.value());
        }
        return static_cast<const HistoryQueries*>(m_queries.get());
    }

private:
    QString m_path;
    std::unique_ptr<HistoryQueries> m_queries;
};

} // namespace

HistoryReader::HistoryReader(QString databasePath, QObject* parent)
    : QObject(parent)
    , m_path(std::move(databasePath))
    , m_thread(std::make_unique<QThread>())
{
    m_thread->setObjectName(QStringLiteral("history-reader"));
    m_worker = new ReaderWorker(m_path);
    m_worker->moveToThread(m_thread.get());
    connect(m_thread.get(), &QThread::finished, m_worker, &QObject::deleteLater);
    m_thread->start();
}

HistoryReader::~HistoryReader()
{
    m_thread->quit();
    m_thread->wait();
}

template <typename T>
void HistoryReader::submit(std::function<Result<T>(const HistoryQueries&)> query,
                           QObject* context,
                           std::function<void(Result<T>)> done)
{
    // While the worker runs a query this reader is alive: the destructor waits for the thread.
    // An answer posted to a reader destroyed since is discarded by Qt with the reader.
    HistoryReader* self = this;
    QPointer<QObject> receiver(context);
    auto* worker = static_cast<ReaderWorker*>(m_worker);
    QMetaObject::invokeMethod(worker, [worker, self, receiver, query = std::move(query), done = std::move(done)] {
        auto queries = worker->queries();
        Result<T> result = queries.ok() ? query(*queries.value()) : Result<T>(queries.error());
        QMetaObject::invokeMethod(self, [receiver, done, result = std::move(result)] {
            if (receiver)
                done(result);
        });
    });
}

void HistoryReader::callDetail(const QString& callSid, QObject* context, std::function<void(Result<CallDetail>)> done)
{
    submit<CallDetail>([callSid](const HistoryQueries& q) { return q.callDetail(callSid); }, context, std::move(done));
}

void HistoryReader::recentCalls(int limit, QObject* context, std::function<void(Result<QList<CallSummary>>)> done)
{
    submit<QList<CallSummary>>(
        [limit](const HistoryQueries& q) { return q.listCalls(limit, 0); }, context, std::move(done));
}

void HistoryReader::webhookLog(const WebhookFilter& filter,
                               QObject* context,
                               std::function<void(Result<QList<WebhookLogEntry>>)> done)
{
    submit<QList<WebhookLogEntry>>(
        [filter](const HistoryQueries& q) { return q.webhookLog(filter); }, context, std::move(done));
}

void HistoryReader::webhookEntry(qint64 id, QObject* context, std::function<void(Result<WebhookLogEntry>)> done)
{
    submit<WebhookLogEntry>([id](const HistoryQueries& q) { return q.webhookEntry(id); }, context, std::move(done));
}

} // namespace sb::storage
