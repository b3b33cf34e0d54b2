// SPDX-License-Identifier: GPL-3.0-or-later
#include "tunnel/TunnelConfig.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace sb::tunnel {

TunnelConfig TunnelConfig::forCloudflared(quint16 port, const QString& program)
{
    TunnelConfig c;
    c.kind = Kind::Cloudflared;
    c.program = program;
    c.localPort = port;
    c.arguments = {QStringLiteral("tunnel"),
                   QStringLiteral("--no-autoupdate"),
                   QStringLiteral("--url"),
                   QStringLiteral("http://127.0.0.1:%1").arg(port)};
    c.urlPattern = cloudflaredUrlPattern();
    return c;
}

TunnelConfig TunnelConfig::forNgrok(quint16 port, const QString& program)
{
    TunnelConfig c;
    c.kind = Kind::Ngrok;
    c.program = program;
    c.localPort = port;
    c.arguments = {QStringLiteral("http"),
                   QString::number(port),
                   QStringLiteral("--log"),
                   QStringLiteral("stdout"),
                   QStringLiteral("--log-format"),
                   QStringLiteral("logfmt")};
    c.urlPattern = ngrokUrlPattern();
    c.ngrokApi = QUrl(QStringLiteral("http://127.0.0.1:4040"));
    return c;
}

QStringList splitCommandLine(const QString& commandLine)
{
    QStringList out;
    QString word;
    bool inWord = false;
    QChar quote; // '\'' or '"' while inside quotes
    for (qsizetype i = 0; i < commandLine.size(); ++i) {
        const QChar ch = commandLine.at(i);
        if (quote == QLatin1Char('\'')) {
            if (ch == quote)
                quote = QChar();
            else
                word += ch;
        } else if (quote == QLatin1Char('"')) {
            if (ch == quote)
                quote = QChar();
            else if (ch == QLatin1Char('\\') && i + 1 < commandLine.size() &&
                     QStringLiteral("\"\\$`").contains(commandLine.at(i + 1)))
                word += commandLine.at(++i);
            else
                word += ch;
        } else if (ch.isSpace()) {
            if (inWord)
                out.append(word);
            word.clear();
            inWord = false;
        } else {
            inWord = true;
            if (ch == QLatin1Char('\'') || ch == QLatin1Char('"'))
                quote = ch;
            else if (ch == QLatin1Char('\\') && i + 1 < commandLine.size())
                word += commandLine.at(++i);
            else
                word += ch;
        }
    }
    if (inWord)
        out.append(word);
    return out;
}

TunnelConfig TunnelConfig::forCommand(const QString& commandLine, quint16 port, const QRegularExpression& urlPattern)
{
    TunnelConfig c;
    c.kind = Kind::Command;
    c.localPort = port;
    QStringList parts = splitCommandLine(commandLine);
    for (QString& part : parts)
        part.replace(QLatin1String("{port}"), QString::number(port));
    if (!parts.isEmpty())
        c.program = parts.takeFirst();
    c.arguments = parts;
    c.urlPattern = (urlPattern.isValid() && !urlPattern.pattern().isEmpty()) ? urlPattern : defaultUrlPattern();
    return c;
}

TunnelConfig TunnelConfig::forFixedUrl(const QString& url)
{
    TunnelConfig c;
    c.kind = Kind::FixedUrl;
    c.fixedUrl = url;
    return c;
}

QRegularExpression cloudflaredUrlPattern()
{
    return QRegularExpression(QStringLiteral(R"((https://(?!api\.)[a-z0-9-]+\.trycloudflare\.com)\b)"),
                              QRegularExpression::CaseInsensitiveOption);
}

