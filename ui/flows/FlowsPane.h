// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "bootstrap/FlowCatalog.h"

#include <QWidget>
#include <functional>

class QLabel;
class QListWidget;
class QListWidgetItem;
class QPlainTextEdit;
class QPushButton;
class QTimer;

namespace sb::bootstrap {
class Core;
}

namespace sb::ui {

/// The FLOWS screen: the flows a user can choose from (built-ins and `<data-dir>/flows/*.json`,
/// the one incoming calls get marked), an editor for one flow's JSON with validation as you type
/// (300 ms after the last key: problems listed with line and field, a click moves the cursor
/// there, the offending line highlighted), the TwiML the flow answers a sample call with and that
/// TwiML in words ("what the caller hears"), and the actions Save (disabled while the text is
/// invalid), Revert, New flow and "Use for incoming calls" (Core::setActiveFlow on the running
/// listener; no restart).
///
/// Contract: everything goes through bootstrap (FlowCatalog for files and words, Core for the
/// listener); saving reloads the listener's flows, so the next call uses what was saved. With a
/// null core (the listener did not start) the built-in flows can be read but not saved or used.
///
/// Threading: GUI thread only. FlowCatalog reads and writes small files synchronously; the
/// listener's reload is a short blocking hop to the network thread.
class FlowsPane : public QWidget
{
    Q_OBJECT

public:
    explicit FlowsPane(bootstrap::Core* core, QWidget* parent = nullptr);

    /// Opens a flow's saved text in the editor (unsaved edits are dropped). False if unknown.
    bool openFlow(const QString& name);
    /// Starts a new, unsaved flow named `name` from a template. False (and a message) if the
    /// name is not a valid flow name or a flow of that name exists.
    bool newFlow(const QString& name);
    /// The flow the editor shows (its saved name; a new flow's name before it is saved).
    QString currentFlow() const { return m_current; }
    /// Whether the editor's text is a valid flow (as of the last validation).
    bool isValid() const { return m_valid; }
    /// Whether the editor holds edits not saved yet.
    bool hasUnsavedEdits() const;
    /// Asked before unsaved edits would be dropped by picking another flow; true: drop them.
    /// Default: a Yes/No message box. Tests replace it.
    using ConfirmDiscard = std::function<bool(const QString& question)>;
    void setConfirmDiscard(ConfirmDiscard confirm) { m_confirmDiscard = std::move(confirm); }

public slots:
    /// Reads the list of flows again (keeps the selection and the editor).
    void refresh();
    /// Validates the editor's text now (as the debounce timer does) and updates the previews.
    void validateNow();

signals:
    /// One line for a status bar ("Saved …", "Incoming calls now get …", errors).
    void statusMessage(const QString& message);

private:
    void buildUi();
    void save();
    void revert();
    void askForNewFlow();
    void useForIncomingCalls();
    void goToProblem(QListWidgetItem* item);
    void highlightLine(int line);
    void updateButtons();
    void updateActiveLabel();
    void say(const QString& message);

    bootstrap::Core* m_core;
    bootstrap::FlowCatalog m_catalog;
    QString m_current;           ///< the flow in the editor
    QString m_loadedText;        ///< its text as last opened or saved
    bool m_currentSaved = false; ///< the flow in the editor has a saved version
    bool m_valid = false;
    bool m_opening = false; ///< setting the editor's text ourselves
    ConfirmDiscard m_confirmDiscard;

    QListWidget* m_list = nullptr;
    QLabel* m_activeLabel = nullptr;
    QLabel* m_fileLabel = nullptr;
    QLabel* m_statusLabel = nullptr;
    QPlainTextEdit* m_editor = nullptr;
    QListWidget* m_problems = nullptr;
    QPlainTextEdit* m_twiml = nullptr;
    QPlainTextEdit* m_words = nullptr;
    QPushButton* m_save = nullptr;
    QPushButton* m_revert = nullptr;
    QPushButton* m_new = nullptr;
    QPushButton* m_use = nullptr;
    QTimer* m_debounce = nullptr;
};

} // namespace sb::ui
