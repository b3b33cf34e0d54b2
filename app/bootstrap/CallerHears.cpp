// SPDX-License-Identifier: GPL-3.0-or-later
#include "bootstrap/CallerHears.h"

#include "twilio/TwimlParser.h"

namespace sb::bootstrap {
namespace {

using twilio::TwimlNode;

QString quote(const QString& text)
{
    QString words = text.simplified();
    if (words.size() > 80)
        words = words.left(79) + QChar(0x2026);
    return QLatin1Char('\'') + words + QLatin1Char('\'');
}

QString seconds(const QString& value)
{
    return value + QStringLiteral(" s");
}

QString times(const TwimlNode& node)
{
    const QString loop = node.attribute(u"loop", QStringLiteral("1"));
    if (loop == QLatin1String("1"))
        return QString();
    if (loop == QLatin1String("0"))
        return QStringLiteral(", over and over until the call ends");
    return QStringLiteral(", %1 times").arg(loop);
}

QString target(const TwimlNode& node, const QString& attribute)
{
    const QString url = node.attribute(attribute);
    return url.isEmpty() ? QStringLiteral("this document's URL") : url;
}

QString prompt(const TwimlNode& node, bool lead)
{
    QString line;
    if (node.name == QLatin1String("Say")) {
        line = QStringLiteral("Says %1").arg(quote(node.innerText()));
        QStringList how;
        if (node.hasAttribute(u"voice"))
            how << QStringLiteral("voice %1").arg(node.attribute(u"voice"));
        if (node.hasAttribute(u"language"))
            how << QStringLiteral("language %1").arg(node.attribute(u"language"));
        if (!how.isEmpty())
            line += QStringLiteral(" (%1)").arg(how.join(QStringLiteral(", ")));
        line += times(node);
    } else if (node.name == QLatin1String("Play")) {
        const QString url = node.innerText().trimmed();
        line = url.isEmpty() ? QStringLiteral("Plays the keys %1").arg(node.attribute(u"digits"))
                             : QStringLiteral("Plays %1").arg(url);
        line += times(node);
    } else if (node.name == QLatin1String("Pause")) {
        line = QStringLiteral("Waits %1 in silence").arg(seconds(node.attribute(u"length", QStringLiteral("1"))));
    } else {
        return QString();
    }
    return lead ? line : line.left(1).toLower() + line.mid(1);
}

QString trackWords(const QString& track)
{
    if (track == QLatin1String("both_tracks"))
        return QStringLiteral("both tracks");
    if (track == QLatin1String("outbound_track"))
        return QStringLiteral("the outbound track (what the caller hears)");
    return QStringLiteral("the inbound track (the caller)");
}

QString gather(const TwimlNode& node)
{
    const QString input = node.attribute(u"input", QStringLiteral("dtmf"));
    const bool dtmf = input.contains(QLatin1String("dtmf"));
    const bool speech = input.contains(QLatin1String("speech"));
    QString what;
    if (dtmf) {
        const QString digits = node.attribute(u"numDigits");
        if (digits.isEmpty())
            what = QStringLiteral("digits (ended by %1)").arg(node.attribute(u"finishOnKey", QStringLiteral("#")));
        else
            what = QStringLiteral("%1 digit%2")
                       .arg(digits, digits == QLatin1String("1") ? QString() : QStringLiteral("s"));
    }
    if (speech)
        what += dtmf ? QStringLiteral(" or speech") : QStringLiteral("speech");
    QString line =
        QStringLiteral("Gathers %1 for %2").arg(what, seconds(node.attribute(u"timeout", QStringLiteral("5"))));
    QStringList prompts;
    for (const TwimlNode& child : node.children) {
        const QString p = prompt(child, false);
        if (!p.isEmpty())
            prompts << p;
    }
    if (!prompts.isEmpty())
        line += QStringLiteral(" while it %1").arg(prompts.join(QStringLiteral(", then ")));
    line += QStringLiteral(", then posts %1 to %2")
                .arg(speech && !dtmf ? QStringLiteral("the words") : QStringLiteral("them"),
                     target(node, QStringLiteral("action")));
    if (node.attribute(u"actionOnEmptyResult") != QLatin1String("true"))
        line += QStringLiteral("; with no input it goes on");
    return line;
}

QString record(const TwimlNode& node)
{
    QString line = QStringLiteral("Records up to %1, ending after %2 of silence")
                       .arg(seconds(node.attribute(u"maxLength", QStringLiteral("3600"))),
                            seconds(node.attribute(u"timeout", QStringLiteral("5"))));
    const QString keys = node.attribute(u"finishOnKey", QStringLiteral("1234567890*#"));
    if (!keys.isEmpty())
        line += QStringLiteral(" or a key (%1)").arg(keys);
    if (node.attribute(u"playBeep", QStringLiteral("true")) != QLatin1String("false"))
        line += QStringLiteral(", after a beep");
    return line + QStringLiteral(", then posts the recording to %1").arg(target(node, QStringLiteral("action")));
}

/// Appends the lines of one verb; true when the call does not go on to the next verb.
bool describeVerb(const TwimlNode& verb, QStringList& out)
{
    const QString& name = verb.name;
    if (const QString p = prompt(verb, true); !p.isEmpty()) {
        out << p;
        return false;
    }
    if (name == QLatin1String("Gather")) {
        out << gather(verb);
        return verb.attribute(u"actionOnEmptyResult") == QLatin1String("true");
    }
    if (name == QLatin1String("Record")) {
        out << record(verb);
        return true;
    }
    if (name == QLatin1String("Start") || name == QLatin1String("Connect") || name == QLatin1String("Stop")) {
        for (const TwimlNode& noun : verb.children) {
            const QString url = noun.attribute(u"url");
            if (name == QLatin1String("Start") && noun.name == QLatin1String("Stream"))
                out << QStringLiteral("Streams %1 to %2 in the background")
                           .arg(trackWords(noun.attribute(u"track", QStringLiteral("inbound_track"))), url);
            else if (name == QLatin1String("Start") && noun.name == QLatin1String("Transcription"))
                out << QStringLiteral("Transcribes the call live (%1), posting the words to %2")
                           .arg(noun.attribute(u"languageCode", QStringLiteral("en-US")),
                                noun.attribute(u"statusCallbackUrl", QStringLiteral("nowhere")));
            else if (name == QLatin1String("Connect") && noun.name == QLatin1String("Stream"))
                out << QStringLiteral("Connects the call to a two-way stream at %1: the caller hears the app until "
                                      "it closes the stream")
                           .arg(url);
            else if (name == QLatin1String("Stop"))
                out << QStringLiteral("Stops the %1 %2").arg(noun.name.toLower(), noun.attribute(u"name", url));
            else
                out << QStringLiteral("%1s <%2>").arg(name, noun.name);
        }
        if (name == QLatin1String("Connect") && verb.hasAttribute(u"action")) {
            out << QStringLiteral("Then posts to %1").arg(verb.attribute(u"action"));
            return true;
        }
        return false;
    }
    if (name == QLatin1String("Redirect")) {
        out << QStringLiteral("Goes on with the TwiML at %1").arg(verb.innerText().trimmed());
        return true;
    }
    if (name == QLatin1String("Dial")) {
        QStringList targets;
        for (const TwimlNode& noun : verb.children)
            targets << noun.innerText().trimmed();
        if (targets.isEmpty())
            targets << verb.innerText().trimmed();
        out << QStringLiteral("Dials %1").arg(targets.join(QStringLiteral(", ")));
        if (verb.hasAttribute(u"action")) {
            out << QStringLiteral("Then posts the outcome to %1").arg(verb.attribute(u"action"));
            return true;
        }
        return false;
    }
    if (name == QLatin1String("Hangup")) {
        out << QStringLiteral("Hangs up");
        return true;
    }
    if (name == QLatin1String("Reject")) {
        out << QStringLiteral("Rejects the call (%1)").arg(verb.attribute(u"reason", QStringLiteral("rejected")));
        return true;
    }
    out << QStringLiteral("Runs <%1> (not described here)").arg(name);
    return false;
}

} // namespace

Result<QStringList> describeTwiml(const QByteArray& twiml)
{
    const auto root = twilio::parseTwiml(twiml);
    if (!root.ok())
        return root.error();
    QStringList lines;
    for (const TwimlNode& verb : root->children) {
        if (describeVerb(verb, lines))
            return lines;
    }
    lines << QStringLiteral("Hangs up (no more verbs)");
    return lines;
}

} // namespace sb::bootstrap
