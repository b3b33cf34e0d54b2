// SPDX-License-Identifier: GPL-3.0-or-later
#include "twilio/JsonWriter.h"

#include "twilio/StrictJson.h"

#include <QChar>

namespace sb::twilio::detail {

void JsonWriter::appendString(QStringView s)
{
    static constexpr char kHex[] = "0123456789abcdef";
    m_out += '"';
    for (qsizetype i = 0; i < s.size(); ++i) {
        const char16_t c = s[i].unicode();
        if (c < 0x80) {
            switch (c) {
            case u'"':
                m_out += "\\\"";
                break;
            case u'\\':
                m_out += "\\\\";
                break;
            case u'\b':
                m_out += "\\b";
                break;
            case u'\f':
                m_out += "\\f";
                break;
            case u'\n':
                m_out += "\\n";
                break;
            case u'\r':
                m_out += "\\r";
                break;
            case u'\t':
                m_out += "\\t";
                break;
            default:
                if (c < 0x20) {
                    m_out += "\\u00";
                    m_out += kHex[c >> 4];
                    m_out += kHex[c & 0xF];
                } else {
                    m_out += static_cast<char>(c);
                }
            }
            continue;
        }
        char32_t cp = c;
        if (QChar::isHighSurrogate(c) && i + 1 < s.size() && QChar::isLowSurrogate(s[i + 1].unicode())) {
            cp = QChar::surrogateToUcs4(c, s[i + 1].unicode());
            ++i;
        } else if (QChar::isSurrogate(c)) {
            cp = 0xFFFD; // a lone surrogate cannot be encoded
        }
        appendUtf8(m_out, cp);
    }
    m_out += '"';
}

} // namespace sb::twilio::detail
