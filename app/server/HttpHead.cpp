// SPDX-License-Identifier: GPL-3.0-or-later
#include "server/HttpHead.h"

namespace sb::server {
namespace {

bool isTokenChar(char c)
{
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
        return true;
    switch (c) {
    case '!':
    case '#':
    case '$':
    case '%':
    case '&':
    case '\'':
    case '*':
    case '+':
    case '-':
    case '.':
    case '^':
    case '_':
    case '`':
    case '|':
    case '~':
        return true;
    default:
        return false;
    }
}

bool isToken(QByteArrayView s)
{
    if (s.isEmpty())
        return false;
    for (const char c : s) {
        if (!isTokenChar(c))
            return false;
    }
    return true;
}

HeadParse malformed(const char* problem)
{
    HeadParse p;
    p.status = HeadStatus::Malformed;
    p.problem = problem;
    return p;
}

bool containsToken(QByteArrayView list, QByteArrayView token)
{
    for (const QByteArray& part : list.toByteArray().split(',')) {
        if (part.trimmed().compare(token, Qt::CaseInsensitive) == 0)
            return true;
    }
    return false;
}

} // namespace

QByteArray HttpHead::header(QByteArrayView name) const
{
    for (const auto& [key, value] : headers) {
        if (key.compare(name, Qt::CaseInsensitive) == 0)
            return value;
    }
    return QByteArray();
}

QByteArray HttpHead::lastHeader(QByteArrayView name) const
{
    for (auto it = headers.crbegin(); it != headers.crend(); ++it) {
        if (it->first.compare(name, Qt::CaseInsensitive) == 0)
            return it->second;
    }
    return QByteArray();
}

bool HttpHead::hasHeader(QByteArrayView name) const
{
    for (const auto& h : headers) {
        if (h.first.compare(name, Qt::CaseInsensitive) == 0)
            return true;
    }
    return false;
}

QByteArray HttpHead::path() const
{
    const qsizetype q = target.indexOf('?');
    return q < 0 ? target : target.left(q);
}

QByteArray HttpHead::query() const
{
    const qsizetype q = target.indexOf('?');
    return q < 0 ? QByteArray() : target.mid(q + 1);
}

bool HttpHead::isWebSocketUpgrade() const
{
    return containsToken(header("Connection"), "upgrade") && containsToken(header("Upgrade"), "websocket");
}

bool HttpHead::isChunked() const
{
    for (const auto& [key, value] : headers) {
        if (key.compare("Transfer-Encoding", Qt::CaseInsensitive) == 0)
            return true; // any transfer coding: we accept only Content-Length bodies
    }
    return false;
}

qint64 HttpHead::contentLength() const
{
    qint64 length = 0;
    bool seen = false;
    for (const auto& [key, value] : headers) {
        if (key.compare("Content-Length", Qt::CaseInsensitive) != 0)
            continue;
        const QByteArray v = value.trimmed();
        bool ok = !v.isEmpty() && v.size() <= 18;
        for (const char c : v)
            ok = ok && c >= '0' && c <= '9';
        if (!ok)
            return -1;
        const qint64 n = v.toLongLong(&ok);
        if (!ok || (seen && n != length))
            return -1;
        length = n;
        seen = true;
    }
    return length;
}

QByteArray methodName(QHttpServerRequest::Method method)
{
    switch (method) {
    case QHttpServerRequest::Method::Get:
        return "GET";
    case QHttpServerRequest::Method::Put:
        return "PUT";
    case QHttpServerRequest::Method::Delete:
        return "DELETE";
    case QHttpServerRequest::Method::Post:
        return "POST";
    case QHttpServerRequest::Method::Head:
        return "HEAD";
    case QHttpServerRequest::Method::Options:
        return "OPTIONS";
    case QHttpServerRequest::Method::Patch:
        return "PATCH";
    case QHttpServerRequest::Method::Connect:
        return "CONNECT";
    case QHttpServerRequest::Method::Trace:
        return "TRACE";
    default:
        return "OTHER";
    }
}

HeadParse parseHttpHead(QByteArrayView data, qsizetype maxHeadBytes)
{
    const qsizetype end = data.indexOf(QByteArrayView("\r\n\r\n"));
    if (end < 0) {
        if (data.size() > maxHeadBytes) {
            HeadParse p;
            p.status = HeadStatus::TooLarge;
            p.problem = "request head exceeds the size limit";
            return p;
        }
        return HeadParse{};
    }
    if (end + 4 > maxHeadBytes) {
        HeadParse p;
        p.status = HeadStatus::TooLarge;
        p.problem = "request head exceeds the size limit";
        return p;
    }
    HeadParse result;
    result.head.headSize = end + 4;
    QList<QByteArray> lines;
    {
        const QByteArray head = data.first(end).toByteArray();
        qsizetype pos = 0;
        while (pos <= head.size()) {
            qsizetype next = head.indexOf("\r\n", pos);
            if (next < 0)
                next = head.size();
            lines.append(head.mid(pos, next - pos));
            pos = next + 2;
        }
    }
    bool first = true;
    for (const QByteArray& line : lines) {
        if (line.contains('\n') || line.contains('\r'))
            return malformed("bare CR or LF in request head");
        if (first) {
            first = false;
            const QList<QByteArray> parts = line.split(' ');
            if (parts.size() != 3)
                return malformed("request line is not 'METHOD target HTTP/x.y'");
            if (!isToken(parts[0]))
                return malformed("invalid method");
            if (parts[1].isEmpty() || parts[1].front() != '/')
                return malformed("request target is not an absolute path");
            if (parts[2] != "HTTP/1.1" && parts[2] != "HTTP/1.0")
                return malformed("unsupported HTTP version");
            for (const char c : parts[1]) {
                if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f)
                    return malformed("control character in request target");
            }
            result.head.method = parts[0];
            result.head.target = parts[1];
            result.head.version = parts[2];
            continue;
        }
        if (line.isEmpty())
            return malformed("empty header line");
        if (line.front() == ' ' || line.front() == '\t')
            return malformed("obsolete header line folding");
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0 || !isToken(QByteArrayView(line).first(colon)))
            return malformed("invalid header name");
        QByteArray value = line.mid(colon + 1).trimmed();
        for (const char c : value) {
            if ((static_cast<unsigned char>(c) < 0x20 && c != '\t') || c == 0x7f)
                return malformed("control character in header value");
        }
        result.head.headers.append({line.left(colon), value});
    }
    if (result.head.contentLength() < 0)
        return malformed("invalid Content-Length");
    result.status = HeadStatus::Complete;
    return result;
}

} // namespace sb::server
