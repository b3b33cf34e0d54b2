// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/calls/CallWall.h"

#include "bootstrap/Core.h"
#include "storage/Contacts.h"
#include "storage/HistoryQueries.h"
#include "storage/HistoryReader.h"
#include "ui/calls/CallWallFilter.h"
#include "ui/calls/CallWallModel.h"
#include "ui/console/Palette.h"

#include <QAction>
#include <QComboBox>
#include <QDir>
#include <QEvent>
#include <QFileInfo>
#include <QFileSystemWatcher>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QStyle>
#include <QStyledItemDelegate>
#include <QTimer>
#include <QTreeView>
#include <QVBoxLayout>

namespace sb::ui {

namespace {
constexpr int kHistoryCalls = 500;
constexpr int kHistoryDetails = 100;

/// Elides in the middle, so both ends of a SID stay readable.
class MiddleElideDelegate : public QStyledItemDelegate
{
public:
    using QStyledItemDelegate::QStyledItemDelegate;

protected:
    void initStyleOption(QStyleOptionViewItem* option, const QModelIndex& index) const override
    {
        QStyledItemDelegate::initStyleOption(option, index);
        option->textElideMode = Qt::ElideMiddle;
    }
};
} // namespace

CallWall::CallWall(bootstrap::Core* core, QWidget* parent)
    : QWidget(parent)
    , m_core(core)
    , m_since(QDateTime::currentDateTimeUtc())
    , m_model(new CallWallModel(this))
    , m_filter(new CallWallFilter(this))
{
    setObjectName(QStringLiteral("callWall"));
    m_filter->setSourceModel(m_model);

    m_counts = new QLabel(this);
    m_counts->setObjectName(QStringLiteral("callCounts"));
    m_contactsStatus = new QLabel(this);
    m_contactsStatus->setObjectName(QStringLiteral("contactsStatus"));
    m_contactsStatus->setStyleSheet(QStringLiteral("color: %1").arg(readable(QColor(0xb0, 0x20, 0x20)).name()));
    m_contactsStatus->hide();
    m_search = new QLineEdit(this);
    m_search->setObjectName(QStringLiteral("callSearch"));
    m_search->setClearButtonEnabled(true);
    m_search->setPlaceholderText(tr("Search calls (number, name, flow, SID, transcript)"));
    m_search->setMinimumWidth(fontMetrics().averageCharWidth() * 30);
    m_stateFilter = new QComboBox(this);
    m_stateFilter->setObjectName(QStringLiteral("callFilter"));
    m_stateFilter->setAccessibleName(tr("Call state filter"));
    m_stateFilter->addItem(tr("All"), int(CallWallFilter::StateFilter::All));
    m_stateFilter->addItem(tr("Live"), int(CallWallFilter::StateFilter::Live));
    m_stateFilter->addItem(tr("Ringing"), int(CallWallFilter::StateFilter::Ringing));
    m_stateFilter->addItem(tr("Ended"), int(CallWallFilter::StateFilter::Ended));

    m_view = new QTreeView(this);
    m_view->setObjectName(QStringLiteral("callList"));
    m_view->setAccessibleName(tr("Calls"));
    m_view->setModel(m_filter);
    m_view->setRootIsDecorated(false);
    m_view->setUniformRowHeights(true);
    m_view->setAllColumnsShowFocus(true);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setItemDelegateForColumn(CallWallModel::Sid, new MiddleElideDelegate(m_view));
    m_view->header()->setStretchLastSection(false);
    m_view->header()->setSectionResizeMode(QHeaderView::Interactive);
    connect(m_view->header(), &QHeaderView::sectionResized, this, [this] {
        if (!m_layingOut)
            m_handSized = true;
    });
    m_view->header()->setContextMenuPolicy(Qt::ActionsContextMenu);
    auto* fit = new QAction(tr("Fit columns to the window"), m_view->header());
    fit->setObjectName(QStringLiteral("fitCallColumns"));
    connect(fit, &QAction::triggered, this, &CallWall::fitColumns);
    m_view->header()->addAction(fit);
    m_view->setSortingEnabled(true);
    m_view->sortByColumn(CallWallModel::State, Qt::AscendingOrder);
    m_view->viewport()->installEventFilter(this);

    auto* top = new QHBoxLayout;
    top->addWidget(m_counts);
    top->addWidget(m_contactsStatus, 1);
    top->addWidget(m_search);
    top->addWidget(m_stateFilter);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(top);
    layout->addWidget(m_view, 1);

    connect(m_search, &QLineEdit::textChanged, m_filter, &CallWallFilter::setSearchText);
    connect(m_stateFilter, &QComboBox::currentIndexChanged, this, [this] {
        m_filter->setStateFilter(CallWallFilter::StateFilter(m_stateFilter->currentData().toInt()));
    });
    connect(m_model, &CallWallModel::countsChanged, this, &CallWall::updateHeader);
    connect(m_view->selectionModel(), &QItemSelectionModel::currentRowChanged, this, &CallWall::updateCurrent);
    // Filtering and sorting move rows under the current index; the SID is what counts.
    connect(m_filter, &QAbstractItemModel::rowsRemoved, this, &CallWall::updateCurrent);
    connect(m_filter, &QAbstractItemModel::modelReset, this, &CallWall::updateCurrent);

    m_watcher = new QFileSystemWatcher(this);
    m_contactsDebounce = new QTimer(this);
    m_contactsDebounce->setSingleShot(true);
    m_contactsDebounce->setInterval(150);
    connect(m_contactsDebounce, &QTimer::timeout, this, &CallWall::reloadContacts);
    connect(m_watcher, &QFileSystemWatcher::fileChanged, m_contactsDebounce, qOverload<>(&QTimer::start));
    connect(m_watcher, &QFileSystemWatcher::directoryChanged, m_contactsDebounce, qOverload<>(&QTimer::start));

    updateHeader();
    if (m_core) {
        connect(m_core, &bootstrap::Core::callStored, this, &CallWall::onCallStored);
        connect(m_core, &bootstrap::Core::eventStored, m_model, &CallWallModel::applyEvent);
        setContactsPath(QFileInfo(m_core->databasePath()).absoluteDir().filePath(storage::Contacts::fileName()));
        loadHistory();
    }
}

CallWall::~CallWall() = default;

void CallWall::loadHistory()
{
    if (!m_core->history())
        return;
    // Calls stored while the query runs arrive through callStored as well; mergeHistory keeps
    // the live copy, so none is lost or doubled.
    m_core->history()->recentCalls(kHistoryCalls, this, [this](const Result<QList<storage::CallSummary>>& calls) {
        if (!calls.ok()) {
            m_counts->setToolTip(tr("Could not read the call history: %1").arg(calls.error().message));
            return;
        }
        QList<storage::CallRecord> records;
        for (const storage::CallSummary& summary : calls.value())
            records.append(summary.call);
        m_model->mergeHistory(records);
        int details = 0;
        for (const storage::CallSummary& summary : calls.value()) {
            if (details >= kHistoryDetails)
                break;
            if (summary.streamCount > 0 || summary.transcriptSegmentCount > 0) {
                loadDetail(summary.call.callSid);
                ++details;
            }
        }
    });
}

void CallWall::loadDetail(const QString& callSid)
{
    m_core->history()->callDetail(callSid, this, [this](const Result<storage::CallDetail>& detail) {
        if (detail.ok())
            m_model->applyDetail(detail.value());
    });
}

void CallWall::onCallStored(const storage::CallRecord& call)
{
    if (!m_model->upsert(call))
        return;
    if (!call.createdAt.isValid() || call.createdAt >= m_since)
        emit callArrived(call);
    else if (m_core->history())
        loadDetail(call.callSid); // older than the wall: what happened before comes from storage
}

QString CallWall::countsText() const
{
    const CallWallModel::Counts c = m_model->counts();
    return tr("%1 live, %2 ringing, %3 ended").arg(c.live).arg(c.ringing).arg(c.ended);
}

void CallWall::updateHeader()
{
    m_counts->setText(countsText());
}

void CallWall::setContactsPath(const QString& path)
{
    if (!m_watcher->files().isEmpty())
        m_watcher->removePaths(m_watcher->files());
    if (!m_watcher->directories().isEmpty())
        m_watcher->removePaths(m_watcher->directories());
    m_contactsPath = path;
    reloadContacts();
}

void CallWall::watchContacts()
{
    if (m_contactsPath.isEmpty())
        return;
    // Editors replace the file (a new inode drops the watch) and it may not exist yet: watch the
    // folder for that, and the file itself while it exists.
    const QFileInfo info(m_contactsPath);
    const QString dir = info.absolutePath();
    if (!m_watcher->directories().contains(dir) && QFileInfo::exists(dir))
        m_watcher->addPath(dir);
    if (!m_watcher->files().contains(m_contactsPath) && info.exists())
        m_watcher->addPath(m_contactsPath);
}

void CallWall::reloadContacts()
{
    if (m_contactsPath.isEmpty())
        return;
    watchContacts();
    const auto contacts = storage::Contacts::load(m_contactsPath);
    if (!contacts.ok()) {
        m_contactsError = contacts.error().message;
        m_contactsStatus->setText(tr("Contacts not updated: %1").arg(m_contactsError));
        m_contactsStatus->setToolTip(m_contactsError);
        m_contactsStatus->show();
        return;
    }
    m_contactsError.clear();
    m_contactsStatus->hide();
    m_model->setContacts(contacts.value());
}

bool CallWall::selectCall(const QString& callSid)
{
    const int row = m_model->rowOf(callSid);
    if (row < 0)
        return false;
    QModelIndex index = m_filter->mapFromSource(m_model->index(row, 0));
    if (!index.isValid()) {
        m_search->clear();
        m_stateFilter->setCurrentIndex(0);
        index = m_filter->mapFromSource(m_model->index(row, 0));
        if (!index.isValid())
            return false;
    }
    m_view->setCurrentIndex(index);
    m_view->scrollTo(index);
    updateCurrent();
    return true;
}

void CallWall::updateCurrent()
{
    const QModelIndex current = m_view->currentIndex();
    const QString sid = current.isValid() ? current.data(CallWallModel::CallSidRole).toString() : QString();
    if (sid == m_current)
        return;
    m_current = sid;
    emit currentCallChanged(sid);
}

bool CallWall::eventFilter(QObject* watched, QEvent* event)
{
    if (watched == m_view->viewport() && event->type() == QEvent::Resize)
        layoutColumns();
    return QWidget::eventFilter(watched, event);
}

void CallWall::fitColumns()
{
    m_handSized = false;
    layoutColumns();
}

void CallWall::layoutColumns()
{
    if (m_layingOut || m_handSized)
        return;
    m_layingOut = true;
    const QFontMetrics fm = m_view->fontMetrics();
    const int cw = fm.averageCharWidth();
    const int pad = 2 * m_view->style()->pixelMetric(QStyle::PM_FocusFrameHMargin) + 12;
    const int icon = m_view->iconSize().isValid() ? m_view->iconSize().width() + 6 : 22;
    const int sidText = fm.horizontalAdvance(QStringLiteral("CA0123456789abcdef0123456789abcdef")) + pad;
    const int avail = std::max(0, m_view->viewport()->width());

    using M = CallWallModel;
    // {preferred, minimum} per column; Last line takes what is left.
    QList<int> pref(M::ColumnCount), min(M::ColumnCount);
    auto set = [&](int column, int p, int m) {
        pref[column] = p;
        min[column] = m;
    };
    const int number = fm.horizontalAdvance(QStringLiteral("+441234567890")) + pad; // a whole E.164 number
    set(M::Caller, cw * 24 + pad, number);
    set(M::Called, cw * 16 + pad, cw * 9 + pad);
    set(M::Flow, cw * 12 + pad, cw * 6 + pad);
    set(M::State, cw * 15 + icon + pad, cw * 9 + icon + pad); // "streaming", "completed" whole
    set(M::Duration, cw * 8 + pad, cw * 5 + pad);
    set(M::Stream, cw * 12 + pad, cw * 5 + pad);
    set(M::Talking, cw * 7 + pad, cw * 4 + pad);
    set(M::LastLine, cw * 30 + pad, cw * 8 + pad);
    set(M::Sid, std::max(cw * 8 + pad, std::min(sidText, avail / 5)), cw * 8 + pad);

    QList<int> width = pref;
    int total = 0;
    for (int w : width)
        total += w;
    if (total <= avail) {
        width[M::LastLine] += avail - total;
    } else {
        int deficit = total - avail;
        auto shrink = [&](int column, int by) {
            const int cut = std::min(by, width[column] - min[column]);
            width[column] -= cut;
            deficit -= cut;
        };
        shrink(M::Sid, deficit);
        shrink(M::LastLine, deficit);
        int room = 0;
        for (int c = 0; c < M::ColumnCount; ++c)
            room += c == M::Caller ? 0 : width[c] - min[c];
        if (room > 0 && deficit > 0) {
            const int need = std::min(deficit, room);
            for (int c = 0; c < M::ColumnCount; ++c) {
                if (c != M::Caller)
                    width[c] -= int(qint64(width[c] - min[c]) * need / room);
            }
            deficit -= need;
        }
        shrink(M::Caller, deficit); // the caller gives way last
    }
    for (int c = 0; c < M::ColumnCount; ++c)
        m_view->header()->resizeSection(c, width[c]);
    m_layingOut = false;
}

} // namespace sb::ui
