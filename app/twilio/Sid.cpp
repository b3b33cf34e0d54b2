// SPDX-License-Identifier: GPL-3.0-or-later
#include "twilio/Sid.h"

#include "common/RandomToken.h"

namespace sb::twilio {

bool isValidSid(QStringView sid, QLatin1String prefix)
{
    if (prefix.size() != 2 || sid.size() != 34 || !sid.startsWith(prefix))
        return false;
    for (qsizetype i = 2; i < sid.size(); ++i) {
        const char16_t c = sid.at(i).unicode();
        const bool hex = (c >= u'0' && c <= u'9') || (c >= u'a' && c <= u'f') || (c >= u'A' && c <= u'F');
        if (!hex)
            return false;
    }
    return true;
}

QString randomSid(QLatin1String prefix)
{
    return prefix + QString::fromLatin1(randomHexToken());
}

} // namespace sb::twilio
