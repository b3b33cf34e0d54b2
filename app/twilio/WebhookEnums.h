// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "twilio/WebhookParams.h"

#include <QLatin1String>
#include <QString>
#include <QStringView>
#include <cstddef>
#include <optional>

/// The wire spellings of the webhook enumerations, shared by toWireString()/…FromString()
/// (WebhookParams.cpp) and the parameter parsers (WebhookParsers.cpp).
namespace sb::twilio::detail {

template <typename E> struct EnumEntry
{
    E value;
    QLatin1String text;
};

inline constexpr EnumEntry<CallStatus> kCallStatuses[] = {
    {CallStatus::Queued, QLatin1String("queued")},
    {CallStatus::Initiated, QLatin1String("initiated")},
    {CallStatus::Ringing, QLatin1String("ringing")},
    {CallStatus::InProgress, QLatin1String("in-progress")},
    {CallStatus::Completed, QLatin1String("completed")},
    {CallStatus::Busy, QLatin1String("busy")},
    {CallStatus::Failed, QLatin1String("failed")},
    {CallStatus::NoAnswer, QLatin1String("no-answer")},
    {CallStatus::Canceled, QLatin1String("canceled")},
};

inline constexpr EnumEntry<CallDirection> kCallDirections[] = {
    {CallDirection::Inbound, QLatin1String("inbound")},
    {CallDirection::OutboundApi, QLatin1String("outbound-api")},
    {CallDirection::OutboundDial, QLatin1String("outbound-dial")},
};

inline constexpr EnumEntry<StreamEvent> kStreamEvents[] = {
    {StreamEvent::Started, QLatin1String("stream-started")},
    {StreamEvent::Stopped, QLatin1String("stream-stopped")},
    {StreamEvent::Error, QLatin1String("stream-error")},
};

inline constexpr EnumEntry<RecordingStatus> kRecordingStatuses[] = {
    {RecordingStatus::InProgress, QLatin1String("in-progress")},
    {RecordingStatus::Paused, QLatin1String("paused")},
    {RecordingStatus::Stopped, QLatin1String("stopped")},
    {RecordingStatus::Processing, QLatin1String("processing")},
    {RecordingStatus::Completed, QLatin1String("completed")},
    {RecordingStatus::Absent, QLatin1String("absent")},
    {RecordingStatus::Failed, QLatin1String("failed")},
    {RecordingStatus::Deleted, QLatin1String("deleted")},
};

inline constexpr EnumEntry<TranscriptionEvent> kTranscriptionEvents[] = {
    {TranscriptionEvent::Started, QLatin1String("transcription-started")},
    {TranscriptionEvent::Content, QLatin1String("transcription-content")},
    {TranscriptionEvent::Stopped, QLatin1String("transcription-stopped")},
    {TranscriptionEvent::Error, QLatin1String("transcription-error")},
};

inline constexpr EnumEntry<TranscriptionTrack> kTranscriptionTracks[] = {
    {TranscriptionTrack::Inbound, QLatin1String("inbound_track")},
    {TranscriptionTrack::Outbound, QLatin1String("outbound_track")},
    {TranscriptionTrack::Both, QLatin1String("both_tracks")},
};

template <typename E, std::size_t N> QString enumToString(const EnumEntry<E> (&table)[N], E value)
{
    for (const EnumEntry<E>& entry : table) {
        if (entry.value == value)
            return QString(entry.text);
    }
    return QString();
}

template <typename E, std::size_t N> std::optional<E> enumFromString(const EnumEntry<E> (&table)[N], QStringView text)
{
    for (const EnumEntry<E>& entry : table) {
        if (text == entry.text)
            return entry.value;
    }
    return std::nullopt;
}

template <typename E, std::size_t N> QString enumChoices(const EnumEntry<E> (&table)[N])
{
    QString out;
    for (const EnumEntry<E>& entry : table) {
        if (!out.isEmpty())
            out += QStringLiteral(", ");
        out += entry.text;
    }
    return out;
}

} // namespace sb::twilio::detail
