// SPDX-License-Identifier: GPL-3.0-or-later
// Listener benchmarks against the real `switchboard --headless` process on loopback. Prints
// figures; asserts nothing. Run (see README "Benchmarks"):
//   build/bench/bench_listener webhooks [seconds] [connections]    (needs wrk)
//   build/bench/bench_listener streams  [streams] [seconds]
#include "storage/HistoryQueries.h"
#include "twilio/Form.h"
#include "twilio/MediaMessages.h"
#include "twilio/Signature.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTimer>
#include <QWebSocket>
#include <cstdio>
#include <memory>
#include <unistd.h>

namespace {

const QByteArray kToken = QByteArrayLiteral("bench-token-0123456789abcdef");

struct Server
{
    QProcess process;
    quint16 port = 0;
    QString output;

    bool start(const QString& dataDir)
    {
        process.setProcessChannelMode(QProcess::SeparateChannels);
        process.start(QStringLiteral(SB_SWITCHBOARD_EXECUTABLE),
                      {QStringLiteral("--headless"),
                       QStringLiteral("--port"),
                       QStringLiteral("0"),
                       QStringLiteral("--data-dir"),
                       dataDir,
                       QStringLiteral("--auth-token-stdin"),
                       QStringLiteral("--rate-limit"),
                       QStringLiteral("1000000")});
        if (!process.waitForStarted())
            return false;
        process.write(kToken + '\n');
        process.closeWriteChannel();
        QElapsedTimer t;
        t.start();
        static const QRegularExpression re(QStringLiteral("listening on [^ ]+:(\\d+) "));
        while (t.elapsed() < 20000) {
            process.waitForReadyRead(100);
            output += QString::fromUtf8(process.readAllStandardOutput());
            const auto m = re.match(output);
            if (m.hasMatch()) {
                port = quint16(m.captured(1).toUInt());
                return true;
            }
        }
        return false;
    }
    /// utime + stime of the server process, in seconds.
    double cpuSeconds() const
    {
        QFile stat(QStringLiteral("/proc/%1/stat").arg(process.processId()));
        if (!stat.open(QIODevice::ReadOnly))
            return 0;
        const QByteArray line = stat.readAll();
        const QList<QByteArray> fields = line.mid(line.lastIndexOf(')') + 2).split(' ');
        return (fields.value(11).toDouble() + fields.value(12).toDouble()) / double(sysconf(_SC_CLK_TCK));
    }
    QString stop()
    {
        process.terminate();
        process.waitForFinished(60000);
        output += QString::fromUtf8(process.readAllStandardOutput());
        return output;
    }
};

sb::twilio::FormParams callParams(const QString& sid, const QString& status)
{
    return {{QStringLiteral("AccountSid"), QStringLiteral("AC0123456789abcdef0123456789abcdef")},
            {QStringLiteral("ApiVersion"), QStringLiteral("2010-04-01")},
            {QStringLiteral("CallSid"), sid},
            {QStringLiteral("CallStatus"), status},
            {QStringLiteral("Direction"), QStringLiteral("inbound")},
            {QStringLiteral("From"), QStringLiteral("+14155550123")},
            {QStringLiteral("To"), QStringLiteral("+15005550006")}};
}

int benchWebhooks(int seconds, int connections)
{
    QTemporaryDir dir;
    Server server;
    if (!server.start(dir.path())) {
        std::fprintf(stderr, "bench_listener: the server did not start\n%s\n", qPrintable(server.output));
        return 1;
    }
    const QString url = QStringLiteral("http://127.0.0.1:%1/status").arg(server.port);
    const sb::twilio::FormParams params =
        callParams(QStringLiteral("CA%1").arg(1, 32, 16, QLatin1Char('0')), QStringLiteral("in-progress"));
    const QByteArray body = sb::twilio::encodeFormBody(params);
    const QByteArray signature = sb::twilio::signature::compute(kToken, url, params);
    QFile script(dir.filePath(QStringLiteral("post.lua")));
    if (!script.open(QIODevice::WriteOnly))
        return 1;
    script.write("wrk.method = \"POST\"\nwrk.body = \"" + body +
                 "\"\n"
                 "wrk.headers[\"Content-Type\"] = \"application/x-www-form-urlencoded\"\n"
                 "wrk.headers[\"X-Twilio-Signature\"] = \"" +
                 signature + "\"\n");
    script.close();
    const double cpuBefore = server.cpuSeconds();
    QProcess wrk;
    wrk.start(QStringLiteral("wrk"),
              {QStringLiteral("-t2"),
               QStringLiteral("-c%1").arg(connections),
               QStringLiteral("-d%1s").arg(seconds),
               QStringLiteral("--latency"),
               QStringLiteral("-s"),
               script.fileName(),
               url});
    if (!wrk.waitForFinished((seconds + 30) * 1000)) {
        std::fprintf(stderr, "bench_listener: wrk did not finish (is it installed?)\n");
        return 1;
    }
    const double cpu = server.cpuSeconds() - cpuBefore;
    const QString report = QString::fromUtf8(wrk.readAllStandardOutput());
    server.stop();
    std::printf("bench_listener webhooks: signed POST /status, %d connections, %d s, Connection: close per request\n",
                connections,
                seconds);
    std::printf("%s", qPrintable(report));
    std::printf("server CPU: %.2f s over %d s (%.0f%% of one core)\n", cpu, seconds, 100.0 * cpu / seconds);
    return 0;
}

int benchStreams(int streams, int seconds)
{
    QTemporaryDir dir;
    Server server;
    if (!server.start(dir.path())) {
        std::fprintf(stderr, "bench_listener: the server did not start\n%s\n", qPrintable(server.output));
        return 1;
    }
    const QString base = QStringLiteral("http://127.0.0.1:%1").arg(server.port);
    const QString wsUrl = QStringLiteral("ws://127.0.0.1:%1/stream").arg(server.port);

    // Answer every call, collect its stream token.
    QNetworkAccessManager manager;
    QStringList tokens;
    QStringList sids;
    for (int i = 0; i < streams; ++i) {
        const QString sid = QStringLiteral("CA%1").arg(i + 1, 32, 16, QLatin1Char('0'));
        const auto params = callParams(sid, QStringLiteral("ringing"));
        QNetworkRequest request{QUrl(base + QStringLiteral("/voice"))};
        request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/x-www-form-urlencoded"));
        request.setRawHeader("X-Twilio-Signature",
                             sb::twilio::signature::compute(kToken, base + QStringLiteral("/voice"), params));
        QNetworkReply* reply = manager.post(request, sb::twilio::encodeFormBody(params));
        QEventLoop loop;
        QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
        loop.exec();
        const QByteArray twiml = reply->readAll();
        reply->deleteLater();
        static const QRegularExpression tokenRe(QStringLiteral("name=\"callToken\" value=\"([0-9a-f]+)\""));
        const auto m = tokenRe.match(QString::fromUtf8(twiml));
        if (!m.hasMatch()) {
            std::fprintf(stderr, "bench_listener: call %d got no stream token: %s\n", i, twiml.constData());
            return 1;
        }
        sids << sid;
        tokens << m.captured(1);
    }

    // Open the streams.
    std::vector<std::unique_ptr<QWebSocket>> sockets;
    int connected = 0;
    for (int i = 0; i < streams; ++i) {
        auto socket = std::make_unique<QWebSocket>();
        QNetworkRequest request{QUrl(wsUrl)};
        request.setRawHeader("X-Twilio-Signature", sb::twilio::signature::compute(kToken, wsUrl));
        QObject::connect(socket.get(), &QWebSocket::connected, [&connected] { ++connected; });
        socket->open(request);
        sockets.push_back(std::move(socket));
    }
    QElapsedTimer wait;
    wait.start();
    while (connected < streams && wait.elapsed() < 60000)
        QCoreApplication::processEvents(QEventLoop::AllEvents, 50);
    if (connected < streams) {
        std::fprintf(stderr, "bench_listener: only %d of %d streams connected\n", connected, streams);
        return 1;
    }
    std::vector<QString> streamSids;
    for (int i = 0; i < streams; ++i) {
        sb::twilio::StartMessage start;
        start.streamSid = QStringLiteral("MZ%1").arg(i + 1, 32, 16, QLatin1Char('0'));
        start.accountSid = QStringLiteral("AC0123456789abcdef0123456789abcdef");
        start.callSid = sids[i];
        start.tracks = {sb::twilio::MediaTrack::Inbound, sb::twilio::MediaTrack::Outbound};
        start.customParameters = {{QStringLiteral("callToken"), tokens[i]}};
        sockets[size_t(i)]->sendTextMessage(QString::fromUtf8(sb::twilio::toJson(sb::twilio::ConnectedMessage{})));
        sockets[size_t(i)]->sendTextMessage(QString::fromUtf8(sb::twilio::toJson(start)));
        streamSids.push_back(start.streamSid);
    }

    // 50 frames per second per track, both tracks, paced by a 20 ms clock.
    QByteArray payload(160, '\0');
    for (int k = 0; k < 160; ++k)
        payload[k] = char(0x80 | (k & 0x7f));
    const int ticks = seconds * 50;
    std::vector<qint64> sequence(size_t(streams), 1);
    const double cpuBefore = server.cpuSeconds();
    QElapsedTimer clock;
    clock.start();
    qint64 sent = 0;
    qint64 lateTicks = 0;
    for (int tick = 0; tick < ticks; ++tick) {
        const qint64 due = qint64(tick) * 20;
        while (clock.elapsed() < due)
            QCoreApplication::processEvents(QEventLoop::AllEvents, int(due - clock.elapsed()));
        if (clock.elapsed() > due + 20)
            ++lateTicks;
        for (int i = 0; i < streams; ++i) {
            for (auto track : {sb::twilio::MediaTrack::Inbound, sb::twilio::MediaTrack::Outbound}) {
                sb::twilio::MediaMessage m;
                m.sequenceNumber = ++sequence[size_t(i)];
                m.streamSid = streamSids[size_t(i)];
                m.track = track;
                m.chunk = tick + 1;
                m.timestamp = 20 * tick;
                m.payload = payload;
                sockets[size_t(i)]->sendTextMessage(QString::fromUtf8(sb::twilio::toJson(m)));
                ++sent;
            }
        }
    }
    const double wall = double(clock.elapsed()) / 1000.0;
    for (auto& s : sockets)
        s->flush();
    QElapsedTimer drain;
    drain.start();
    while (drain.elapsed() < 3000)
        QCoreApplication::processEvents(QEventLoop::AllEvents, 50);
    const double cpu = server.cpuSeconds() - cpuBefore;
    for (int i = 0; i < streams; ++i) {
        sb::twilio::StopMessage stop;
        stop.sequenceNumber = ++sequence[size_t(i)];
        stop.streamSid = streamSids[size_t(i)];
        stop.accountSid = QStringLiteral("AC0123456789abcdef0123456789abcdef");
        stop.callSid = sids[i];
        sockets[size_t(i)]->sendTextMessage(QString::fromUtf8(sb::twilio::toJson(stop)));
    }
    drain.restart();
    while (drain.elapsed() < 2000)
        QCoreApplication::processEvents(QEventLoop::AllEvents, 50);
    const QString log = server.stop();

    // What the server stored.
    qint64 stored = 0;
    qint64 gaps = 0;
    qint64 late = 0;
    auto history = sb::storage::HistoryQueries::open(QDir(dir.path()).filePath(QStringLiteral("switchboard.sqlite")));
    if (history.ok()) {
        for (const QString& sid : sids) {
            const auto detail = history.value()->callDetail(sid);
            if (!detail.ok())
                continue;
            for (const auto& s : detail->streams) {
                for (const auto& t : s.tracks) {
                    stored += t.frames;
                    gaps += t.gaps;
                    late += t.lateFrames;
                }
            }
        }
    }
    static const QRegularExpression latency(QStringLiteral("media: .*"));
    std::printf("bench_listener streams: %d concurrent streams x 2 tracks x 50 frames/s for %d s\n", streams, seconds);
    std::printf("  frames sent %lld in %.1f s (%.0f/s), client ticks late > 20 ms: %lld of %d\n",
                static_cast<long long>(sent),
                wall,
                double(sent) / wall,
                static_cast<long long>(lateTicks),
                ticks);
    std::printf("  frames stored %lld (dropped %lld), gaps %lld, late %lld\n",
                static_cast<long long>(stored),
                static_cast<long long>(sent - stored),
                static_cast<long long>(gaps),
                static_cast<long long>(late));
    std::printf("  server CPU %.2f s over %.1f s = %.0f%% of one core; %.1f us CPU per stream-second (both tracks)\n",
                cpu,
                wall,
                100.0 * cpu / wall,
                1e6 * cpu / (double(streams) * wall));
    std::printf("  %s\n", qPrintable(latency.match(log).captured(0)));
    return 0;
}

} // namespace

int main(int argc, char* argv[])
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    const QString mode = args.value(1);
    if (mode == QLatin1String("webhooks"))
        return benchWebhooks(args.value(2, QStringLiteral("10")).toInt(), args.value(3, QStringLiteral("32")).toInt());
    if (mode == QLatin1String("streams"))
        return benchStreams(args.value(2, QStringLiteral("100")).toInt(), args.value(3, QStringLiteral("10")).toInt());
    std::fprintf(stderr, "usage: bench_listener webhooks [seconds] [connections] | streams [streams] [seconds]\n");
    return 2;
}
