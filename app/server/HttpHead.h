// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "common/Result.h"

#include <QByteArray>
#include <QHttpServerRequest>
#include <QList>
#include <QPair>

namespace sb::server {

/// The request line and headers of one HTTP/1.x request, parsed from raw bytes before the
/// request reaches QHttpServer (which has no size limits in Qt 6.4). Header names are kept as
/// received; lookups are case-insensitive.
struct HttpHead
{
    QByteArray method;
    QByteArray target; ///< origin-form: path plus optional `?query`
    QByteArray version;
    QList<QPair<QByteArray, QByteArray>> headers;
    qsizetype headSize = 0; ///< bytes up to and including the blank line

    QByteArray header(QByteArrayView name) const; ///< the first occurrence
    QByteArray lastHeader(QByteArrayView name) const;
    bool hasHeader(QByteArrayView name) const;
    QByteArray path() const;
    QByteArray query() const;
    bool isWebSocketUpgrade() const;
    bool isChunked() const;
    /// Content-Length, 0 when absent, -1 when malformed (several different values, not a number).
    qint64 contentLength() const;
};

enum class HeadStatus {
    Complete,   ///< head parsed
    Incomplete, ///< need more bytes
    Malformed,  ///< answer 400
    TooLarge,   ///< head exceeds the limit: answer 431
};

struct HeadParse
{
    HeadStatus status = HeadStatus::Incomplete;
    HttpHead head;
    QByteArray problem; ///< why it is malformed, for the log
};

/// The request method as it appears on the wire ("GET", "POST", ...; "OTHER" if Qt has no name).
QByteArray methodName(QHttpServerRequest::Method method);

/// Parses the head at the start of `data` (which may hold more bytes after it).
HeadParse parseHttpHead(QByteArrayView data, qsizetype maxHeadBytes);

} // namespace sb::server
