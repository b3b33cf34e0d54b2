// SPDX-License-Identifier: GPL-3.0-or-later
#include "webhook/SignatureDiagnosis.h"

#include <QJsonArray>
#include <QRegularExpression>
#include <QUrl>

namespace sb::webhook {
namespace {

using twilio::signature::Check;
using twilio::signature::Verdict;

QByteArray header(const HeaderList& headers, const QByteArray& name)
{
    for (const auto& [n, v] : headers) {
        if (n.compare(name, Qt::CaseInsensitive) == 0)
            return v.trimmed();
    }
    return QByteArray();
}

QString otherScheme(const QString& base)
{
    if (base.startsWith(QLatin1String("https://")))
        return QStringLiteral("http://") + base.mid(8);
    if (base.startsWith(QLatin1String("http://")))
        return QStringLiteral("https://") + base.mid(7);
    return QString();
}

QString schemeOf(const QString& base)
{
    return base.startsWith(QLatin1String("https://")) ? QStringLiteral("https") : QStringLiteral("http");
}

/// One request target to try: its base, path and query, and what differs from what came in.
struct Variant
{
    QString base;
    QByteArray path;
    QByteArray query;
    QString change; ///< in words; empty for a different base only
    QString url() const
    {
        return base + QString::fromUtf8(path) +
               (query.isEmpty() ? QString() : QLatin1Char('?') + QString::fromUtf8(query));
    }
};

void addUnique(QStringList& list, const QString& value)
{
    if (!value.isEmpty() && !list.contains(value))
        list.append(value);
}

bool looksSecret(const QString& name)
{
    static const QRegularExpression secret(QStringLiteral("token|secret|password|signature"),
                                           QRegularExpression::CaseInsensitiveOption);
    return secret.match(name).hasMatch();
}

} // namespace

QString diagnosisCauseName(DiagnosisCause cause)
{
    switch (cause) {
    case DiagnosisCause::None:
        return QStringLiteral("none");
    case DiagnosisCause::MissingSignature:
        return QStringLiteral("missing-signature");
    case DiagnosisCause::NoAuthToken:
        return QStringLiteral("no-auth-token");
    case DiagnosisCause::WrongPublicUrl:
        return QStringLiteral("wrong-public-url");
    case DiagnosisCause::ProxyRewrote:
        return QStringLiteral("proxy-rewrote");
    case DiagnosisCause::WrongTokenOrBody:
        return QStringLiteral("wrong-token-or-body");
    case DiagnosisCause::BodyChanged:
        return QStringLiteral("body-changed");
    case DiagnosisCause::MissingBodyHash:
        return QStringLiteral("missing-body-hash");
    }
    return QString();
}

QJsonObject SignatureDiagnosis::toJson() const
{
    QJsonArray params;
    for (const auto& [name, value] : parameters)
        params.append(QJsonObject{{QStringLiteral("name"), name}, {QStringLiteral("value"), value}});
    return QJsonObject{
        {QStringLiteral("cause"), diagnosisCauseName(cause)},
        {QStringLiteral("summary"), summary},
        {QStringLiteral("explanation"), explanation},
        {QStringLiteral("expected_url"), expectedUrl},
        {QStringLiteral("signed_url"), signedUrl.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(signedUrl)},
        {QStringLiteral("parameters"), params},
        {QStringLiteral("tried_urls"), QJsonArray::fromStringList(triedUrls)},
    };
}

SignatureDiagnosis diagnoseSignature(const QByteArray& authToken, const DiagnosisRequest& request)
{
    SignatureDiagnosis d;
    const Variant received{request.publicBase, request.path, request.query, QString()};
    d.expectedUrl = received.url();
    for (const auto& [name, value] : request.params)
        d.parameters.append({name, looksSecret(name) ? QStringLiteral("[redacted]") : value});
    d.triedUrls.append(d.expectedUrl);

    auto check = [&](const QString& url) -> Check {
        return request.jsonBody ? twilio::signature::validateWithBody(authToken, request.signature, url, request.body)
                                : twilio::signature::validate(authToken, request.signature, url, request.params);
    };

    if (request.signature.isEmpty()) {
        d.cause = DiagnosisCause::MissingSignature;
        d.summary = QStringLiteral("no X-Twilio-Signature: not from Twilio, or a proxy stripped it");
        d.explanation = QStringLiteral(
            "The request carries no X-Twilio-Signature header. Twilio signs every webhook, so either it did not come "
            "from Twilio (a browser, a script, a scanner), or a proxy or tunnel in between removed the header.");
        return d;
    }
    if (authToken.isEmpty()) {
        d.cause = DiagnosisCause::NoAuthToken;
        d.summary = QStringLiteral("no auth token to check the signature with");
        d.explanation = QStringLiteral(
            "This app has no Twilio auth token (no credentials profile and no --auth-token-stdin), so it cannot "
            "check any signature. Store the account's credentials with `switchboard credentials set`.");
        return d;
    }
    const Check asReceived = check(d.expectedUrl);
    switch (asReceived.verdict) {
    case Verdict::Valid:
        d.cause = DiagnosisCause::None;
        d.signedUrl = asReceived.matchedUrl;
        d.summary = QStringLiteral("signature valid for %1").arg(asReceived.matchedUrl);
        return d;
    case Verdict::BodyHashMismatch:
        d.cause = DiagnosisCause::BodyChanged;
        d.signedUrl = asReceived.matchedUrl;
        d.summary = QStringLiteral("the body was changed on the way (its SHA-256 is not the bodySHA256 Twilio signed)");
        d.explanation = QStringLiteral("The signature matches the URL, but the body's SHA-256 differs from the "
                                       "bodySHA256 in it: something between Twilio and this app changed the body.");
        return d;
    case Verdict::MissingBodyHash:
        d.cause = DiagnosisCause::MissingBodyHash;
        d.summary = QStringLiteral("a JSON body without bodySHA256 in the URL: not signed the way Twilio signs JSON");
        d.explanation = QStringLiteral("Twilio signs a JSON body by adding its SHA-256 to the URL as bodySHA256; "
                                       "this URL has none, so the request was not signed by Twilio, or a proxy "
                                       "dropped the query.");
        return d;
    default:
        break;
    }

    // Other bases: the other scheme, the Host header's URL, a proxy's X-Forwarded-* URL.
    QStringList bases{request.publicBase};
    addUnique(bases, otherScheme(request.publicBase));
    const QString host = QString::fromLatin1(header(request.headers, "Host"));
    if (!host.isEmpty()) {
        addUnique(bases, schemeOf(request.publicBase) + QStringLiteral("://") + host);
        addUnique(bases, otherScheme(schemeOf(request.publicBase) + QStringLiteral("://") + host));
    }
    const QString forwardedHost = QString::fromLatin1(header(request.headers, "X-Forwarded-Host"));
    const QString forwardedProto = QString::fromLatin1(header(request.headers, "X-Forwarded-Proto")).toLower();
    if (!forwardedHost.isEmpty())
        addUnique(bases,
                  (forwardedProto.isEmpty() ? schemeOf(request.publicBase) : forwardedProto) + QStringLiteral("://") +
                      forwardedHost);

    // Other targets: path and query as a proxy may have changed them.
    QList<Variant> targets{received};
    auto addTarget = [&](const QByteArray& path, const QByteArray& query, const QString& change) {
        for (const Variant& t : targets) {
            if (t.path == path && t.query == query)
                return;
        }
        targets.append(Variant{request.publicBase, path, query, change});
    };
    const QByteArray decoded = QByteArray::fromPercentEncoding(request.path);
    const QByteArray encoded = QUrl::toPercentEncoding(QString::fromUtf8(decoded), "/");
    const QByteArray toggled = request.path.endsWith('/') ? request.path.chopped(1) : request.path + '/';
    addTarget(decoded,
              request.query,
              QStringLiteral("the path arrived percent-encoded; Twilio signed it percent-decoded as %1"));
    addTarget(encoded, request.query, QStringLiteral("the path's percent-encoding was changed; Twilio signed %1"));
    addTarget(toggled,
              request.query,
              request.path.endsWith('/') ? QStringLiteral("a trailing / was added to the path")
                                         : QStringLiteral("a trailing / was removed from the path"));
    if (!request.query.isEmpty())
        addTarget(request.path, QByteArray(), QStringLiteral("a query string was added to the URL"));

    // Fewest changes first: another base alone, then a changed target on each base.
    QList<Variant> variants;
    for (qsizetype b = 1; b < bases.size(); ++b)
        variants.append(Variant{bases.at(b), request.path, request.query, QString()});
    for (const QString& base : bases) {
        for (qsizetype t = 1; t < targets.size(); ++t) {
            Variant v = targets.at(t);
            v.base = base;
            variants.append(v);
        }
    }
    for (const Variant& v : variants) {
        const QString url = v.url();
        if (d.triedUrls.contains(url))
            continue;
        d.triedUrls.append(url);
        const Check c = check(url);
        if (!c.valid())
            continue;
        d.signedUrl = c.matchedUrl;
        if (v.change.isEmpty()) {
            d.cause = DiagnosisCause::WrongPublicUrl;
            d.summary = QStringLiteral("wrong public URL (Twilio signed %1; we expected %2)").arg(url, d.expectedUrl);
            d.explanation =
                QStringLiteral("The signature is valid for %1, so Twilio was configured with that URL, while this "
                               "app checks against its public URL %2. Make them agree: set --public-url (or the "
                               "tunnel) to what Twilio calls, or point the number's webhook at %2.")
                    .arg(url, request.publicBase);
        } else {
            d.cause = DiagnosisCause::ProxyRewrote;
            const QString change =
                v.change.contains(QLatin1String("%1")) ? v.change.arg(QString::fromUtf8(v.path)) : v.change;
            d.summary = QStringLiteral("a proxy rewrote the request (%1: Twilio signed %2; we received %3)")
                            .arg(change, url, d.expectedUrl);
            d.explanation = QStringLiteral("The signature is valid for %1, but the request arrived as %2: something "
                                           "between Twilio and this app (a proxy, a tunnel, a load balancer) changed "
                                           "it (%3). Configure it to pass the URL through unchanged.")
                                .arg(url, d.expectedUrl, change);
            if (v.base != request.publicBase)
                d.explanation += QStringLiteral(" The host or scheme differs too: check --public-url.");
        }
        return d;
    }
    d.cause = DiagnosisCause::WrongTokenOrBody;
    d.summary = QStringLiteral("wrong auth token (or the body was changed on the way)");
    d.explanation =
        QStringLiteral(
            "The signature matches none of the %1 URLs tried with these parameters. Either the auth token this app "
            "checks with is not the account's primary auth token (rotated, another account or subaccount), or the "
            "parameters were changed, added or removed on the way.")
            .arg(d.triedUrls.size());
    return d;
}

} // namespace sb::webhook
