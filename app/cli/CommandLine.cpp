// SPDX-License-Identifier: GPL-3.0-or-later
#include "cli/CommandLine.h"

#include "cli/SubcommandTable.h"
#include "common/Version.h"
#include "twilio/Sid.h"

#include <QDir>
#include <QHash>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QUrl>

namespace sb::cli {
namespace {

// Qt's own GUI options that QApplication understands, with the number of values each takes.
// They are passed through untouched so `switchboard -platform offscreen` keeps working.
const QHash<QString, int>& qtOptions()
{
    static const QHash<QString, int> options{
        {QStringLiteral("-platform"), 1},
        {QStringLiteral("-platformpluginpath"), 1},
        {QStringLiteral("-platformtheme"), 1},
        {QStringLiteral("-plugin"), 1},
        {QStringLiteral("-qwindowgeometry"), 1},
        {QStringLiteral("-qwindowtitle"), 1},
        {QStringLiteral("-style"), 1},
        {QStringLiteral("-stylesheet"), 1},
        {QStringLiteral("-display"), 1},
        {QStringLiteral("-reverse"), 0},
    };
    return options;
}

Invocation usageError(const QString& problem)
{
    Invocation inv;
    inv.mode = Invocation::Mode::UsageError;
    inv.message = usageMessage({}, problem);
    return inv;
}

/// Splits `--name=value` into name and value.
void splitInlineValue(QString& arg, QString& inlineValue, bool& hasInline)
{
    hasInline = false;
    if (arg.startsWith(QLatin1String("--"))) {
        const qsizetype eq = arg.indexOf(QLatin1Char('='));
        if (eq > 0) {
            inlineValue = arg.mid(eq + 1);
            arg.truncate(eq);
            hasInline = true;
        }
    }
}

} // namespace

QString helpText()
{
    return QStringLiteral(
               "Usage: %1 [options]                 open the console window\n"
               "       %1 --headless [options]      run the listener without a window\n"
               "       %1 calls list [--json] [--limit N] [--data-dir DIR]\n"
               "       %1 calls show CALLSID [--json] [--data-dir DIR]\n"
               "       %1 webhooks list|show|replay ...   the webhook log (see 'webhooks --help')\n"
               "       %1 credentials set|show|clear|check|list|use ...   Twilio credentials in the keychain\n"
               "       %1 simulate --url URL ...   play Twilio's side of calls (see 'simulate --help')\n"
               "       %1 simulate --serve-api ...   a local stand-in for Twilio's REST API\n"
               "\n"
               "%2, an operator console for Twilio voice calls.\n"
               "\n"
               "Options:\n"
               "  --headless              Run listener, flows, storage and audio capture without a\n"
               "                          window; log one line per event; stop on SIGINT/SIGTERM.\n"
               "  --port N                Listener port (default 8080; 0 picks a free one).\n"
               "  --bind ADDR             Listener address (default 127.0.0.1).\n"
               "  --data-dir DIR          Data folder (default: %3).\n"
               "  --public-url URL        The https:// URL Twilio calls (tunnel); signatures are\n"
               "                          checked against it. Default: http://ADDR:PORT.\n"
               "  --flow NAME             Flow for incoming calls (default: appointment).\n"
               "  --tunnel SPEC           Start a tunnel and follow its public URL: cloudflared,\n"
               "                          ngrok, command:'CMD {port}', url:https://... (also\n"
               "                          cloudflared:PATH / ngrok:PATH for another binary).\n"
               "  --tunnel-url-pattern RE Regular expression for the URL in a command's output.\n"
               "  --behind-proxy HEADER   A reverse proxy on this machine names the client in\n"
               "                          HEADER (Cf-Connecting-Ip; X-Forwarded-For: its last\n"
               "                          entry); trusted on loopback requests only. Without it\n"
               "                          only --tunnel cloudflared/ngrok's own header is.\n"
               "  --update-number NUMBER  Point this Twilio number (PN... or +E.164) at the public\n"
               "                          URL (/voice, /status) and follow it; old values are kept.\n"
               "  --restore-number-on-exit  Put the number's own settings back when stopping.\n"
               "  --account-sid AC...     Account for --update-number and call actions (default:\n"
               "                          credentials profile).\n"
               "  --api-base URL          Twilio REST base (default: profile's, or api.twilio.com).\n"
               "  --reconcile-after SECONDS  A live call with no stream and nothing arriving for\n"
               "                          this long is checked through the REST API, or ended as\n"
               "                          ended-unknown without credentials (default 120).\n"
               "  --auto-listen           Always play the newest live call on the default audio\n"
               "                          output (switch when a newer call starts).\n"
               "  --rate-limit N          Webhooks per second per client, burst 2N (default 50);\n"
               "                          clients behind a tunnel are told apart by its header.\n"
               "  --auth-token-stdin      Read the Twilio auth token from the first line of stdin.\n"
               "  --insecure-skip-signature-check\n"
               "                          Accept webhooks without checking X-Twilio-Signature\n"
               "                          (development only; warns on every request).\n"
               "  -h, --help              Show this help and exit.\n"
               "  -v, --version           Show the version and exit.\n"
               "\n"
               "Qt's own options (-platform NAME, -style NAME, ...) are passed to Qt.\n"
               "\n"
               "Exit codes: 0 success, 1 failure, 2 usage error.\n")
        .arg(QLatin1String(kAppName), QLatin1String(kDisplayName), resolveDataDir(QString()));
}

QString versionText()
{
    return QStringLiteral("%1 %2 (Qt %3)\n")
        .arg(QLatin1String(kAppName), QLatin1String(kVersion), QLatin1String(qVersion()));
}

QString resolveDataDir(const QString& requested)
{
    if (!requested.isEmpty())
        return QDir(requested).absolutePath();
    QString base = QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation);
    if (base.isEmpty())
        base = QDir::home().filePath(QStringLiteral(".local/share"));
    return QDir(base).filePath(QLatin1String(kAppName));
}

