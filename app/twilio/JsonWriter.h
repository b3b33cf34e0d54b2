// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "twilio/Base64Payload.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QLatin1String>
#include <QStringView>

namespace sb::twilio::detail {

/// Compact JSON output, members in the order they are written (the Media Streams serialiser).
class JsonWriter
{
public:
    explicit JsonWriter(qsizetype reserve) { m_out.reserve(reserve); }

    void beginObject()
    {
        m_out += '{';
        m_first = true;
    }
    void endObject()
    {
        m_out += '}';
        m_first = false;
    }
    void beginArray()
    {
        m_out += '[';
        m_first = true;
    }
    void endArray()
    {
        m_out += ']';
        m_first = false;
    }

    void key(const char* name)
    {
        separator();
        m_out += '"';
        m_out += name;
        m_out += "\":";
    }
    void key(QStringView name)
    {
        separator();
        appendString(name);
        m_out += ':';
    }
    /// Prefix for an array element.
    void element() { separator(); }

    void string(QStringView value)
    {
        appendString(value);
        m_first = false;
    }
    void latin1(QLatin1String value)
    {
        m_out += '"';
        m_out += QByteArrayView(value.data(), value.size());
        m_out += '"';
        m_first = false;
    }
    void number(qint64 value)
    {
        m_out += QByteArray::number(value);
        m_first = false;
    }
    /// Twilio writes counters as JSON strings.
    void numericString(qint64 value)
    {
        m_out += '"';
        m_out += QByteArray::number(value);
        m_out += '"';
        m_first = false;
    }
    void base64(QByteArrayView raw)
    {
        m_out += '"';
        appendBase64(m_out, raw);
        m_out += '"';
        m_first = false;
    }

    QByteArray take() { return std::move(m_out); }

private:
    void separator()
    {
        if (!m_first)
            m_out += ',';
        m_first = false;
    }

    void appendString(QStringView s);

    QByteArray m_out;
    bool m_first = true;
};

} // namespace sb::twilio::detail
