// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <array>
#include <cstdint>
#include <memory>

namespace sb::audio {

/// Playout buffer for one Media Streams track (8 kHz mono, 20 ms = 160-sample frames), decoded to
/// 16-bit PCM before push(). The caller's playout clock calls pull() once per 20 ms and always gets
/// a whole frame back.
///
/// Ordering: frames are played in order of media timestamp (PROTOCOL.md §5: milliseconds since the
/// stream started), the stream-wide sequenceNumber breaking ties. A frame equal in timestamp and
/// sequence to one that is buffered or among the last 32 played is a duplicate; any other frame
/// whose timestamp lies more than half a frame (10 ms) behind the play position is late. Both are
/// dropped and counted. Timestamps need not be exact multiples of 20 ms: a frame within ±10 ms of the
/// play position is "the next frame". Sequence numbers are not expected to wrap (32 bits at 50 frames
/// per second per track is over two years).
///
/// Start: pull() returns silence until the buffered audio reaches the target depth; then the first
/// frame is played unchanged (no fade), and from then on every frame that arrives in time is played
/// bit-exactly.
///
/// Loss: when the next buffered frame is more than half a frame ahead of the play position, the
/// missing frame is concealed: the last pitch period of the played audio (50 .. 400 Hz, found by
/// normalised autocorrelation over the last 40 ms) is repeated, faded linearly from full to zero over
/// the frame; further missing frames are silence. The first real frame after that fades in over
/// kFadeInSamples (10 ms), cross-fading from the continued repetition. An empty buffer while playing
/// (underrun) is concealed the same way but does not advance the play position, so a frame that was
/// only delayed still plays.
///
/// Depth and target: depth is the buffered audio (frames × 20 ms). The target follows the arrival
/// jitter: over the last kJitterWindow frames, the 95th percentile of (arrival − timestamp) minus
/// its minimum, rounded up to whole frames, plus one frame, clamped to [kMinTargetMs, kMaxTargetMs].
/// It rises at once and falls by at most one frame per second.
///
/// Drift: an exponential average of the depth measured at each pull (time constant 32 pulls) is
/// compared with the target. When the average is above target + 15 ms and the depth now is above
/// the target, two frames are consumed in one pull, cross-faded over the whole frame (counted as
/// driftDropped). When the average is below target − 15 ms and the depth now is below the target
/// (sender slower, or the target grew), one frame of pitch repetition at full level is inserted
/// without consuming (inserted); the next real frame fades in from it. At most one correction per
/// kCorrectionHoldPulls pulls. A sender 1% fast or slow causes one correction every 2 s. Only
/// neighbouring frames (timestamps one frame apart) are cross-faded.
///
/// Capacity and gaps: at most kCapacityFrames (1 s) are buffered; a push into a full buffer drops
/// the oldest frame (overflowDropped). A frame more than 1 s ahead of the play position, or more
/// than 1 s of continuous underrun, resets the buffer (resets): it is emptied, the jitter window
/// cleared, and playback starts afresh like at the start of a stream. The target is kept.
///
/// Threading and real time: not thread-safe; push() and pull() must come from one thread (in the
/// engine, the audio thread, fed by a lock-free ring from the network thread). All memory is
/// allocated in the constructor; push(), pull() and stats() never allocate, lock or make system
/// calls; their cost is bounded (at most ~35k multiply-adds for a concealment, else linear in
/// kCapacityFrames + kJitterWindow).
class JitterBuffer
{
public:
    static constexpr int kFrameSamples = 160;
    static constexpr int kFrameMs = 20;
    static constexpr int kCapacityFrames = 50; ///< 1 s
    static constexpr int kMinTargetMs = 40;
    static constexpr int kMaxTargetMs = 120;
    static constexpr int kJitterWindow = 100;       ///< frames (2 s) of arrival statistics
    static constexpr int kFadeInSamples = 80;       ///< 10 ms fade-in after a synthetic frame
    static constexpr int kCorrectionHoldPulls = 25; ///< 500 ms between drift corrections
    static constexpr int kResetAfterMs = 1000;      ///< long gap: reset after this much underrun
    static constexpr int kPlayedHistory = 32;       ///< played frames remembered for duplicates

