// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "bootstrap/Core.h"

#include <QDialog>

class QComboBox;
class QLabel;
class QLineEdit;
class QSpinBox;

namespace sb::ui {

/// Settings of the listener (address and port) and of the data folder: what a running core
/// cannot change, so accepting them replaces the core in this process (ConsoleSession). Checks
/// what it can before: a valid address, a port, a data folder that exists or can be made.
/// GUI thread.
class ListenerDialog : public QDialog
{
    Q_OBJECT

public:
    ListenerDialog(const bootstrap::CoreOptions& current, QWidget* parent = nullptr);

    /// `current` with the dialog's values (valid once accepted).
    bootstrap::CoreOptions options() const;
    void accept() override;

private:
    bootstrap::CoreOptions m_current;
    QComboBox* m_bind = nullptr;
    QSpinBox* m_port = nullptr;
    QLineEdit* m_dataDir = nullptr;
    QLabel* m_problem = nullptr;
};

} // namespace sb::ui
