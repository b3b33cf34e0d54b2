// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/settings/ListenerDialog.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

namespace sb::ui {

ListenerDialog::ListenerDialog(const bootstrap::CoreOptions& current, QWidget* parent)
    : QDialog(parent)
    , m_current(current)
{
    setObjectName(QStringLiteral("listenerDialog"));
    setWindowTitle(tr("Listener and data folder"));
    auto* layout = new QVBoxLayout(this);
    auto* intro = new QLabel(tr("Changing these restarts the listener within the app: calls in progress lose "
                                "their streams, everything received so far stays stored."),
                             this);
    intro->setWordWrap(true);
    layout->addWidget(intro);

    auto* form = new QFormLayout;
    m_bind = new QComboBox(this);
    m_bind->setObjectName(QStringLiteral("listenerBind"));
    m_bind->setEditable(true);
    m_bind->addItem(QStringLiteral("127.0.0.1"));
    m_bind->addItem(QStringLiteral("0.0.0.0"));
    m_bind->addItem(QStringLiteral("::1"));
    m_bind->setCurrentText(current.bindAddress.toString());
    m_bind->setToolTip(tr("127.0.0.1: this computer only (a tunnel reaches it); 0.0.0.0: every network interface"));
    form->addRow(tr("&Address:"), m_bind);
    m_port = new QSpinBox(this);
    m_port->setObjectName(QStringLiteral("listenerPort"));
    m_port->setRange(0, 65535);
    m_port->setSpecialValueText(tr("any free port"));
    m_port->setValue(current.port);
    form->addRow(tr("&Port:"), m_port);
    auto* folderRow = new QHBoxLayout;
    m_dataDir = new QLineEdit(QDir::toNativeSeparators(current.dataDir), this);
    m_dataDir->setObjectName(QStringLiteral("listenerDataDir"));
    auto* browse = new QPushButton(tr("&Browse…"), this);
    connect(browse, &QPushButton::clicked, this, [this] {
        const QString dir = QFileDialog::getExistingDirectory(this, tr("Data folder"), m_dataDir->text());
        if (!dir.isEmpty())
            m_dataDir->setText(QDir::toNativeSeparators(dir));
    });
    folderRow->addWidget(m_dataDir, 1);
    folderRow->addWidget(browse);
    form->addRow(tr("&Data folder:"), folderRow);
    layout->addLayout(form);
    m_problem = new QLabel(this);
    m_problem->setObjectName(QStringLiteral("listenerProblem"));
    m_problem->setWordWrap(true);
    m_problem->hide();
    layout->addWidget(m_problem);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    buttons->button(QDialogButtonBox::Ok)->setText(tr("&Restart listener"));
    connect(buttons, &QDialogButtonBox::accepted, this, &ListenerDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &ListenerDialog::reject);
    layout->addWidget(buttons);
}

bootstrap::CoreOptions ListenerDialog::options() const
{
    bootstrap::CoreOptions next = m_current;
    next.bindAddress = QHostAddress(m_bind->currentText().trimmed());
    next.port = quint16(m_port->value());
    next.dataDir = QDir::cleanPath(QDir::fromNativeSeparators(m_dataDir->text().trimmed()));
    return next;
}

void ListenerDialog::accept()
{
    QString problem;
    if (QHostAddress(m_bind->currentText().trimmed()).isNull())
        problem = tr("%1 is not an IP address.").arg(m_bind->currentText().trimmed());
    else if (m_dataDir->text().trimmed().isEmpty())
        problem = tr("Choose a data folder.");
    else if (!QDir().mkpath(options().dataDir))
        problem = tr("Cannot create the data folder %1.").arg(m_dataDir->text().trimmed());
    if (!problem.isEmpty()) {
        m_problem->setText(problem);
        m_problem->show();
        return;
    }
    QDialog::accept();
}

} // namespace sb::ui
