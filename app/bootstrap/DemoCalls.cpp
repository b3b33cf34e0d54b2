// SPDX-License-Identifier: GPL-3.0-or-later
#include "bootstrap/DemoCalls.h"

#include "sim/CallDriver.h"
#include "sim/SimAudio.h"

#include <QPointer>
#include <QThread>

namespace sb::bootstrap {

/// One demo call: its thread and the driver living there (created and deleted on that thread).
struct DemoCalls::Running
{
    int id = 0;
    std::unique_ptr<QThread> thread;
    QPointer<sim::CallDriver> driver; ///< set on the demo thread once the call started
};

DemoCalls::DemoCalls(TokenSource token, QObject* parent)
    : QObject(parent)
    , m_token(std::move(token))
{
}

DemoCalls::~DemoCalls()
{
    stopAll();
}

int DemoCalls::start(const QString& publicUrl, const DemoCallRequest& request)
{
    const int id = m_next++;
    auto running = std::make_unique<Running>();
    running->id = id;
    running->thread = std::make_unique<QThread>();
    running->thread->setObjectName(QStringLiteral("demo-%1").arg(id));
    Running* slot = running.get();
    m_calls.push_back(std::move(running));

    QPointer<DemoCalls> self(this);
    TokenSource token = m_token;
    // The whole call happens on the demo thread; only signals come back.
    QObject* context = new QObject; // lives on the demo thread, deleted with it
    context->moveToThread(slot->thread.get());
    connect(slot->thread.get(), &QThread::finished, context, &QObject::deleteLater);
    connect(slot->thread.get(), &QThread::started, context, [=] {
        sim::CallConfig config;
        config.url = publicUrl + QStringLiteral("/voice");
        config.authToken = token ? token() : QByteArray();
        config.realtime = request.realtime;
        config.maxDurationMs = request.maxDurationMs;
        // As if the number's status callback pointed here: the call's progress reaches the list.
        config.statusCallback = publicUrl + QStringLiteral("/status");
        config.statusEvents = {QStringLiteral("initiated"),
                               QStringLiteral("ringing"),
                               QStringLiteral("answered"),
                               QStringLiteral("completed")};
        QString error;
        config.caller.audio = sim::synthesizeSpeech(request.words, QStringLiteral("en-US"), &error);
        if (config.caller.audio.isEmpty())
            config.caller.audio = QByteArray(8000 * 3, char(0xFF)); // three seconds of mu-law silence
        config.caller.speech = request.words;
        auto* driver = new sim::CallDriver(config, context);
        config.authToken.fill('\0');
        QMetaObject::invokeMethod(self, [self, id, driver] {
            if (!self)
                return;
            for (const auto& call : self->m_calls) {
                if (call->id == id)
                    call->driver = driver;
            }
        });
        connect(driver, &sim::CallDriver::entryAdded, driver, [self, id](const sim::TimelineEntry& entry) {
            QMetaObject::invokeMethod(self, [self, id, summary = entry.summary] {
                if (self)
                    emit self->progress(id, summary);
            });
        });
        connect(driver, &sim::CallDriver::finished, driver, [self, id](const sim::CallReport& report) {
            QStringList codes;
            for (int code : report.issueCodes())
                codes << QString::number(code);
            const QString summary =
                report.ok() ? QStringLiteral("completed")
                            : QStringLiteral("failed (Twilio errors %1)").arg(codes.join(QStringLiteral(", ")));
            QMetaObject::invokeMethod(self, [self, id, ok = report.ok(), summary] {
                if (!self)
                    return;
                emit self->finished(id, ok, summary);
                self->reap(id);
            });
        });
        driver->start();
    });
    slot->thread->start();
    emit progress(id, QStringLiteral("demo call %1 started").arg(id));
    return id;
}

void DemoCalls::reap(int call)
{
    for (auto it = m_calls.begin(); it != m_calls.end(); ++it) {
        if ((*it)->id != call)
            continue;
        (*it)->thread->quit();
        (*it)->thread->wait();
        m_calls.erase(it);
        return;
    }
}

void DemoCalls::stopAll()
{
    for (const auto& call : m_calls) {
        if (QPointer<sim::CallDriver> driver = call->driver)
            QMetaObject::invokeMethod(driver, &sim::CallDriver::hangUp, Qt::QueuedConnection);
        call->thread->quit();
        call->thread->wait();
    }
    m_calls.clear();
}

} // namespace sb::bootstrap
