// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "common/Result.h"

#include <QRegularExpression>
#include <QString>
#include <QStringList>
#include <QUrl>

namespace sb::tunnel {

/// How the public URL is obtained. Value type; safe to copy between threads.
struct TunnelConfig
{
    enum class Kind {
        None,        ///< no tunnel: the listener's own address is used
        Cloudflared, ///< `cloudflared tunnel --url http://127.0.0.1:PORT` (quick tunnel, URL in its log)
        Ngrok,       ///< `ngrok http PORT --log stdout --log-format logfmt` (URL in log and local API)
        Command,     ///< any command; the URL is the first match of urlPattern in its output
        FixedUrl     ///< a URL typed in by the user; no process is started
    };

    Kind kind = Kind::None;
    QString program; ///< executable (name looked up in PATH, or a path)
    QStringList arguments;
    /// Finds the URL in one output line (stdout and stderr are both scanned). Capture group 1 is
    /// used when the pattern has one, else the whole match.
    QRegularExpression urlPattern;
    QString fixedUrl; ///< Kind::FixedUrl only
    quint16 localPort = 0;
    /// ngrok's local API (`GET {ngrokApi}/api/tunnels`), polled while waiting for the URL.
    /// Empty: not polled. Updated automatically when ngrok logs a different web address.
    QUrl ngrokApi;
    int ngrokApiPollMs = 1000;

    // Supervision. All times in milliseconds; tests shrink them.
    int initialBackoffMs = 1000; ///< first restart delay; doubles on each consecutive failure
    int maxBackoffMs = 60000;
    int stableAfterMs = 60000;   ///< up this long: the next failure starts from initialBackoffMs again
    int urlTimeoutMs = 30000;    ///< started but no URL within this: hung; killed and restarted
    int terminateGraceMs = 3000; ///< SIGTERM, then SIGKILL after this

    // Health check: GET {publicUrl}/health expecting 200 and {"status":"ok"}.
    int healthIntervalMs = 30000; ///< <= 0 disables health checks
    int healthTimeoutMs = 10000;
    int healthFirstDelayMs = 2000; ///< first check this long after the URL is found
    /// Consecutive failed checks before a supervised process is restarted (0: never restart, only
    /// report unhealthy). A FixedUrl is never restarted.
    int unhealthyRestartAfter = 3;

    /// Environment variables not passed to the child (exact names, or prefixes ending in `*`).
    /// Keeps Twilio secrets out of the tunnel program's environment.
    QStringList scrubEnvironment = {QStringLiteral("TWILIO_*"), QStringLiteral("SB_AUTH*")};

    bool supervisesProcess() const { return kind == Kind::Cloudflared || kind == Kind::Ngrok || kind == Kind::Command; }

    /// `cloudflared tunnel --no-autoupdate --url http://127.0.0.1:PORT`.
    static TunnelConfig forCloudflared(quint16 port, const QString& program = QStringLiteral("cloudflared"));
    /// `ngrok http PORT --log stdout --log-format logfmt`, API at http://127.0.0.1:4040.
    static TunnelConfig forNgrok(quint16 port, const QString& program = QStringLiteral("ngrok"));
    /// Any command line (split by splitCommandLine()); `{port}` in it is replaced
    /// by the local port. `urlPattern` invalid/empty: defaultUrlPattern().
    static TunnelConfig
    forCommand(const QString& commandLine, quint16 port, const QRegularExpression& urlPattern = QRegularExpression());
    static TunnelConfig forFixedUrl(const QString& url);
};

/// Splits a command line like a POSIX shell does for words: blanks separate, '…' is literal,
/// "…" allows \" \\ \$ \` escapes, a backslash outside quotes escapes the next character. No
/// expansion of any kind (no $VAR, globs, ~), and no shell is involved when the command runs.
QStringList splitCommandLine(const QString& commandLine);

/// `https://<words>.trycloudflare.com` (never `api.trycloudflare.com`, which appears in errors).
QRegularExpression cloudflaredUrlPattern();
/// logfmt `msg="started tunnel" ... url=https://…` (https only; ngrok 2 also starts an http twin).
QRegularExpression ngrokUrlPattern();
/// The first `https://…` in a line.
QRegularExpression defaultUrlPattern();

/// The URL `pattern` finds in `line`, without trailing punctuation; empty when none.
QString matchUrl(const QRegularExpression& pattern, const QString& line);

/// From ngrok's `GET /api/tunnels` JSON: the https public_url whose config.addr points at
/// `localPort` (any port when 0). Empty when none.
QString ngrokApiPublicUrl(const QByteArray& json, quint16 localPort);

/// From an ngrok logfmt line announcing its web interface (`msg="starting web service" ...
/// addr=127.0.0.1:4041`): that API base URL; invalid otherwise.
QUrl ngrokWebAddress(const QString& line);

/// A CLI tunnel spec: `cloudflared[:PROGRAM]`, `ngrok[:PROGRAM]`, `command:COMMAND LINE`,
/// `url:https://…` (or a bare `https://…`), `none`. Errors: code `tunnel-spec`.
Result<TunnelConfig>
parseTunnelSpec(const QString& spec, quint16 localPort, const QRegularExpression& urlPattern = QRegularExpression());

/// A public URL must be absolute http(s) with a host and without query/fragment; returns it
/// without a trailing slash. Errors: code `tunnel-url`.
Result<QString> normalisePublicUrl(const QString& url);

} // namespace sb::tunnel
