// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "common/Result.h"

#include <QList>
#include <QString>
#include <QStringList>

namespace sb::bootstrap {

/// One flow a user can choose from.
struct FlowInfo
{
    QString name;
    QString description;
    QString mode;                  ///< realtime, chunked, hybrid, assistant
    bool builtIn = false;          ///< compiled in (`:/flows/...`); false: a file in the flows folder
    bool overridesBuiltIn = false; ///< a file that replaces the built-in of the same name
    QString path;                  ///< the file, or the built-in's resource path
};

/// A problem with a flow's source text, placed for the editor.
struct FlowProblem
{
    int line = 0;    ///< 1-based; 0: the whole document (e.g. a required field is missing)
    int column = 0;  ///< 1-based UTF-16 column; 0 when line is 0
    QString field;   ///< the JSON field it is about, empty for syntax errors
    QString message; ///< in words, without the position ("\"listenSeconds\" must be ...")

    /// "line 3, column 5 (listenSeconds): ..." / "document: ..." for lists and logs.
    QString describe() const;
};

/// What the console's flows screen needs, without widgets and without the network: the flows a
/// user can choose from (built-ins plus `<data-dir>/flows/*.json`), each flow's source text,
/// validation of an edited text placed by line and field, the TwiML a flow answers a sample call
/// with, that TwiML in words ("what the caller hears"), and saving a flow into the flows folder
/// (atomically, mode 0600 like everything in the data folder).
///
/// Threading: a plain value holding the folder's path; every function is reentrant and reads or
/// writes only small files (at most 256 KiB), synchronously, on the calling thread, so the GUI
/// thread may call it directly. Saving does not tell a running listener: call
/// Core::reloadFlows() (or Core::setActiveFlow()) afterwards.
class FlowCatalog
{
public:
    /// `flowsFolder` may be empty (built-ins only; save() then fails) or not exist yet.
    explicit FlowCatalog(QString flowsFolder = QString());

    QString folder() const { return m_folder; }

    /// Every valid flow, by name; a file that replaces a built-in is listed once, as the file.
    QList<FlowInfo> list() const;
    /// Files in the flows folder that do not load, in words (file, line or field, what is wrong).
    QStringList brokenFiles() const;
    /// The source text of a flow: its file, or the built-in's JSON. Error: unknown name or
    /// unreadable file.
    Result<QString> source(const QString& name) const;

    /// Every problem parseFlow reports for `text` (it stops at the first), placed by line and
    /// column (JSON syntax) or by the line of the field it names. Empty: the flow is valid.
    static QList<FlowProblem> validate(const QString& text);

    /// The TwiML a valid flow answers a sample incoming call with (pure: no network), indented
    /// for reading. URLs are based on `publicUrl`/`streamUrl` (empty: `http://127.0.0.1:8080`,
    /// `ws://127.0.0.1:8080/stream`). Error: the first validation problem.
    static Result<QString>
    renderTwiml(const QString& text, const QString& publicUrl = QString(), const QString& streamUrl = QString());
    /// What a caller of this flow hears and what happens, one step a line: the first document
    /// and, for chunked and hybrid flows, what follows each recorded chunk and the last one.
    static Result<QStringList>
    describe(const QString& text, const QString& publicUrl = QString(), const QString& streamUrl = QString());

    /// A new flow's starting text (valid, mode realtime) named `name`.
    static QString templateFor(const QString& name);
    /// Whether `name` is a valid flow name (`a-z0-9-`, 1–64, starts with a letter or digit).
    static bool isValidName(const QString& name);

    /// Validates `text` and writes it to `<folder>/<name>.json` (the name from the text),
    /// atomically (a private temporary file, flushed, renamed over the old one) with mode 0600.
    /// Returns the file's path. Error: invalid text (the first problem), or the file system's.
    Result<QString> save(const QString& text) const;

private:
    QString m_folder;
};

} // namespace sb::bootstrap
