// SPDX-License-Identifier: GPL-3.0-or-later
#include "twilio/Base64Payload.h"

#include "twilio/MediaMessages.h"

#include <algorithm>
#include <array>

namespace sb::twilio {
namespace detail {
namespace {

constexpr char kBase64Alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

constexpr std::array<qint8, 256> makeDecodeTable()
{
    std::array<qint8, 256> table{};
    for (auto& entry : table)
        entry = -1;
    for (int i = 0; i < 64; ++i)
        table[static_cast<uchar>(kBase64Alphabet[i])] = static_cast<qint8>(i);
    return table;
}

constexpr std::array<qint8, 256> kBase64Decode = makeDecodeTable();

QString describeByte(uchar c, qsizetype offset)
{
    const QString hex = QStringLiteral("0x%1").arg(static_cast<uint>(c), 2, 16, QLatin1Char('0'));
    const QString shown = (c >= 0x21 && c < 0x7F)
                              ? QLatin1Char('\'') + QString(QLatin1Char(static_cast<char>(c))) + QStringLiteral("' ")
                              : QString();
    return QStringLiteral("invalid base64 character ") + shown + QLatin1Char('(') + hex +
           QStringLiteral(") at offset ") + QString::number(offset);
}

} // namespace

qsizetype checkBase64Shape(QByteArrayView in, qsizetype& dataLength, QString* reason)
{
    const qsizetype n = in.size();
    qsizetype padding = 0;
    if (n >= 1 && in[n - 1] == '=')
        padding = (n >= 2 && in[n - 2] == '=') ? 2 : 1;
    dataLength = n - padding;
    if (padding > 0 && n % 4 != 0) {
        if (reason)
            *reason = QStringLiteral("'=' padding does not complete a group of 4 characters");
        return -1;
    }
    const qsizetype remainder = dataLength % 4;
    if (remainder == 1) {
        if (reason)
            *reason = QStringLiteral("length %1 is not a valid base64 length").arg(n);
        return -1;
    }
    return dataLength / 4 * 3 + (remainder == 0 ? 0 : remainder - 1);
}

bool decodeBase64Data(QByteArrayView in, qsizetype dataLength, char* out, QString* reason)
{
    const auto lookup = [&](qsizetype i) { return kBase64Decode[static_cast<uchar>(in[i])]; };
    const auto invalidAt = [&](qsizetype from, qsizetype to) {
        for (qsizetype i = from; i < to; ++i) {
            if (lookup(i) < 0) {
                if (reason)
                    *reason = describeByte(static_cast<uchar>(in[i]), i);
                break;
            }
        }
        return false;
    };
    // Whole groups of four characters → three bytes.
    const qsizetype whole = dataLength / 4 * 4;
    qsizetype o = 0;
    for (qsizetype i = 0; i < whole; i += 4) {
        const qint8 a = lookup(i);
        const qint8 b = lookup(i + 1);
        const qint8 c = lookup(i + 2);
        const qint8 d = lookup(i + 3);
        if ((a | b | c | d) < 0)
            return invalidAt(i, i + 4);
        const quint32 v = (static_cast<quint32>(a) << 18) | (static_cast<quint32>(b) << 12) |
                          (static_cast<quint32>(c) << 6) | static_cast<quint32>(d);
        out[o++] = static_cast<char>(v >> 16);
        out[o++] = static_cast<char>((v >> 8) & 0xFF);
        out[o++] = static_cast<char>(v & 0xFF);
    }
    // A final partial group of 2 or 3 characters → 1 or 2 bytes (checkBase64Shape rejects 1).
    const qsizetype left = dataLength - whole;
    if (left >= 2) {
        quint32 v = 0;
        for (qsizetype i = whole; i < dataLength; ++i) {
            const qint8 value = lookup(i);
            if (value < 0)
                return invalidAt(i, i + 1);
            v = (v << 6) | static_cast<quint32>(value);
        }
        v <<= 6 * (4 - left); // as if padded to a whole group
        out[o++] = static_cast<char>(v >> 16);
        if (left == 3)
            out[o++] = static_cast<char>((v >> 8) & 0xFF);
    }
    return true;
}

void appendBase64(QByteArray& out, QByteArrayView raw)
{
    const qsizetype start = out.size();
    const qsizetype encodedSize = (raw.size() + 2) / 3 * 4;
    out.resize(start + encodedSize);
    char* dst = out.data() + start;
    qsizetype i = 0;
    for (; i + 3 <= raw.size(); i += 3) {
        const quint32 v = (static_cast<quint32>(static_cast<uchar>(raw[i])) << 16) |
                          (static_cast<quint32>(static_cast<uchar>(raw[i + 1])) << 8) |
                          static_cast<quint32>(static_cast<uchar>(raw[i + 2]));
        *dst++ = kBase64Alphabet[(v >> 18) & 0x3F];
        *dst++ = kBase64Alphabet[(v >> 12) & 0x3F];
        *dst++ = kBase64Alphabet[(v >> 6) & 0x3F];
        *dst++ = kBase64Alphabet[v & 0x3F];
    }
    const qsizetype left = raw.size() - i;
    if (left > 0) {
        quint32 v = static_cast<quint32>(static_cast<uchar>(raw[i])) << 16;
        if (left == 2)
            v |= static_cast<quint32>(static_cast<uchar>(raw[i + 1])) << 8;
        *dst++ = kBase64Alphabet[(v >> 18) & 0x3F];
        *dst++ = kBase64Alphabet[(v >> 12) & 0x3F];
        *dst++ = left == 2 ? kBase64Alphabet[(v >> 6) & 0x3F] : '=';
        *dst++ = '=';
    }
}

} // namespace detail

bool decodeBase64Payload(QByteArrayView base64, QByteArray& out, QString* reason)
{
    qsizetype dataLength = 0;
    const qsizetype size = detail::checkBase64Shape(base64, dataLength, reason);
    if (size < 0) {
        out.resize(0);
        return false;
    }
    out.resize(size); // keeps the existing capacity when it is large enough
    if (!detail::decodeBase64Data(base64, dataLength, out.data(), reason)) {
        out.resize(0);
        return false;
    }
    return true;
}

qsizetype base64DecodedSize(QByteArrayView base64)
{
    qsizetype dataLength = 0;
    return std::max<qsizetype>(0, detail::checkBase64Shape(base64, dataLength, nullptr));
}

QByteArray encodeBase64Payload(QByteArrayView raw)
{
    QByteArray out;
    detail::appendBase64(out, raw);
    return out;
}

} // namespace sb::twilio
