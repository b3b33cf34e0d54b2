// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QWidget>

class QLabel;
class QPushButton;

namespace sb::ui {

/// What the call wall shows while there are no calls yet: what the console is for and the three
/// first steps, each a button (place a demo call, set Twilio credentials, start a tunnel), and
/// the demo call's progress and result in words. GUI thread.
class FirstStart : public QWidget
{
    Q_OBJECT

public:
    explicit FirstStart(QWidget* parent = nullptr);

    /// Progress or result of the demo call, in words (empty: hidden).
    void setDemoStatus(const QString& text);
    QString demoStatus() const;
    /// Disables the demo call (no listener running), saying why.
    void setListenerError(const QString& error);

signals:
    void demoCallRequested();
    void credentialsRequested();
    void tunnelRequested();

private:
    QPushButton* m_demo = nullptr;
    QLabel* m_status = nullptr;
};

} // namespace sb::ui
