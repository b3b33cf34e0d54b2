// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/calls/CallWallModel.h"

#include "ui/calls/CallStateStyle.h"

#include <QTimer>

namespace sb::ui {

namespace {
constexpr int kMaxWaitingCalls = 200;
constexpr int kMaxWaitingEvents = 500;

QString transcriptText(const storage::CallEvent& event)
{
    const QString text = event.detail.value(QLatin1String("transcript")).toString();
    return text.isEmpty() ? event.detail.value(QLatin1String("text")).toString() : text;
}

bool isTranscription(const QString& kind)
{
    return kind.startsWith(QLatin1String("transcription.")) || kind.startsWith(QLatin1String("transcript."));
}
} // namespace

CallWallModel::CallWallModel(QObject* parent)
    : QAbstractTableModel(parent)
    , m_timer(new QTimer(this))
{
    qRegisterMetaType<Counts>();
    m_timer->setInterval(1000);
    connect(m_timer, &QTimer::timeout, this, &CallWallModel::tick);
}

CallWallModel::~CallWallModel() = default;

int CallWallModel::rowOf(const QString& callSid) const
{
    return m_index.value(callSid, -1);
}

const storage::CallRecord* CallWallModel::callAt(int row) const
{
    return row >= 0 && row < m_rows.size() ? &m_rows.at(row).call : nullptr;
}

bool CallWallModel::upsert(const storage::CallRecord& call)
{
    int row = rowOf(call.callSid);
    const bool inserted = row < 0;
    if (inserted) {
        row = int(m_rows.size());
        beginInsertRows({}, row, row);
        m_rows.append(Row{call, {}, StreamHealth::None, 0, {}, {}, {}, {}});
        m_index.insert(call.callSid, row);
        endInsertRows();
    } else {
        m_rows[row].call = call;
    }
    const QList<storage::CallEvent> waiting = m_waiting.take(call.callSid);
    for (const storage::CallEvent& event : waiting)
        m_rows[row].events.insert(event.id, event);
    if (!waiting.isEmpty())
        derive(m_rows[row]);
    if (!inserted || !waiting.isEmpty())
        rowChanged(row);
    updateCounts();
    return inserted;
}

void CallWallModel::mergeHistory(const QList<storage::CallRecord>& newestFirst)
{
    for (const storage::CallRecord& call : newestFirst) {
        if (rowOf(call.callSid) < 0)
            upsert(call);
    }
}

bool CallWallModel::isRelevant(const storage::CallEvent& event)
{
    // What derive() reads; marks, DTMF and the like would only be kept for nothing.
    static const QSet<QString> streamKinds{QStringLiteral("stream.start"),
                                           QStringLiteral("stream.stop"),
                                           QStringLiteral("stream.closed"),
                                           QStringLiteral("stream.discontinuity"),
                                           QStringLiteral("stream.recovered"),
                                           QStringLiteral("stream.rejected"),
                                           QStringLiteral("stream.capture-stopped"),
                                           QStringLiteral("stream-status.stream-started"),
                                           QStringLiteral("stream-status.stream-stopped"),
                                           QStringLiteral("stream-status.stream-error")};
    return streamKinds.contains(event.kind) || isTranscription(event.kind);
}

void CallWallModel::applyEvent(const storage::CallEvent& event)
{
    if (!isRelevant(event))
        return;
    const int row = rowOf(event.callSid);
    if (row < 0) {
        auto it = m_waiting.find(event.callSid);
        if (it == m_waiting.end() && m_waiting.size() < kMaxWaitingCalls)
            it = m_waiting.insert(event.callSid, {});
        if (it != m_waiting.end() && it->size() < kMaxWaitingEvents)
            it->append(event);
        return;
    }
    Row& r = m_rows[row];
    if (r.events.contains(event.id))
        return;
    r.events.insert(event.id, event);
    derive(r);
    rowChanged(row, Stream, LastLine);
}

void CallWallModel::applyDetail(const storage::CallDetail& detail)
{
    const int row = rowOf(detail.call.callSid);
    if (row < 0)
        return;
    Row& r = m_rows[row];
    for (const storage::CallEvent& event : detail.events) {
        if (isRelevant(event))
            r.events.insert(event.id, event);
    }
    derive(r);
    rowChanged(row, Stream, LastLine);
}

void CallWallModel::derive(Row& row)
{
    row.stream = StreamHealth::None;
    row.gaps = 0;
    row.lastLine.clear();
    row.lastLineTrack.clear();
    row.transcript.clear();
    for (const storage::CallEvent& e : std::as_const(row.events)) {
        const QString& k = e.kind;
        if (k == QLatin1String("stream.start")) {
            row.stream = StreamHealth::Live;
        } else if (k == QLatin1String("stream-status.stream-started")) {
            if (row.stream == StreamHealth::None)
                row.stream = StreamHealth::Live;
        } else if (k == QLatin1String("stream.discontinuity")) {
            ++row.gaps;
            if (row.stream == StreamHealth::Live)
                row.stream = StreamHealth::Gaps;
        } else if (k == QLatin1String("stream.stop") || k == QLatin1String("stream-status.stream-stopped")) {
            if (row.stream == StreamHealth::Live || row.stream == StreamHealth::Gaps)
                row.stream = StreamHealth::Stopped;
        } else if (k == QLatin1String("stream.closed")) {
            const QString reason = e.detail.value(QLatin1String("reason")).toString();
            const bool normal = reason == QLatin1String("stop") || reason == QLatin1String("shutdown");
            if (row.stream == StreamHealth::Live || row.stream == StreamHealth::Gaps)
                row.stream = normal ? StreamHealth::Stopped : StreamHealth::Failed;
        } else if (k == QLatin1String("stream.recovered")) {
            row.stream = StreamHealth::Interrupted;
        } else if (k == QLatin1String("stream.rejected") || k == QLatin1String("stream.capture-stopped") ||
                   k == QLatin1String("stream-status.stream-error")) {
            row.stream = StreamHealth::Failed;
        } else if (isTranscription(k)) {
            const QString text = transcriptText(e).trimmed();
            if (text.isEmpty())
                continue;
            row.lastLine = text;
            row.lastLineTrack = e.detail.value(QLatin1String("track")).toString();
            if (e.detail.value(QLatin1String("final")).toBool(true))
                row.transcript += text.toLower() + QLatin1Char('\n');
        }
    }
}

void CallWallModel::setTalking(const QString& callSid, const QString& who)
{
    const int row = rowOf(callSid);
    if (row < 0 || m_rows.at(row).talking == who)
        return;
    m_rows[row].talking = who;
    rowChanged(row, Talking, Talking);
}

void CallWallModel::setContacts(const storage::Contacts& contacts)
{
    m_contacts = contacts;
    if (!m_rows.isEmpty())
        emit dataChanged(index(0, Caller), index(int(m_rows.size()) - 1, Called));
}

QString CallWallModel::displayNumber(const QString& number) const
{
    const QString label = m_contacts.lookup(number);
    return label.isEmpty() ? number : QStringLiteral("%1 (%2)").arg(label, number);
}

void CallWallModel::rowChanged(int row, int firstColumn, int lastColumn)
{
    emit dataChanged(index(row, firstColumn), index(row, lastColumn));
}

void CallWallModel::updateCounts()
{
    Counts counts;
    for (const Row& row : std::as_const(m_rows)) {
        switch (categoryOf(row.call)) {
        case Category::Live:
            ++counts.live;
            break;
        case Category::Ringing:
            ++counts.ringing;
            break;
        case Category::Ended:
            ++counts.ended;
            break;
        }
    }
    const bool active = counts.live + counts.ringing > 0;
    if (active && !m_timer->isActive())
        m_timer->start();
    else if (!active)
        m_timer->stop();
    if (counts == m_counts)
        return;
    m_counts = counts;
    emit countsChanged(m_counts);
}

bool CallWallModel::isTicking() const
{
    return m_timer->isActive();
}

void CallWallModel::tick()
{
    for (int row = 0; row < m_rows.size(); ++row) {
        if (categoryOf(m_rows.at(row).call) != Category::Ended)
            rowChanged(row, Duration, Duration);
    }
}

qint64 CallWallModel::durationSeconds(const storage::CallRecord& call) const
{
    // An ended call Twilio gave a CallDuration for shows that (what the call detail and Twilio's
    // own logs say); a live one ticks from its answer.
    if (categoryOf(call) == Category::Ended && call.durationSeconds >= 0)
        return call.durationSeconds;
    const QDateTime start = call.answeredAt.isValid() ? call.answeredAt : call.createdAt;
    QDateTime end = call.endedAt;
    if (!end.isValid() && categoryOf(call) != Category::Ended)
        end = QDateTime::currentDateTimeUtc();
    if (!start.isValid() || !end.isValid())
        return call.durationSeconds;
    return std::max<qint64>(0, start.secsTo(end));
}

int CallWallModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int CallWallModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant CallWallModel::display(const Row& row, int column) const
{
    const storage::CallRecord& c = row.call;
    switch (column) {
    case Caller:
        return displayNumber(c.from);
    case Called:
        return displayNumber(c.to);
    case Flow:
        return c.flow;
    case State:
        return stateText(stateKindOf(c), c.status);
    case Duration:
        return formatDuration(durationSeconds(c));
    case Stream:
        return streamText(row.stream, row.gaps);
    case Talking:
        return row.talking;
    case LastLine:
        return row.lastLine;
    case Sid:
        return c.callSid;
    default:
        return {};
    }
}

QVariant CallWallModel::sortKey(const Row& row, int column) const
{
    switch (column) {
    case State:
        return data(index(rowOf(row.call.callSid), 0), ActiveOrderRole);
    case Duration:
        return durationSeconds(row.call);
    case Stream:
        return qint64(row.stream);
    default:
        return display(row, column).toString().toLower();
    }
}

QVariant CallWallModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || index.row() >= m_rows.size() || index.column() >= ColumnCount)
        return {};
    const Row& row = m_rows.at(index.row());
    const storage::CallRecord& c = row.call;
    switch (role) {
    case Qt::DisplayRole:
        return display(row, index.column());
    case CallSidRole:
        return c.callSid;
    case CategoryRole:
        return int(categoryOf(c));
    case StateKindRole:
        return int(stateKindOf(c));
    case SortRole:
        return sortKey(row, index.column());
    case ActiveOrderRole: {
        // Ascending: ringing and live calls first, then the newest first.
        const qint64 group = categoryOf(c) == Category::Ended ? 1 : 0;
        const qint64 created = c.createdAt.isValid() ? c.createdAt.toMSecsSinceEpoch() : 0;
        return group * (qint64(1) << 46) + ((qint64(1) << 45) - created);
    }
    case SearchTextRole: {
        QStringList parts{c.from,
                          c.to,
                          storage::Contacts::normalize(c.from),
                          storage::Contacts::normalize(c.to),
                          m_contacts.lookup(c.from),
                          m_contacts.lookup(c.to),
                          c.flow,
                          c.callSid,
                          row.lastLine};
        return QString(parts.join(QLatin1Char('\n')).toLower() + QLatin1Char('\n') + row.transcript);
    }
    case Qt::DecorationRole:
        return index.column() == State ? stateIcon(stateKindOf(c)) : QVariant();
    case Qt::ForegroundRole:
        if (index.column() == State)
            return stateColor(stateKindOf(c));
        if (index.column() == Stream)
            return streamColor(row.stream);
        return {};
    case Qt::ToolTipRole:
        if (index.column() == State)
            return tr("Twilio status: %1").arg(c.status.isEmpty() ? tr("unknown") : c.status);
        if (index.column() == LastLine && !row.lastLine.isEmpty())
            return row.lastLineTrack.isEmpty() ? row.lastLine : tr("%1: %2").arg(row.lastLineTrack, row.lastLine);
        if (index.column() == Sid || index.column() == Caller || index.column() == Called)
            return display(row, index.column());
        return {};
    case Qt::TextAlignmentRole:
        return index.column() == Duration ? QVariant(Qt::AlignRight | Qt::AlignVCenter) : QVariant();
    default:
        return {};
    }
}

QVariant CallWallModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Caller:
        return tr("Caller");
    case Called:
        return tr("Called");
    case Flow:
        return tr("Flow");
    case State:
        return tr("State");
    case Duration:
        return tr("Duration");
    case Stream:
        return tr("Stream");
    case Talking:
        return tr("Talking");
    case LastLine:
        return tr("Last line");
    case Sid:
        return tr("SID");
    default:
        return {};
    }
}

} // namespace sb::ui
