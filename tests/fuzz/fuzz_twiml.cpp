// SPDX-License-Identifier: GPL-3.0-or-later
// Fuzz target: the TwiML parser and validator (app/twilio/TwimlParser.h) and the serialiser they
// feed (app/twilio/TwimlBuilder.h). The input is one HTTP response body.
//
// Invariants checked:
//  - analyzeTwiml, parseTwiml and validateTwiml agree (a tree exactly when there is no document
//    error; the same issues); issues are sorted by position, document-level ones first;
//  - a parsed tree serialises (toTwimlXml) to a document that parses, and serialising that again
//    gives the same bytes (the serialiser always writes well-formed XML);
//  - the pretty form (toPrettyTwiml) parses to the same tree as the compact form.
#include "FuzzSupport.h"
#include "twilio/TwimlParser.h"

using namespace sb::twilio;

namespace {

bool samePosition(const TwimlIssue& a, const TwimlIssue& b)
{
    return a.line == b.line && a.column == b.column;
}

bool sameIssues(const QList<TwimlIssue>& a, const QList<TwimlIssue>& b)
{
    if (a.size() != b.size())
        return false;
    for (qsizetype i = 0; i < a.size(); ++i) {
        if (a[i].code != b[i].code || a[i].severity != b[i].severity || !samePosition(a[i], b[i]) ||
            a[i].message != b[i].message)
            return false;
    }
    return true;
}

sb::Result<TwimlNode> reparse(const QByteArray& xml)
{
    sb::Result<TwimlNode> tree = parseTwiml(xml);
    if (!tree)
        std::fprintf(stderr, "document: %s\nerror: %s\n", xml.constData(), qPrintable(tree.error().toString()));
    return tree;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const QByteArray body = sb::fuzz::bytesOf(data, size).toByteArray();
    const TwimlParseResult analysis = analyzeTwiml(body);
    SB_FUZZ_CHECK(sameIssues(validateTwiml(body), analysis.issues));
    for (qsizetype i = 1; i < analysis.issues.size(); ++i) {
        const TwimlIssue& before = analysis.issues[i - 1];
        const TwimlIssue& after = analysis.issues[i];
        SB_FUZZ_CHECK(before.line < after.line || (before.line == after.line && before.column <= after.column));
    }
    for (const TwimlIssue& issue : analysis.issues)
        SB_FUZZ_CHECK(!issue.toString().isEmpty());

    const std::optional<TwimlIssue> documentError = analysis.documentError();
    const sb::Result<TwimlNode> tree = parseTwiml(body);
    SB_FUZZ_CHECK(tree.ok() == !documentError.has_value());
    if (documentError)
        SB_FUZZ_CHECK(analysis.hasErrors());
    if (!tree)
        return 0;
    SB_FUZZ_CHECK(analysis.root.has_value() && *analysis.root == *tree);

    const QByteArray xml = toTwimlXml(*tree);
    const sb::Result<TwimlNode> compact = reparse(xml);
    SB_FUZZ_CHECK(compact.ok());
    SB_FUZZ_CHECK(toTwimlXml(*compact) == xml);
    (void)validateTwimlTree(*compact);

    const sb::Result<TwimlNode> pretty = reparse(toPrettyTwiml(*compact).toUtf8());
    SB_FUZZ_CHECK(pretty.ok());
    SB_FUZZ_CHECK(*pretty == *compact);
    return 0;
}