    struct Stats
    {
        uint64_t received = 0;        ///< push() calls
        uint64_t played = 0;          ///< real frames output (a drift cross-fade counts one)
        uint64_t concealed = 0;       ///< pulls filled by loss or underrun concealment
        uint64_t inserted = 0;        ///< pulls filled by a drift insertion
        uint64_t driftDropped = 0;    ///< frames consumed by a drift cross-fade beyond the played one
        uint64_t lateDropped = 0;     ///< frames that arrived after their playout time
        uint64_t duplicates = 0;      ///< frames already buffered or played
        uint64_t overflowDropped = 0; ///< oldest frames dropped because the buffer was full
        uint64_t resets = 0;          ///< long gaps or timestamp jumps
        int depthMs = 0;              ///< buffered audio now
        int targetMs = kMinTargetMs;  ///< current target depth
    };

    JitterBuffer();
    ~JitterBuffer();
    JitterBuffer(const JitterBuffer&) = delete;
    JitterBuffer& operator=(const JitterBuffer&) = delete;

    /// Offers one frame of kFrameSamples samples (copied). `timestampMs` is the media timestamp,
    /// `arrivalMs` the receiver's monotonic clock when the frame arrived (only differences between
    /// arrivals matter; it need not be the clock of pull()'s nowMs).
    void push(uint32_t sequenceNumber, int64_t timestampMs, const int16_t* pcm, int64_t arrivalMs) noexcept;

    /// Writes the next kFrameSamples samples of playout to `out`. `nowMs` is informational (the
    /// buffer counts pulls, one per 20 ms) and may be 0.
    void pull(int16_t* out, int64_t nowMs) noexcept;

    /// Empties the buffer and starts afresh (counters are kept).
    void reset() noexcept;

    Stats stats() const noexcept;
    bool isPlaying() const noexcept { return m_playing; }

private:
    struct Slot
    {
        int64_t timestampMs = 0;
        uint32_t sequence = 0;
        std::array<int16_t, kFrameSamples> pcm{};
    };
    struct Key
    {
        int64_t timestampMs = 0;
        uint32_t sequence = 0;
    };
    static constexpr int kHistorySamples = 2 * kFrameSamples;

    void clearBuffer() noexcept;
    void removeHead() noexcept;
    void rememberPlayed(const Slot& slot) noexcept;
    bool wasPlayed(int64_t timestampMs, uint32_t sequence) const noexcept;
    void noteArrival(int64_t timestampMs, int64_t arrivalMs) noexcept;
    void outputReal(const int16_t* pcm, int16_t* out) noexcept;
    void synthesize(int16_t* out, bool fadeOut) noexcept;
    void appendHistory(const int16_t* frame) noexcept;
    int findPeriod() const noexcept;

    std::unique_ptr<Slot[]> m_slots;            ///< kCapacityFrames
    std::array<int, kCapacityFrames> m_order{}; ///< slot indices sorted by (timestamp, sequence)
    std::array<int, kCapacityFrames> m_free{};  ///< stack of free slot indices
    int m_count = 0;
    int m_freeCount = 0;

    std::array<Key, kPlayedHistory> m_played{};
    int m_playedCount = 0;
    int m_playedNext = 0;

    std::array<int64_t, kJitterWindow> m_delays{}; ///< arrival − timestamp, ring
    std::array<int64_t, kJitterWindow> m_scratch{};
    int m_delayCount = 0;
    int m_delayNext = 0;
    int m_pushesSinceTargetChange = 0;

    std::array<int16_t, kHistorySamples> m_history{}; ///< last output, newest at the end
    int m_period = kFrameSamples;                     ///< pitch period of the current synthesis
    int m_synthPos = 0;                               ///< next index into the repeated period
    float m_synthEndGain = 0.0f;                      ///< level of the synthesis when it ended (0 after a concealment)
    bool m_synthActive = false;                       ///< the last output was synthetic: fade the next real frame in

    bool m_playing = false;
    int64_t m_playTs = 0;      ///< media timestamp the next pull should play
    int m_underrunPulls = 0;   ///< consecutive pulls with an empty buffer while playing
    double m_avgDepthMs = 0.0; ///< exponential average of the depth at each pull
    int m_pullsSinceCorrection = 0;
    int m_targetMs = kMinTargetMs;
    Stats m_stats;
};

} // namespace sb::audio
