// SPDX-License-Identifier: GPL-3.0-or-later
#include "sim/Playout.h"

#include <algorithm>

namespace sb::sim {

void PlayoutQueue::pushAudio(const QByteArray& mulaw)
{
    if (mulaw.isEmpty())
        return;
    Item item;
    item.audio = mulaw;
    m_items.push_back(std::move(item));
    m_queuedBytes += mulaw.size();
}

QStringList PlayoutQueue::pushMark(const QString& name)
{
    Item item;
    item.isMark = true;
    item.name = name;
    m_items.push_back(std::move(item));
    return popLeadingMarks();
}

QStringList PlayoutQueue::clear()
{
    QStringList marks;
    for (const Item& item : m_items) {
        if (item.isMark)
            marks << item.name;
    }
    m_items.clear();
    m_queuedBytes = 0;
    return marks;
}

QStringList PlayoutQueue::popLeadingMarks()
{
    QStringList marks;
    while (!m_items.empty() && m_items.front().isMark) {
        marks << m_items.front().name;
        m_items.pop_front();
    }
    return marks;
}

PlayoutQueue::Advance PlayoutQueue::advance(qint64 ms)
{
    Advance result;
    qint64 budget = std::max<qint64>(0, ms) * 8;
    result.marks = popLeadingMarks();
    while (budget > 0 && !m_items.empty()) {
        Item& head = m_items.front();
        const qsizetype left = head.audio.size() - head.offset;
        const qsizetype take = qsizetype(std::min<qint64>(budget, left));
        result.played += head.audio.mid(head.offset, take);
        head.offset += take;
        budget -= take;
        m_queuedBytes -= take;
        if (head.offset >= head.audio.size()) {
            m_items.pop_front();
            result.marks += popLeadingMarks();
        }
    }
    return result;
}

qsizetype PlayoutQueue::pendingMarks() const
{
    return std::count_if(m_items.begin(), m_items.end(), [](const Item& i) { return i.isMark; });
}

} // namespace sb::sim