QRegularExpression ngrokUrlPattern()
{
    // logfmt: the URL value may be quoted. Lines from other objects (e.g. `obj=web`) never carry
    // msg="started tunnel".
    return QRegularExpression(QStringLiteral(R"re(msg="?started tunnel"?.*\burl="?(https://[^\s"]+))re"));
}

QRegularExpression defaultUrlPattern()
{
    return QRegularExpression(QStringLiteral(R"((https://[^\s"'<>|]+))"));
}

QString matchUrl(const QRegularExpression& pattern, const QString& line)
{
    if (!pattern.isValid() || pattern.pattern().isEmpty())
        return {};
    const QRegularExpressionMatch m = pattern.match(line);
    if (!m.hasMatch())
        return {};
    QString url = pattern.captureCount() >= 1 && m.capturedLength(1) > 0 ? m.captured(1) : m.captured(0);
    while (!url.isEmpty() && QStringLiteral(".,;:)]}'\"/").contains(url.back()))
        url.chop(1);
    return url;
}

static quint16 portOfAddr(const QString& addr)
{
    // ngrok writes config.addr as `http://localhost:8080`, `localhost:8080` or `8080`.
    const int colon = addr.lastIndexOf(QLatin1Char(':'));
    const QString tail = colon >= 0 ? addr.mid(colon + 1) : addr;
    bool ok = false;
    const uint port = tail.section(QLatin1Char('/'), 0, 0).toUInt(&ok);
    return ok && port <= 65535 ? static_cast<quint16>(port) : 0;
}

QString ngrokApiPublicUrl(const QByteArray& json, quint16 localPort)
{
    const QJsonArray tunnels = QJsonDocument::fromJson(json).object().value(QLatin1String("tunnels")).toArray();
    for (const QJsonValue& v : tunnels) {
        const QJsonObject t = v.toObject();
        const QString url = t.value(QLatin1String("public_url")).toString();
        if (!url.startsWith(QLatin1String("https://")))
            continue;
        const QString addr = t.value(QLatin1String("config")).toObject().value(QLatin1String("addr")).toString();
        if (localPort != 0 && portOfAddr(addr) != localPort)
            continue;
        return url;
    }
    return {};
}

QUrl ngrokWebAddress(const QString& line)
{
    static const QRegularExpression re(
        QStringLiteral(R"re(msg="?starting web service"?.*\baddr="?([0-9A-Za-z.\-\[\]:]+:[0-9]+))re"));
    const QRegularExpressionMatch m = re.match(line);
    if (!m.hasMatch())
        return {};
    return QUrl(QStringLiteral("http://") + m.captured(1));
}

Result<QString> normalisePublicUrl(const QString& url)
{
    const QUrl u(url.trimmed(), QUrl::StrictMode);
    const QString scheme = u.scheme().toLower();
    if (!u.isValid() || (scheme != QLatin1String("https") && scheme != QLatin1String("http")) || u.host().isEmpty())
        return makeError(QStringLiteral("tunnel-url"),
                         QStringLiteral("not an http(s) URL with a host: \"%1\"").arg(url.left(200)));
    if (u.hasQuery() || u.hasFragment() || !u.userInfo().isEmpty())
        return makeError(QStringLiteral("tunnel-url"),
                         QStringLiteral("a public URL has no user, query or fragment: \"%1\"").arg(url.left(200)));
    QString s = u.toString(QUrl::FullyEncoded);
    while (s.endsWith(QLatin1Char('/')))
        s.chop(1);
    return s;
}

Result<TunnelConfig> parseTunnelSpec(const QString& spec, quint16 localPort, const QRegularExpression& urlPattern)
{
    const QString s = spec.trimmed();
    const auto bad = [&](const QString& why) {
        return makeError(QStringLiteral("tunnel-spec"), QStringLiteral("tunnel \"%1\": %2").arg(s.left(200), why));
    };
    const int colon = s.indexOf(QLatin1Char(':'));
    const QString head = (colon < 0 ? s : s.left(colon)).toLower();
    const QString rest = colon < 0 ? QString() : s.mid(colon + 1).trimmed();
    const bool customPattern = urlPattern.isValid() && !urlPattern.pattern().isEmpty();

    if (head == QLatin1String("none") && rest.isEmpty())
        return TunnelConfig{};
    if (head == QLatin1String("cloudflared") || head == QLatin1String("ngrok")) {
        if (localPort == 0)
            return bad(QStringLiteral("the local port is not known"));
        TunnelConfig c = head == QLatin1String("cloudflared")
                             ? TunnelConfig::forCloudflared(localPort, rest.isEmpty() ? head : rest)
                             : TunnelConfig::forNgrok(localPort, rest.isEmpty() ? head : rest);
        if (customPattern)
            c.urlPattern = urlPattern;
        return c;
    }
    if (head == QLatin1String("command")) {
        if (rest.isEmpty())
            return bad(QStringLiteral("command: needs a command line"));
        TunnelConfig c = TunnelConfig::forCommand(rest, localPort, urlPattern);
        if (c.program.isEmpty())
            return bad(QStringLiteral("command: needs a command line"));
        return c;
    }
    QString fixed;
    if (head == QLatin1String("url"))
        fixed = rest;
    else if (head == QLatin1String("https") || head == QLatin1String("http"))
        fixed = s;
    else
        return bad(QStringLiteral("expected cloudflared, ngrok, command:CMD, url:URL or none"));
    const Result<QString> url = normalisePublicUrl(fixed);
    if (!url)
        return bad(url.error().message);
    return TunnelConfig::forFixedUrl(url.value());
}

} // namespace sb::tunnel
