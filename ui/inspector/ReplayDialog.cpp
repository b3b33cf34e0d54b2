// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/inspector/ReplayDialog.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

namespace sb::ui {

ReplayDialog::ReplayDialog(const storage::WebhookLogEntry& entry, QWidget* parent)
    : QDialog(parent)
    , m_isGet(entry.method == QLatin1String("GET"))
{
    setObjectName(QStringLiteral("replayDialog"));
    setWindowTitle(tr("Edit and replay #%1").arg(entry.id));
    auto* layout = new QVBoxLayout(this);
    auto* form = new QFormLayout;
    m_path = new QLineEdit(entry.path, this);
    m_path->setObjectName(QStringLiteral("replayPath"));
    m_query = new QLineEdit(entry.query, this);
    m_query->setObjectName(QStringLiteral("replayQuery"));
    m_query->setEnabled(!m_isGet); // a GET's parameters are its query: edit them in the table
    form->addRow(tr("%1 path").arg(entry.method), m_path);
    form->addRow(tr("Query"), m_query);
    layout->addLayout(form);

    layout->addWidget(new QLabel(m_isGet ? tr("Query parameters") : tr("Form parameters"), this));
    m_params = new QTableWidget(0, 2, this);
    m_params->setObjectName(QStringLiteral("replayParameters"));
    m_params->setHorizontalHeaderLabels({tr("Name"), tr("Value")});
    m_params->horizontalHeader()->setStretchLastSection(true);
    m_params->verticalHeader()->hide();
    for (const auto& [name, value] : bootstrap::loggedParams(entry))
        addRow(name, value);
    layout->addWidget(m_params, 1);

    auto* rows = new QHBoxLayout;
    auto* add = new QPushButton(tr("Add parameter"), this);
    auto* remove = new QPushButton(tr("Remove parameter"), this);
    connect(add, &QPushButton::clicked, this, [this] {
        addRow(QString(), QString());
        m_params->editItem(m_params->item(m_params->rowCount() - 1, 0));
    });
    connect(remove, &QPushButton::clicked, this, [this] {
        if (m_params->currentRow() >= 0)
            m_params->removeRow(m_params->currentRow());
    });
    rows->addWidget(add);
    rows->addWidget(remove);
    rows->addStretch(1);
    layout->addLayout(rows);

    m_sign = new QCheckBox(tr("Sign with the current auth token for the public URL"), this);
    m_sign->setObjectName(QStringLiteral("replaySign"));
    m_sign->setChecked(true);
    layout->addWidget(m_sign);

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    buttons->button(QDialogButtonBox::Ok)->setText(tr("Replay"));
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(buttons);
    resize(560, 480);
}

void ReplayDialog::addRow(const QString& name, const QString& value)
{
    const int row = m_params->rowCount();
    m_params->insertRow(row);
    m_params->setItem(row, 0, new QTableWidgetItem(name));
    m_params->setItem(row, 1, new QTableWidgetItem(value));
}

bootstrap::ReplayEdits ReplayDialog::edits() const
{
    bootstrap::ReplayEdits edits;
    edits.path = m_path->text().trimmed();
    if (!m_isGet)
        edits.query = m_query->text().trimmed();
    twilio::FormParams params;
    for (int row = 0; row < m_params->rowCount(); ++row) {
        const QString name = m_params->item(row, 0) ? m_params->item(row, 0)->text() : QString();
        if (!name.isEmpty())
            params.append({name, m_params->item(row, 1) ? m_params->item(row, 1)->text() : QString()});
    }
    edits.params = params;
    edits.sign = m_sign->isChecked();
    return edits;
}

} // namespace sb::ui
