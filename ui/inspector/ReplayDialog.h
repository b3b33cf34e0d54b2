// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "bootstrap/WebhookReplay.h"
#include "storage/Records.h"

#include <QDialog>

class QCheckBox;
class QLineEdit;
class QTableWidget;

namespace sb::ui {

/// "Edit & replay": the logged request's path, query and form parameters in editable fields
/// (parameters as a name/value table, rows can be added and removed) and whether to sign it with
/// the current auth token (on by default). edits() is what Core::replayWebhook takes.
///
/// Threading: GUI thread only.
class ReplayDialog : public QDialog
{
    Q_OBJECT

public:
    ReplayDialog(const storage::WebhookLogEntry& entry, QWidget* parent = nullptr);

    bootstrap::ReplayEdits edits() const;
    QTableWidget* parameterTable() const { return m_params; }

private:
    void addRow(const QString& name, const QString& value);

    bool m_isGet = false;
    QLineEdit* m_path = nullptr;
    QLineEdit* m_query = nullptr;
    QTableWidget* m_params = nullptr;
    QCheckBox* m_sign = nullptr;
};

} // namespace sb::ui
