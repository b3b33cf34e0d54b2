// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "twilio/Form.h"
#include "twilio/Signature.h"
#include "webhook/Webhook.h"

#include <QJsonObject>
#include <QString>
#include <QStringList>

namespace sb::webhook {

/// Why a request failed the X-Twilio-Signature check, worked out while the auth token and the
/// unredacted header are still at hand (the stored log keeps neither, so it cannot be done
/// later). The listener computes it for every refused signature and stores it with the entry.
///
/// The usual causes are tried by signing the same request under other URLs: the Host header's
/// URL, http and https, with and without the port (validate() already tries both), with and
/// without the query, the path percent-decoded and re-encoded, with and without a trailing `/`.
/// A match tells the URL Twilio really signed. Pure functions; safe on any thread. The result
/// holds no token and no signature.
struct DiagnosisRequest
{
    QString publicBase;        ///< the listener's public URL, e.g. `https://abc.trycloudflare.com`
    QByteArray path;           ///< as received
    QByteArray query;          ///< as received, without '?'
    HeaderList headers;        ///< as received (Host, X-Forwarded-Proto, X-Forwarded-Host are read)
    twilio::FormParams params; ///< the signed parameters (a form POST's body; empty otherwise)
    QByteArray body;           ///< the raw body (checked against bodySHA256 for JSON)
    bool jsonBody = false;
    QByteArray signature; ///< the X-Twilio-Signature value (empty: none)
};

enum class DiagnosisCause {
    None,             ///< the signature is valid
    MissingSignature, ///< no X-Twilio-Signature
    NoAuthToken,      ///< nothing to check with
    WrongPublicUrl,   ///< it matches another scheme/host/port: Twilio calls another URL
    ProxyRewrote,     ///< it matches another path or query: something between changed the request
    WrongTokenOrBody, ///< it matches nothing
    BodyChanged,      ///< JSON body whose SHA-256 differs from the signed bodySHA256
    MissingBodyHash,  ///< JSON body without bodySHA256 in the URL
};

/// Stable name stored in the log ("wrong-public-url", ...).
QString diagnosisCauseName(DiagnosisCause cause);

struct SignatureDiagnosis
{
    DiagnosisCause cause = DiagnosisCause::None;
    QString expectedUrl;           ///< the URL the listener validated against
    QString signedUrl;             ///< the URL the signature matches, when one was found
    QString summary;               ///< one line, e.g. "wrong public URL (Twilio signed ...; we expected ...)"
    QString explanation;           ///< a few sentences: what it means and what to do
    twilio::FormParams parameters; ///< the parameters signed with the URL (secret-looking values masked)
    QStringList triedUrls;         ///< every URL tried, the expected one first

    /// The stored form, a contract for the window: `{"cause", "summary", "explanation",
    /// "expected_url", "signed_url"|null, "parameters": [{"name", "value"}], "tried_urls": [...]}`.
    QJsonObject toJson() const;
};

SignatureDiagnosis diagnoseSignature(const QByteArray& authToken, const DiagnosisRequest& request);

} // namespace sb::webhook
