// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "bootstrap/WebhookReplay.h"
#include "storage/HistoryQueries.h"
#include "storage/Records.h"

#include <QWidget>
#include <optional>

class QComboBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QTableView;
class QTableWidget;

namespace sb::bootstrap {
class Core;
}

namespace sb::ui {

class WebhookLogModel;

/// The webhook inspector (like ngrok's): every request the listener got, refused ones too,
/// newest first, with new ones added as they are stored (Core::webhookStored). Filters by route,
/// status class (2xx/3xx/4xx/5xx, or "refused": the listener's 403 for a failed signature), call
/// SID and free text; the log is read through WebhookFilter on the history reader, and live
/// entries pass the same filter (storage::matchesWebhookFilter). "Load older" pages back.
///
/// The detail pane shows the request line, headers and body (a form as a name/value table), the
/// response (TwiML pretty-printed) and, for a refused signature, the listener's diagnosis in
/// words. Replay sends the selected entry again through Core::replayWebhook (signed inside the
/// core if it had been valid); Edit & replay opens a ReplayDialog. The outcome (new entry id and
/// status) is shown and the new entry selected.
///
/// Threading: GUI thread only. The core must outlive the widget.
class WebhookInspector : public QWidget
{
    Q_OBJECT

public:
    explicit WebhookInspector(bootstrap::Core* core, QWidget* parent = nullptr);
    ~WebhookInspector() override;

    WebhookLogModel* model() const { return m_model; }
    /// The filter the table shows now (limit and beforeId aside).
    storage::WebhookFilter filter() const;
    /// The entry shown in the detail pane (0: none).
    qint64 currentEntryId() const { return m_currentId; }
    /// Selects entry `id` (when it is in the table) and shows it.
    void selectEntry(qint64 id);
    /// Reads the log again from the newest entry with the current filter.
    void reload();
    /// Replays the selected entry as logged / after the edit dialog.
    void replaySelected();
    void editAndReplaySelected();

signals:
    /// A replay finished: the new entry's id (0 if not stored) and the listener's status.
    void replayed(qint64 newEntryId, int status);
    /// The detail pane shows entry `id` (loaded with its bodies).
    void entryShown(qint64 id);

private:
    void buildUi();
    void loadPage(qint64 beforeId);
    void onStored(const storage::WebhookLogEntry& entry);
    void showEntry(const storage::WebhookLogEntry& entry);
    void rememberPath(const QString& path);
    void replay(const std::optional<bootstrap::ReplayEdits>& edits);

    bootstrap::Core* m_core;
    WebhookLogModel* m_model = nullptr;
    QComboBox* m_route = nullptr;
    QComboBox* m_statusClass = nullptr;
    QLineEdit* m_callSid = nullptr;
    QLineEdit* m_text = nullptr;
    QTableView* m_table = nullptr;
    QPushButton* m_loadOlder = nullptr;
    QPushButton* m_replay = nullptr;
    QPushButton* m_editReplay = nullptr;
    QLabel* m_replayResult = nullptr;
    QLabel* m_requestLine = nullptr;
    QLabel* m_explanation = nullptr;
    QPlainTextEdit* m_request = nullptr;
    QTableWidget* m_form = nullptr;
    QPlainTextEdit* m_response = nullptr;
    storage::WebhookLogEntry m_current;
    qint64 m_currentId = 0;
    qint64 m_selectWhenShown = 0;
    int m_generation = 0; ///< drops answers to loads made under an older filter
};

} // namespace sb::ui
