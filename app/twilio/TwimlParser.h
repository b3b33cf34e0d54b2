// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "common/Result.h"
#include "twilio/TwimlBuilder.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>
#include <QStringView>
#include <optional>

/// Reading TwiML: parse a response body into a TwimlNode tree (QXmlStreamReader) and check it the
/// way Twilio does (app/twilio/PROTOCOL.md §1.3, §4, §9). Used by the TwiML editor (problems shown
/// inline) and by the Twilio simulator (which must accept and reject what Twilio does).
///
/// Parsing
///  - Input is the raw HTTP body. It is decoded as UTF-8 (or the encoding named in the XML
///    declaration, if Qt knows it). Invalid UTF-8 or a character XML 1.0 forbids is a 12100 error.
///  - Namespace processing is off: names are kept exactly as written (`xml:lang` on SSML `<lang>`).
///  - A DOCTYPE is rejected (12100): TwiML has none, and entity expansion is not wanted.
///  - Whitespace-only character data inside an element that also has child elements, when none of
///    that element's own character data is anything but whitespace, is formatting and is dropped
///    (so an indented document gives the same tree as a compact one). All other character data is
///    kept exactly (including a `<Say> </Say>`).
///  - Positions: 1-based line and column (UTF-16 code units) of the start tag's `<` and of each
///    attribute name, counting CRLF, CR and LF as one line break each. Positions 0/0 mean "the
///    whole document" (e.g. 11750).
///
/// Checks and codes (only §9's codes are used; every choice below is documented there or here):
///  - 12100 error  — document parse failure: not well-formed XML, invalid encoding/characters,
///    BOM (even a UTF-8 one) or whitespace before the XML declaration, DOCTYPE, root element not
///    `<Response>` (case-sensitive). A missing XML declaration is accepted, as XML allows.
///  - 11750 error  — body larger than kMaxTwimlBodyBytes (64 kB = 65536 bytes).
///  - 12200 warning — schema: unknown element, wrong case (`<say>`, `Voice=`), unknown attribute,
///    bad nesting (`<Say>` in `<Start>`, `<Stream>` outside Start/Connect/Stop, `<Parameter>`
///    outside its parents, `<Play digits>` in `<Gather>`), text where none is allowed, attribute
///    values of the wrong type (integers, booleans, enumerations, `GET`/`POST`, key sets),
///    `<Parameter>` name+value of 500 characters or more, a nested noun missing where Twilio needs
///    one (empty `<Start>`/`<Connect>`/`<Stop>`/`<Dial>`, `<Play>` with neither URL nor digits,
///    `<Stop><Stream>` without name or url). Twilio reports schema problems as 12200 warnings.
///  - 13611 warning — `<Record timeout>` not a non-negative integer (the one 13xxx code §9 names).
///  - 11100 error  — `<Redirect>` with an empty URL.
///  - 31922 error  — `<Stream url>` with a scheme other than `wss` (relative URLs are allowed).
///  - 31923 error  — `<Stream url>` missing or malformed; warning when it carries a query string
///    (§4.6: a query string can break the handshake; use `<Parameter>`).
///  - 31941 error  — `<Stream track>` not one of inbound_track/outbound_track/both_tracks, or, in
///    `<Connect>`, anything but inbound_track.
///  - code 0 warning — editor hints Twilio itself does not report: verbs that can never run (after
///    `<Record>`, `<Redirect>`, `<Hangup>`, `<Reject>`, `<Gather actionOnEmptyResult="true">`, or
///    `<Dial>`/`<Connect>` with an `action`), and `<Start>` as the last verb (the call ends
///    immediately, §4.6).
/// Elements outside the voice verbs this project uses (Pay, Enqueue, Conference, ...) are known
/// (no "unknown element" warning, nesting checked) but their attributes are not checked.

namespace sb::twilio {

/// Maximum TwiML body Twilio accepts (§1.3, error 11750).
inline constexpr qsizetype kMaxTwimlBodyBytes = 64 * 1024;

/// Error codes used in TwimlIssue::code (app/twilio/PROTOCOL.md §9).
namespace twiml_code {
inline constexpr int Hint = 0; ///< editor hint; Twilio reports nothing
inline constexpr int InvalidUrl = 11100;
inline constexpr int BodyTooLarge = 11750;
inline constexpr int ParseFailure = 12100;
inline constexpr int SchemaWarning = 12200;
inline constexpr int RecordInvalidTimeout = 13611;
inline constexpr int StreamUrlScheme = 31922;
inline constexpr int StreamUrlMalformed = 31923;
inline constexpr int StreamInvalidTrack = 31941;
} // namespace twiml_code

enum class TwimlSeverity {
    Error,   ///< Twilio fails the document (12100, 11750) or the verb (e.g. 31922)
    Warning, ///< Twilio logs a warning and carries on (12200), or an editor hint (code 0)
};

/// One problem found in a document.
struct TwimlIssue
{
    TwimlSeverity severity = TwimlSeverity::Error;
    int code = 0;   ///< see twiml_code
    int line = 0;   ///< 1-based; 0 = whole document / no position (tree built in memory)
    int column = 0; ///< 1-based, UTF-16 code units
    QString message;

    bool isError() const { return severity == TwimlSeverity::Error; }
    /// "line 3, column 5: warning 12200: ..." (position left out when line is 0).
    QString toString() const;
};

/// Everything known about a body: the tree (when the XML is well-formed) and all issues, sorted by
/// position (document-level issues first).
struct TwimlParseResult
{
    std::optional<TwimlNode> root; ///< the document element, even if it is not <Response>
    QList<TwimlIssue> issues;

    bool hasErrors() const;
    /// The first issue that makes Twilio reject the whole document (12100 / 11750), if any.
    std::optional<TwimlIssue> documentError() const;
};

/// Parses and validates a response body.
TwimlParseResult analyzeTwiml(const QByteArray& body);

/// The document tree, or the error for which Twilio would reject the whole document (code
/// "12100" or "11750", with line/column). Verb-level problems (31922, 12200, ...) do not fail
/// parsing; use validateTwiml() for those.
sb::Result<TwimlNode> parseTwiml(const QByteArray& body);

/// All issues in a body (analyzeTwiml().issues).
QList<TwimlIssue> validateTwiml(const QByteArray& body);

/// Schema and semantic checks on a tree (for example a builder's node()); positions come from the
/// nodes (0 for built ones). Includes the 12100 check of the root name.
QList<TwimlIssue> validateTwimlTree(const TwimlNode& root);

/// Every element name the validator knows (verbs, nouns, SSML), sorted. For editor completion.
QStringList knownTwimlElements();

/// The attributes the validator knows for `element` (empty if unknown or not modelled).
QStringList knownTwimlAttributes(QStringView element);

} // namespace sb::twilio
