// SPDX-License-Identifier: GPL-3.0-or-later
#include "twilio/Signature.h"

#include <QCryptographicHash>
#include <QHash>
#include <QMap>
#include <QMessageAuthenticationCode>
#include <algorithm>

namespace sb::twilio::signature {
namespace {

/// The parts of an absolute URL, split without normalising anything, so the path and query keep
/// the exact bytes Twilio signed.
struct UrlParts
{
    QString scheme;   ///< including "://"
    QString userInfo; ///< including the trailing '@', or empty
    QString host;
    QString port; ///< including the leading ':', or empty
    QString rest; ///< path, query and fragment
};

bool splitUrl(const QString& url, UrlParts& parts)
{
    const qsizetype sep = url.indexOf(QLatin1String("://"));
    if (sep <= 0)
        return false;
    for (qsizetype i = 0; i < sep; ++i) {
        const QChar c = url.at(i);
        const bool ok = (c.isLetter() && c.unicode() < 128) ||
                        (i > 0 && ((c.isDigit() && c.unicode() < 128) || c == QLatin1Char('+') ||
                                   c == QLatin1Char('.') || c == QLatin1Char('-')));
        if (!ok)
            return false;
    }
    const qsizetype authorityStart = sep + 3;
    qsizetype authorityEnd = authorityStart;
    while (authorityEnd < url.size()) {
        const QChar c = url.at(authorityEnd);
        if (c == QLatin1Char('/') || c == QLatin1Char('?') || c == QLatin1Char('#'))
            break;
        ++authorityEnd;
    }
    const QString authority = url.mid(authorityStart, authorityEnd - authorityStart);
    const qsizetype at = authority.lastIndexOf(QLatin1Char('@'));
    const QString hostAndPort = authority.mid(at + 1);
    const qsizetype bracket = hostAndPort.lastIndexOf(QLatin1Char(']'));
    const qsizetype colon = hostAndPort.indexOf(QLatin1Char(':'), bracket + 1);
    parts.scheme = url.left(authorityStart);
    parts.userInfo = authority.left(at + 1);
    parts.host = colon < 0 ? hostAndPort : hostAndPort.left(colon);
    parts.port = colon < 0 ? QString() : hostAndPort.mid(colon);
    parts.rest = url.mid(authorityEnd);
    return true;
}

QString join(const UrlParts& p, bool withUserInfo = true)
{
    return p.scheme + (withUserInfo ? p.userInfo : QString()) + p.host + p.port + p.rest;
}

bool isSecureScheme(const QString& scheme)
{
    return scheme.compare(QLatin1String("https://"), Qt::CaseInsensitive) == 0 ||
           scheme.compare(QLatin1String("wss://"), Qt::CaseInsensitive) == 0;
}

QString defaultPortFor(const QString& scheme)
{
    return isSecureScheme(scheme) ? QStringLiteral(":443") : QStringLiteral(":80");
}

QString removePort(const QString& url)
{
    UrlParts p;
    if (!splitUrl(url, p))
        return url;
    p.port.clear();
    return join(p);
}

/// Adds the default port as twilio-node does: 443 for https, 80 for every other scheme (wss too;
/// validateWebSocket() adds the wss:443 form itself).
QString addPort(const QString& url)
{
    UrlParts p;
    if (!splitUrl(url, p) || !p.port.isEmpty())
        return url;
    p.port = p.scheme.compare(QLatin1String("https://"), Qt::CaseInsensitive) == 0 ? QStringLiteral(":443")
                                                                                   : QStringLiteral(":80");
    return join(p);
}

QString addDefaultPort(const QString& url)
{
    UrlParts p;
    if (!splitUrl(url, p) || !p.port.isEmpty())
        return url;
    p.port = defaultPortFor(p.scheme);
    return join(p);
}

// --- A WHATWG-style serialisation of http(s)/ws(s) URLs, enough to match what Node's
// `new URL(url).toString()` produces for the URLs a webhook can have.

bool inPathEncodeSet(char16_t c)
{
    return c <= 0x20 || c == u'"' || c == u'#' || c == u'<' || c == u'>' || c == u'?' || c == u'`' || c == u'{' ||
           c == u'}' || c == 0x7f;
}

bool inSpecialQueryEncodeSet(char16_t c)
{
    return c <= 0x20 || c == u'"' || c == u'#' || c == u'<' || c == u'>' || c == u'\'' || c == 0x7f;
}

QString percentEncode(QStringView text, bool (*inSet)(char16_t))
{
    QString out;
    out.reserve(text.size());
    for (qsizetype i = 0; i < text.size(); ++i) {
        const char16_t c = text.at(i).unicode();
        if (c < 0x80) {
            if (inSet(c))
                out += QLatin1Char('%') + QString::number(c, 16).toUpper().rightJustified(2, QLatin1Char('0'));
            else
                out += QChar(c);
            continue;
        }
        // Non-ASCII: UTF-8 bytes, percent-encoded. Take a surrogate pair together.
        qsizetype len = 1;
        if (QChar::isHighSurrogate(c) && i + 1 < text.size() && text.at(i + 1).isLowSurrogate())
            len = 2;
        const QByteArray utf8 = text.mid(i, len).toUtf8();
        for (const char b : utf8)
            out += QLatin1Char('%') +
                   QString::number(static_cast<unsigned char>(b), 16).toUpper().rightJustified(2, QLatin1Char('0'));
        i += len - 1;
    }
    return out;
}

QString normalizeUrl(const QString& url)
{
    UrlParts p;
    if (!splitUrl(url, p))
        return url;
    p.scheme = p.scheme.toLower();
    p.host = p.host.toLower();
    if (p.port == QLatin1String(":") || p.port == defaultPortFor(p.scheme))
        p.port.clear();
    QString rest = p.rest;
    const qsizetype hash = rest.indexOf(QLatin1Char('#'));
    QString fragment;
    if (hash >= 0) {
        fragment = rest.mid(hash);
        rest.truncate(hash);
    }
    const qsizetype q = rest.indexOf(QLatin1Char('?'));
    QString path = q < 0 ? rest : rest.left(q);
    QString query = q < 0 ? QString() : rest.mid(q + 1);
    path.replace(QLatin1Char('\\'), QLatin1Char('/'));
    if (path.isEmpty())
        path = QStringLiteral("/");
    QString out = p.scheme + p.userInfo + p.host + p.port + percentEncode(path, inPathEncodeSet);
    if (q >= 0)
        out += QLatin1Char('?') + percentEncode(query, inSpecialQueryEncodeSet);
    return out + fragment;
}

// --- Node's legacy `querystring` round trip: parse() then stringify().

QString qsUnescape(QString s)
{
    s.replace(QLatin1Char('+'), QLatin1Char(' '));
    return QString::fromUtf8(QByteArray::fromPercentEncoding(s.toUtf8()));
}

QString qsEscape(const QString& s)
{
    // encodeURIComponent's unreserved set, as Node's querystring.escape uses.
    return QString::fromLatin1(s.toUtf8().toPercentEncoding(QByteArrayLiteral("!'()*"), QByteArray()));
}

bool isArrayIndex(const QString& key)
{
    if (key.isEmpty() || key.size() > 10 || (key.size() > 1 && key.at(0) == QLatin1Char('0')))
        return false;
    bool ok = false;
    const qulonglong v = key.toULongLong(&ok);
    return ok && v < 4294967295ULL &&
           std::all_of(key.begin(), key.end(), [](QChar c) { return c.isDigit() && c.unicode() < 128; });
}

QString withLegacyQuerystring(const QString& url)
{
    const qsizetype q = url.indexOf(QLatin1Char('?'));
    if (q < 0 || q == url.size() - 1)
        return url;
    QStringList order;
    QHash<QString, QStringList> values;
    for (const QString& segment : url.mid(q + 1).split(QLatin1Char('&'))) {
        if (segment.isEmpty())
            continue;
        const qsizetype eq = segment.indexOf(QLatin1Char('='));
        const QString key = qsUnescape(eq < 0 ? segment : segment.left(eq));
        const QString value = eq < 0 ? QString() : qsUnescape(segment.mid(eq + 1));
        if (!values.contains(key))
            order << key;
        values[key] << value;
    }
    // JavaScript objects list integer-like keys first, ascending, then the rest in insertion order.
    std::stable_sort(order.begin(), order.end(), [](const QString& a, const QString& b) {
        const bool ia = isArrayIndex(a);
        const bool ib = isArrayIndex(b);
        if (ia && ib)
            return a.toULongLong() < b.toULongLong();
        return ia && !ib;
    });
    QStringList pairs;
    for (const QString& key : order) {
        for (const QString& value : values.value(key))
            pairs << qsEscape(key) + QLatin1Char('=') + qsEscape(value);
    }
    return url.left(q) + QLatin1Char('?') + pairs.join(QLatin1Char('&'));
}

Check checkAgainst(const QByteArray& authToken,
                   const QByteArray& header,
                   const QStringList& urls,
                   const FormParams& params)
{
    Check result;
    if (header.isEmpty()) {
        result.verdict = Verdict::MissingHeader;
        return result;
    }
    if (authToken.isEmpty()) {
        result.verdict = Verdict::NoAuthToken;
        return result;
    }
    // Try every candidate, without stopping early, so timing does not reveal which one matched.
    bool matched = false;
    for (const QString& candidate : urls) {
        if (constantTimeEquals(compute(authToken, candidate, params), header) && !matched) {
            matched = true;
            result.matchedUrl = candidate;
        }
    }
    result.verdict = matched ? Verdict::Valid : Verdict::Mismatch;
    return result;
}

QString queryValue(const QString& url, QLatin1String name)
{
    const qsizetype q = url.indexOf(QLatin1Char('?'));
    if (q < 0)
        return QString();
    QString query = url.mid(q + 1);
    const qsizetype hash = query.indexOf(QLatin1Char('#'));
    if (hash >= 0)
        query.truncate(hash);
    for (const QString& segment : query.split(QLatin1Char('&'))) {
        const qsizetype eq = segment.indexOf(QLatin1Char('='));
        if (eq >= 0 && QStringView(segment).left(eq) == name)
            return QString::fromUtf8(QByteArray::fromPercentEncoding(segment.mid(eq + 1).toUtf8()));
    }
    return QString();
}

} // namespace

QByteArray signedPayload(const QString& url, const FormParams& params)
{
    // Group by name (sorted by UTF-16 code units, as JavaScript's default sort and Python's
    // sorted() on BMP text do); distinct values per name, sorted the same way.
    QMap<QString, QStringList> grouped;
    for (const auto& [name, value] : params)
        grouped[name].append(value);
    QString data = url;
    for (auto it = grouped.begin(); it != grouped.end(); ++it) {
        QStringList values = it.value();
        if (values.size() > 1) {
            values.sort(Qt::CaseSensitive);
            values.erase(std::unique(values.begin(), values.end()), values.end());
        }
        for (const QString& value : values)
            data += it.key() + value;
    }
    return data.toUtf8();
}

QByteArray compute(const QByteArray& authToken, const QString& url, const FormParams& params)
{
    return QMessageAuthenticationCode::hash(signedPayload(url, params), authToken, QCryptographicHash::Sha1).toBase64();
}

QByteArray bodySha256Hex(const QByteArray& body)
{
    return QCryptographicHash::hash(body, QCryptographicHash::Sha256).toHex();
}

QString urlWithBodyHash(const QString& url, const QByteArray& body)
{
    QString base = url;
    QString fragment;
    const qsizetype hash = base.indexOf(QLatin1Char('#'));
    if (hash >= 0) {
        fragment = base.mid(hash);
        base.truncate(hash);
    }
    const QChar sep = base.contains(QLatin1Char('?')) ? QLatin1Char('&') : QLatin1Char('?');
    return base + sep + QStringLiteral("bodySHA256=") + QString::fromLatin1(bodySha256Hex(body)) + fragment;
}

QString signingUrl(const QString& configuredUrl)
{
    QString url = configuredUrl;
    const qsizetype hash = url.indexOf(QLatin1Char('#'));
    if (hash >= 0)
        url.truncate(hash);
    UrlParts p;
    if (!splitUrl(url, p))
        return url;
    p.userInfo.clear();
    if (p.scheme.compare(QLatin1String("https://"), Qt::CaseInsensitive) == 0)
        p.port.clear();
    return join(p);
}

QStringList candidateUrls(const QString& url)
{
    QString base = url;
    const qsizetype hash = base.indexOf(QLatin1Char('#'));
    if (hash >= 0)
        base.truncate(hash);
    const QString normalized = normalizeUrl(base);
    const QString normalizedWithoutPort = removePort(normalized);
    const QString normalizedWithPort = addPort(normalized);
    QStringList urls{removePort(base),
                     addPort(base),
                     normalizedWithoutPort,
                     normalizedWithPort,
                     withLegacyQuerystring(normalizedWithoutPort),
                     withLegacyQuerystring(normalizedWithPort)};
    urls.removeDuplicates();
    return urls;
}

bool constantTimeEquals(const QByteArray& a, const QByteArray& b)
{
    if (a.size() != b.size())
        return false;
    unsigned char diff = 0;
    for (qsizetype i = 0; i < a.size(); ++i)
        diff |= static_cast<unsigned char>(a[i] ^ b[i]);
    return diff == 0;
}

QString Check::reason() const
{
    switch (verdict) {
    case Verdict::Valid:
        return QStringLiteral("signature valid for %1").arg(matchedUrl);
    case Verdict::MissingHeader:
        return QStringLiteral("X-Twilio-Signature header is missing");
    case Verdict::NoAuthToken:
        return QStringLiteral("no auth token is configured, so no signature can be checked");
    case Verdict::Mismatch:
        return QStringLiteral("X-Twilio-Signature does not match the URL and parameters (wrong auth token, public URL "
                              "or a modified request)");
    case Verdict::BodyHashMismatch:
        return QStringLiteral("bodySHA256 in the URL does not match the SHA-256 of the body");
    case Verdict::MissingBodyHash:
        return QStringLiteral("the body is not a form, and the URL carries no bodySHA256");
    }
    return QString();
}

Check validate(const QByteArray& authToken, const QByteArray& header, const QString& url, const FormParams& params)
{
    return checkAgainst(authToken, header, candidateUrls(url), params);
}

Check validateWithBody(const QByteArray& authToken,
                       const QByteArray& header,
                       const QString& url,
                       const QByteArray& rawBody)
{
    Check check = checkAgainst(authToken, header, candidateUrls(url), {});
    if (!check.valid())
        return check;
    const QString expected = queryValue(url, QLatin1String("bodySHA256"));
    if (expected.isEmpty()) {
        check.verdict = Verdict::MissingBodyHash;
        return check;
    }
    if (!constantTimeEquals(bodySha256Hex(rawBody), expected.toLatin1()))
        check.verdict = Verdict::BodyHashMismatch;
    return check;
}

Check validateWebSocket(const QByteArray& authToken, const QByteArray& header, const QString& wssUrl)
{
    QStringList urls = candidateUrls(wssUrl);
    urls << addDefaultPort(wssUrl);
    if (!wssUrl.endsWith(QLatin1Char('/'))) {
        for (const QString& u : candidateUrls(wssUrl + QLatin1Char('/')))
            urls << u;
        urls << addDefaultPort(wssUrl + QLatin1Char('/'));
    }
    urls.removeDuplicates();
    return checkAgainst(authToken, header, urls, {});
}

QString verdictName(Verdict verdict)
{
    switch (verdict) {
    case Verdict::Valid:
        return QStringLiteral("valid");
    case Verdict::MissingHeader:
        return QStringLiteral("missing-signature");
    case Verdict::NoAuthToken:
        return QStringLiteral("no-auth-token");
    case Verdict::Mismatch:
        return QStringLiteral("mismatch");
    case Verdict::BodyHashMismatch:
        return QStringLiteral("body-hash-mismatch");
    case Verdict::MissingBodyHash:
        return QStringLiteral("missing-body-hash");
    }
    return QString();
}

} // namespace sb::twilio::signature