Invocation parse(const QStringList& arguments)
{
    Invocation inv;
    inv.qtArguments << (arguments.isEmpty() ? QLatin1String(kAppName) : arguments.first());
    if (arguments.size() > 1 && subcommandNames().contains(arguments.at(1))) {
        inv.mode = Invocation::Mode::Subcommand;
        inv.subcommand = arguments.at(1);
        inv.subcommandArguments = arguments.mid(2);
        return inv;
    }
    bool help = false;
    bool version = false;
    bool headless = false;
    QStringList positional;
    for (qsizetype i = 1; i < arguments.size(); ++i) {
        QString arg = arguments.at(i);
        QString inlineValue;
        bool hasInline = false;
        splitInlineValue(arg, inlineValue, hasInline);
        auto value = [&](QString* out) -> bool {
            if (hasInline) {
                *out = inlineValue;
                return true;
            }
            if (i + 1 >= arguments.size())
                return false;
            *out = arguments.at(++i);
            return true;
        };
        QString v;
        if (arg == QLatin1String("-h") || arg == QLatin1String("--help")) {
            help = true;
        } else if (arg == QLatin1String("-v") || arg == QLatin1String("--version")) {
            version = true;
        } else if (arg == QLatin1String("--headless")) {
            headless = true;
        } else if (arg == QLatin1String("--auth-token-stdin")) {
            inv.core.authTokenFromStdin = true;
        } else if (arg == QLatin1String("--insecure-skip-signature-check")) {
            inv.core.skipSignatureCheck = true;
        } else if (arg == QLatin1String("--port")) {
            if (!value(&v))
                return usageError(QStringLiteral("option '--port' needs a value"));
            bool ok = false;
            const uint port = v.toUInt(&ok);
            if (!ok || port > 65535)
                return usageError(QStringLiteral("'--port %1': expected a number from 0 to 65535").arg(v));
            inv.core.port = quint16(port);
        } else if (arg == QLatin1String("--bind")) {
            if (!value(&v))
                return usageError(QStringLiteral("option '--bind' needs a value"));
            QHostAddress address;
            if (!address.setAddress(v))
                return usageError(QStringLiteral("'--bind %1': not an IP address").arg(v));
            inv.core.bind = address;
        } else if (arg == QLatin1String("--data-dir")) {
            if (!value(&v) || v.isEmpty())
                return usageError(QStringLiteral("option '--data-dir' needs a value"));
            inv.core.dataDir = v;
        } else if (arg == QLatin1String("--public-url")) {
            if (!value(&v))
                return usageError(QStringLiteral("option '--public-url' needs a value"));
            const QUrl url(v, QUrl::StrictMode);
            if (!url.isValid() || (url.scheme() != QLatin1String("https") && url.scheme() != QLatin1String("http")) ||
                url.host().isEmpty())
                return usageError(QStringLiteral("'--public-url %1': expected an http(s):// URL").arg(v));
            inv.core.publicUrl = v;
        } else if (arg == QLatin1String("--tunnel")) {
            if (!value(&v) || v.isEmpty())
                return usageError(QStringLiteral("option '--tunnel' needs a value"));
            inv.core.tunnel = v;
        } else if (arg == QLatin1String("--update-number")) {
            if (!value(&v) || v.isEmpty())
                return usageError(QStringLiteral("option '--update-number' needs a PN... SID or an E.164 number"));
            inv.core.updateNumber = v;
        } else if (arg == QLatin1String("--auto-listen")) {
            inv.core.autoListen = true;
        } else if (arg == QLatin1String("--restore-number-on-exit")) {
            inv.core.restoreNumberOnExit = true;
        } else if (arg == QLatin1String("--account-sid")) {
            if (!value(&v) || !twilio::isValidSid(v, QLatin1String("AC")))
                return usageError(QStringLiteral("'--account-sid' needs AC followed by 32 hex digits"));
            inv.core.accountSid = v;
        } else if (arg == QLatin1String("--api-base")) {
            if (!value(&v) || !QUrl(v).isValid() || !v.startsWith(QLatin1String("http")))
                return usageError(QStringLiteral("'--api-base' needs an http(s):// URL"));
            inv.core.apiBase = v;
        } else if (arg == QLatin1String("--reconcile-after")) {
            if (!value(&v))
                return usageError(QStringLiteral("option '--reconcile-after' needs a value"));
            bool ok = false;
            const int seconds = v.toInt(&ok);
            if (!ok || seconds < 1 || seconds > 86400)
                return usageError(QStringLiteral("'--reconcile-after %1': expected seconds, from 1 to 86400").arg(v));
            inv.core.reconcileAfterSeconds = seconds;
        } else if (arg == QLatin1String("--tunnel-url-pattern")) {
            if (!value(&v) || v.isEmpty())
                return usageError(QStringLiteral("option '--tunnel-url-pattern' needs a value"));
            if (!QRegularExpression(v).isValid())
                return usageError(QStringLiteral("'--tunnel-url-pattern': not a valid regular expression"));
            inv.core.tunnelUrlPattern = v;
        } else if (arg == QLatin1String("--behind-proxy")) {
            if (!value(&v))
                return usageError(QStringLiteral("option '--behind-proxy' needs a value"));
            if (!QRegularExpression(QStringLiteral("^[A-Za-z0-9!#$%&'*+.^_`|~-]+$")).match(v).hasMatch())
                return usageError(
                    QStringLiteral("'--behind-proxy %1': expected a header name such as Cf-Connecting-Ip").arg(v));
            inv.core.behindProxy = v;
        } else if (arg == QLatin1String("--rate-limit")) {
            if (!value(&v))
                return usageError(QStringLiteral("option '--rate-limit' needs a value"));
            bool ok = false;
            inv.core.requestsPerSecond = v.toDouble(&ok);
            if (!ok || inv.core.requestsPerSecond < 1 || inv.core.requestsPerSecond > 1e6)
                return usageError(QStringLiteral("'--rate-limit %1': expected requests per second, 1 or more").arg(v));
        } else if (arg == QLatin1String("--flow")) {
            if (!value(&v) || v.isEmpty())
                return usageError(QStringLiteral("option '--flow' needs a value"));
            inv.core.flow = v;
        } else if (auto it = qtOptions().constFind(arg); it != qtOptions().constEnd()) {
            inv.qtArguments << arg;
            if (*it == 1) {
                if (i + 1 >= arguments.size())
                    return usageError(QStringLiteral("option '%1' needs a value").arg(arg));
                inv.qtArguments << arguments.at(++i);
            }
        } else if (arg.startsWith(QLatin1Char('-')) && arg.size() > 1) {
            return usageError(QStringLiteral("unknown option '%1'").arg(arguments.at(i)));
        } else {
            positional << arg;
        }
    }
    if (help) {
        inv.mode = Invocation::Mode::Help;
        inv.message = helpText();
        return inv;
    }
    if (version) {
        inv.mode = Invocation::Mode::Version;
        inv.message = versionText();
        return inv;
    }
    if (!positional.isEmpty()) {
        if (subcommandNames().contains(positional.first()))
            return usageError(
                QStringLiteral("'%1' must come first: %2 %1 ...").arg(positional.first(), QLatin1String(kAppName)));
        return usageError(QStringLiteral("unknown command '%1'").arg(positional.first()));
    }
    if (headless)
        inv.mode = Invocation::Mode::Headless;
    return inv;
}

} // namespace sb::cli
