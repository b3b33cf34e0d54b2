// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "twilio/Form.h"

#include <QByteArray>
#include <QString>
#include <QStringList>

namespace sb::twilio {

/// `X-Twilio-Signature`, computed and validated exactly as Twilio and its helper libraries do
/// (app/twilio/PROTOCOL.md §3). Pure functions; safe on any thread.
///
/// The auth token is passed as bytes so that callers can wipe their copy after use; it is never
/// stored or logged here.
namespace signature {

/// The string that is signed: `url` followed by every parameter as name+value, sorted by name
/// (code-point order), values of a repeated name deduplicated and sorted. `url` is used as given
/// (callers strip the `#fragment`; see signingUrl()).
QByteArray signedPayload(const QString& url, const FormParams& params);

/// Base64(HMAC-SHA1(authToken, signedPayload(url, params))).
QByteArray compute(const QByteArray& authToken, const QString& url, const FormParams& params = {});

/// Lower-case hex SHA-256 of a raw body, the value Twilio puts in `bodySHA256`.
QByteArray bodySha256Hex(const QByteArray& body);

/// Appends `bodySHA256=<hex>` to the URL's query, as Twilio does before signing a JSON body.
QString urlWithBodyHash(const QString& url, const QByteArray& body);

/// The URL Twilio signs for a configured webhook URL: fragment (connection overrides) and
/// `user:pass@` removed; for https the port is dropped (Twilio's rule for voice callbacks).
QString signingUrl(const QString& configuredUrl);

/// The URL forms a validator accepts for `url`, in the order the official libraries try them:
/// port removed, port added (443/80 when absent), then both again with the query string
/// re-serialised the way Node's legacy `querystring` does. Duplicates are removed.
QStringList candidateUrls(const QString& url);

/// Constant-time comparison (time depends only on the lengths).
bool constantTimeEquals(const QByteArray& a, const QByteArray& b);

enum class Verdict {
    Valid,
    MissingHeader,    ///< no X-Twilio-Signature
    NoAuthToken,      ///< nothing to validate against (configuration problem)
    Mismatch,         ///< signature does not match any URL variant
    BodyHashMismatch, ///< signature matched but SHA-256 of the body differs from bodySHA256
    MissingBodyHash,  ///< JSON body but the URL carries no bodySHA256
};

struct Check
{
    Verdict verdict = Verdict::Mismatch;
    QString matchedUrl; ///< the URL variant that matched (for the signature debugger)
    bool valid() const { return verdict == Verdict::Valid; }
    QString reason() const;
};

/// Validates a form-encoded (or GET, with empty params) request.
Check validate(const QByteArray& authToken, const QByteArray& header, const QString& url, const FormParams& params);

/// Validates a JSON-body request (`bodySHA256` variant): the signature covers the URL with no
/// parameters, and the body hash must equal the URL's `bodySHA256`.
Check validateWithBody(const QByteArray& authToken,
                       const QByteArray& header,
                       const QString& url,
                       const QByteArray& rawBody);

/// Validates a Media Streams WebSocket upgrade: the `wss://` URL from the TwiML with empty
/// parameters, and the same URL with a trailing `/` as Twilio's docs advise.
Check validateWebSocket(const QByteArray& authToken, const QByteArray& header, const QString& wssUrl);

QString verdictName(Verdict verdict);

} // namespace signature
} // namespace sb::twilio
