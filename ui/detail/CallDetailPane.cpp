// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/detail/CallDetailPane.h"

#include "bootstrap/Core.h"
#include "storage/HistoryQueries.h"
#include "storage/HistoryReader.h"
#include "ui/detail/CallOverview.h"
#include "ui/detail/TimelineModel.h"
#include "ui/detail/TimelinePage.h"
#include "ui/detail/TimelineText.h"
#include "ui/detail/TranscriptView.h"

#include <QLabel>
#include <QSet>
#include <QStackedWidget>
#include <QTabWidget>
#include <QTimer>
#include <QVBoxLayout>

namespace sb::ui {

namespace {

constexpr int kStreamingRefreshMs = 2000;

QLabel* placeholderPage(const QString& text, QWidget* parent)
{
    auto* label = new QLabel(text, parent);
    label->setAlignment(Qt::AlignCenter);
    label->setWordWrap(true);
    label->setMargin(24);
    label->setEnabled(false);
    return label;
}

bool isLive(const storage::CallRecord& call)
{
    return !call.endedAt.isValid() && call.state != QLatin1String("completed") && call.state != QLatin1String("failed");
}

} // namespace

CallDetailPane::CallDetailPane(bootstrap::Core* core, QWidget* parent)
    : QWidget(parent)
    , m_core(core)
    , m_stack(new QStackedWidget(this))
    , m_timeline(new TimelineModel(this))
    , m_refreshTimer(new QTimer(this))
    , m_summaryTimer(new QTimer(this))
    , m_clock(new QTimer(this))
{
    setObjectName(QStringLiteral("callDetailPane"));
    m_placeholder = placeholderPage(tr("No call selected"), m_stack);
    m_placeholder->setObjectName(QStringLiteral("callDetailPlaceholder"));
    m_stack->addWidget(m_placeholder);

    auto* content = new QWidget(m_stack);
    auto* layout = new QVBoxLayout(content);
    layout->setContentsMargins(0, 0, 0, 0);
    m_header = new QLabel(content);
    m_header->setObjectName(QStringLiteral("callHeader"));
    m_header->setTextFormat(Qt::RichText);
    m_header->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_header->setMargin(6);
    layout->addWidget(m_header);
    m_tabs = new QTabWidget(content);
    m_tabs->setObjectName(QStringLiteral("callDetailTabs"));
    layout->addWidget(m_tabs, 1);
    m_stack->addWidget(content);

    m_overview = new CallOverview(m_tabs);
    m_tabs->addTab(m_overview, tr("Overview"));
    m_timelinePage = new TimelinePage(m_timeline, m_tabs);
    m_tabs->addTab(m_timelinePage, tr("Timeline"));
    m_transcript = new TranscriptView(m_tabs);
    m_tabs->addTab(m_transcript, tr("Transcript"));
    addPane(tr("Audio"),
            placeholderPage(tr("The call's audio will appear here: each stream track (caller and app) as a "
                               "waveform with playback from the live capture, with gaps and late frames marked."),
                            m_tabs));
    addPane(tr("Recording"),
            placeholderPage(tr("Twilio's recordings of this call will appear here: status, duration and channels, "
                               "with download and playback once they are fetched."),
                            m_tabs));

    auto* outer = new QVBoxLayout(this);
    outer->setContentsMargins(0, 0, 0, 0);
    outer->addWidget(m_stack);

    m_refreshTimer->setSingleShot(true);
    m_refreshTimer->setInterval(300);
    connect(m_refreshTimer, &QTimer::timeout, this, &CallDetailPane::requestDetail);
    m_summaryTimer->setSingleShot(true);
    m_summaryTimer->setInterval(0);
    connect(m_summaryTimer, &QTimer::timeout, this, &CallDetailPane::updateSummary);
    m_clock->setInterval(1000);
    connect(m_clock, &QTimer::timeout, this, [this] {
        updateHeader();
        if (m_detail.call.state == QLatin1String("streaming"))
            scheduleRefresh();
    });

    if (m_core) {
        m_timelinePage->setHistory(m_core->history());
        connect(m_core, &bootstrap::Core::eventStored, this, &CallDetailPane::onEvent);
        connect(m_core, &bootstrap::Core::callStored, this, &CallDetailPane::onCall);
        connect(m_core, &bootstrap::Core::webhookStored, this, &CallDetailPane::onWebhook);
    }
    showCall(QString());
}

CallDetailPane::~CallDetailPane() = default;

void CallDetailPane::showCall(const QString& callSid)
{
    ++m_generation;
    m_sid = callSid;
    m_detail = storage::CallDetail{};
    m_detail.call.callSid = callSid;
    m_haveLiveCall = m_detailLoaded = m_webhooksLoaded = m_refreshPending = false;
    m_loadError.clear();
    m_liveTranscripts.clear();
    m_refreshTimer->stop();
    m_clock->stop();
    m_timeline->clear();
    m_timelinePage->clearDetails();
    m_overview->clear();
    m_transcript->clear();
    if (callSid.isEmpty()) {
        m_stack->setCurrentWidget(m_placeholder);
        return;
    }
    m_stack->setCurrentIndex(1);
    updateHeader();
    if (!m_core || !m_core->history())
        return;
    requestDetail();
    requestWebhooks();
}

void CallDetailPane::requestDetail()
{
    if (!m_core || !m_core->history() || m_sid.isEmpty() || m_refreshPending)
        return;
    m_refreshPending = true;
    const quint64 generation = m_generation;
    m_core->history()->callDetail(m_sid, this, [this, generation](const Result<storage::CallDetail>& detail) {
        if (generation != m_generation)
            return; // another call is shown now
        m_refreshPending = false;
        if (detail.ok()) {
            m_loadError.clear();
            applyDetail(detail.value());
        } else if (!m_detailLoaded) {
            // Not stored yet (its first event may be on its way): live signals fill it in.
            m_loadError = detail.error().message;
        }
        const bool first = !m_detailLoaded;
        m_detailLoaded = true;
        if (first)
            markLoaded();
        scheduleSummary();
    });
}

void CallDetailPane::requestWebhooks()
{
    const quint64 generation = m_generation;
    storage::WebhookFilter filter;
    filter.callSid = m_sid;
    filter.limit = 0;
    m_core->history()->webhookLog(
        filter, this, [this, generation](const Result<QList<storage::WebhookLogEntry>>& entries) {
            if (generation != m_generation)
                return;
            if (entries.ok()) {
                // Newest first: add oldest first so each one lands at the end.
                for (auto it = entries->crbegin(); it != entries->crend(); ++it)
                    m_timeline->addWebhook(*it);
            }
            m_webhooksLoaded = true;
            markLoaded();
        });
}

void CallDetailPane::markLoaded()
{
    if (isLoaded())
        emit loaded(m_sid);
}

void CallDetailPane::applyDetail(const storage::CallDetail& detail)
{
    const storage::CallRecord live = m_detail.call;
    m_detail = detail;
    if (m_haveLiveCall)
        m_detail.call = live;
    QList<storage::StreamRecord> streams;
    for (const storage::StreamDetail& s : detail.streams)
        streams << s.stream;
    m_timeline->setStreams(streams);
    m_timeline->setOrigin(m_detail.call.createdAt);
    m_timeline->setFlow(m_detail.call.flow);
    QSet<qint64> snapshot;
    for (const storage::CallEvent& e : detail.events) {
        snapshot.insert(e.id);
        m_timeline->addEvent(e);
    }
    // The stored transcript, then the live words the snapshot did not see yet.
    QList<storage::TranscriptSegment> segments = detail.transcripts;
    for (const storage::CallEvent& e : std::as_const(m_liveTranscripts)) {
        if (snapshot.contains(e.id))
            continue;
        if (const auto segment = TranscriptView::segmentFrom(e))
            segments << *segment;
    }
    m_transcript->setSegments(segments);
}

void CallDetailPane::onEvent(const storage::CallEvent& event)
{
    if (event.callSid != m_sid || m_sid.isEmpty())
        return;
    if (!m_timeline->addEvent(event))
        return; // already in from a history answer
    if (const auto segment = TranscriptView::segmentFrom(event)) {
        m_liveTranscripts << event;
        if (m_detailLoaded)
            m_transcript->addSegment(*segment);
    }
    const QString& k = event.kind;
    if (k.startsWith(QLatin1String("stream.")) || k.startsWith(QLatin1String("recording.")))
        scheduleRefresh();
    scheduleSummary();
}

void CallDetailPane::onCall(const storage::CallRecord& call)
{
    if (call.callSid != m_sid || m_sid.isEmpty())
        return;
    m_detail.call = call;
    m_haveLiveCall = true;
    m_timeline->setOrigin(call.createdAt);
    m_timeline->setFlow(call.flow);
    scheduleSummary();
}

void CallDetailPane::onWebhook(const storage::WebhookLogEntry& entry)
{
    if (m_sid.isEmpty() || entry.callSid != m_sid)
        return;
    if (m_timeline->addWebhook(entry))
        scheduleSummary();
}

void CallDetailPane::scheduleRefresh()
{
    if (!m_refreshTimer->isActive())
        m_refreshTimer->start();
}

void CallDetailPane::scheduleSummary()
{
    if (!m_summaryTimer->isActive())
        m_summaryTimer->start();
}

void CallDetailPane::updateSummary()
{
    if (m_sid.isEmpty())
        return;
    updateHeader();
    m_overview->show(m_detail, *m_timeline);
    if (isLive(m_detail.call) && m_detail.call.createdAt.isValid())
        m_clock->start();
    else
        m_clock->stop();
}

void CallDetailPane::updateHeader()
{
    const storage::CallRecord& c = m_detail.call;
    if (c.from.isEmpty() && c.to.isEmpty() && c.state.isEmpty()) {
        m_header->setText(m_loadError.isEmpty()
                              ? tr("<b>%1</b> — loading…").arg(m_sid.toHtmlEscaped())
                              : tr("<b>%1</b> — %2").arg(m_sid.toHtmlEscaped(), m_loadError.toHtmlEscaped()));
        return;
    }
    qint64 seconds = c.durationSeconds;
    if (seconds < 0 && c.answeredAt.isValid())
        seconds = c.answeredAt.secsTo(c.endedAt.isValid() ? c.endedAt : QDateTime::currentDateTimeUtc());
    QStringList parts;
    parts << QStringLiteral("<b>%1</b> → <b>%2</b>").arg(c.from.toHtmlEscaped(), c.to.toHtmlEscaped());
    parts << QStringLiteral("<span style=\"color:%1; font-weight:bold\">%2</span>")
                 .arg(timeline::stateColor(c.state).name(), c.state.toHtmlEscaped());
    if (!c.flow.isEmpty())
        parts << tr("flow %1").arg(c.flow.toHtmlEscaped());
    if (seconds >= 0)
        parts << timeline::durationText(seconds);
    m_header->setText(parts.join(QStringLiteral(" &nbsp;·&nbsp; ")));
    m_header->setToolTip(c.callSid);
}

int CallDetailPane::addPane(const QString& title, QWidget* pane)
{
    return m_tabs->addTab(pane, title);
}

int CallDetailPane::replacePane(const QString& title, QWidget* pane)
{
    for (int i = 0; i < m_tabs->count(); ++i) {
        if (m_tabs->tabText(i) != title)
            continue;
        QWidget* old = m_tabs->widget(i);
        const bool current = m_tabs->currentIndex() == i;
        m_tabs->removeTab(i);
        m_tabs->insertTab(i, pane, title);
        if (current)
            m_tabs->setCurrentIndex(i);
        delete old;
        return i;
    }
    return addPane(title, pane);
}

QWidget* CallDetailPane::pane(const QString& title) const
{
    for (int i = 0; i < m_tabs->count(); ++i) {
        if (m_tabs->tabText(i) == title)
            return m_tabs->widget(i);
    }
    return nullptr;
}

} // namespace sb::ui
