// SPDX-License-Identifier: GPL-3.0-or-later
#include "MainWindow.h"

#include "common/Version.h"

#include <QApplication>
#include <QHeaderView>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QSplitter>
#include <QStandardItemModel>
#include <QStatusBar>
#include <QTreeView>

namespace sb::ui {

MainWindow::MainWindow(QWidget* parent)
    : QMainWindow(parent)
{
    setWindowTitle(QLatin1String(kDisplayName));
    setWindowIcon(QIcon(QStringLiteral(":/icons/switchboard.svg")));
    setObjectName(QStringLiteral("MainWindow"));

    auto* splitter = new QSplitter(Qt::Horizontal, this);
    m_callList = new QTreeView(splitter);
    m_callList->setObjectName(QStringLiteral("callList"));
    auto* model = new QStandardItemModel(0, 4, m_callList);
    model->setHorizontalHeaderLabels({tr("Call"), tr("From"), tr("Status"), tr("Started")});
    m_callList->setModel(model);
    m_callList->setRootIsDecorated(false);
    m_callList->header()->setStretchLastSection(true);

    m_detailPlaceholder =
        new QLabel(tr("No call selected.\n\nCalls appear here when the listener receives them."), splitter);
    m_detailPlaceholder->setObjectName(QStringLiteral("detailPlaceholder"));
    m_detailPlaceholder->setAlignment(Qt::AlignCenter);
    m_detailPlaceholder->setWordWrap(true);
    splitter->setStretchFactor(0, 2);
    splitter->setStretchFactor(1, 3);
    setCentralWidget(splitter);

    m_listenerStatus = new QLabel(tr("Listener: not started"), this);
    m_listenerStatus->setObjectName(QStringLiteral("listenerStatus"));
    statusBar()->addPermanentWidget(m_listenerStatus);

    createActions();
    resize(1100, 700);
}

void MainWindow::createActions()
{
    QMenu* file = menuBar()->addMenu(tr("&File"));
    QAction* quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);
    quit->setObjectName(QStringLiteral("actionQuit"));

    QMenu* help = menuBar()->addMenu(tr("&Help"));
    QAction* about = help->addAction(tr("&About Switchboard"), this, &MainWindow::showAbout);
    about->setObjectName(QStringLiteral("actionAbout"));
}

void MainWindow::showAbout()
{
    QMessageBox::about(
        this,
        tr("About Switchboard"),
        tr("<b>Switchboard %1</b><p>An operator console for Twilio voice calls.</p><p>Built with Qt %2.</p>")
            .arg(QLatin1String(kVersion), QLatin1String(qVersion())));
}

} // namespace sb::ui
