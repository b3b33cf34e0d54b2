// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QMainWindow>

class QLabel;
class QTreeView;

namespace sb::ui {

/// The console's main window. Lives on the GUI thread.
class MainWindow : public QMainWindow
{
    Q_OBJECT

public:
    explicit MainWindow(QWidget* parent = nullptr);

private:
    void createActions();
    void showAbout();

    QTreeView* m_callList = nullptr;
    QLabel* m_detailPlaceholder = nullptr;
    QLabel* m_listenerStatus = nullptr;
};

} // namespace sb::ui
