// SPDX-License-Identifier: GPL-3.0-or-later
// Fuzz target: the HTTP/1.x request-head parser the listener runs before QHttpServer
// (app/server/HttpHead.h). The input is the bytes received so far on a connection.
//
// Invariants checked:
//  - a complete head is at most the limit and at most the input; parsing just its bytes, or its
//    bytes plus anything after them, gives the same head; one byte fewer is Incomplete;
//  - Incomplete only when the input fits the limit; Malformed always names the problem;
//  - a smaller limit never turns a head into a different one: it is the same or TooLarge;
//  - the accessors (header lookups, path/query, Content-Length) agree with the parsed fields.
#include "FuzzSupport.h"
#include "server/HttpHead.h"

using namespace sb::server;

namespace {

constexpr qsizetype kLimit = 8192; // the listener's default head limit

bool sameHead(const HttpHead& a, const HttpHead& b)
{
    return a.method == b.method && a.target == b.target && a.version == b.version && a.headers == b.headers &&
           a.headSize == b.headSize;
}

void checkAccessors(const HttpHead& head)
{
    SB_FUZZ_CHECK(!head.method.isEmpty() && head.target.startsWith('/'));
    SB_FUZZ_CHECK(head.version == "HTTP/1.1" || head.version == "HTTP/1.0");
    const QByteArray path = head.path();
    const QByteArray query = head.query();
    SB_FUZZ_CHECK(path == head.target || path + '?' + query == head.target);
    SB_FUZZ_CHECK(head.contentLength() >= 0);
    for (const auto& [name, value] : head.headers) {
        SB_FUZZ_CHECK(head.hasHeader(name) && head.hasHeader(name.toLower()) && head.hasHeader(name.toUpper()));
        SB_FUZZ_CHECK(!head.header(name).isNull());
        SB_FUZZ_CHECK(value == value.trimmed());
    }
    (void)head.isWebSocketUpgrade();
    (void)head.isChunked();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const QByteArrayView bytes = sb::fuzz::bytesOf(data, size);
    const HeadParse parse = parseHttpHead(bytes, kLimit);
    switch (parse.status) {
    case HeadStatus::Incomplete:
        SB_FUZZ_CHECK(bytes.size() <= kLimit);
        SB_FUZZ_CHECK(bytes.indexOf(QByteArrayView("\r\n\r\n")) < 0);
        break;
    case HeadStatus::Malformed:
    case HeadStatus::TooLarge:
        SB_FUZZ_CHECK(!parse.problem.isEmpty());
        break;
    case HeadStatus::Complete: {
        const HttpHead& head = parse.head;
        SB_FUZZ_CHECK(head.headSize > 0 && head.headSize <= kLimit && head.headSize <= bytes.size());
        checkAccessors(head);
        const HeadParse exact = parseHttpHead(bytes.first(head.headSize), kLimit);
        SB_FUZZ_CHECK(exact.status == HeadStatus::Complete && sameHead(exact.head, head));
        const QByteArray longer = bytes.toByteArray() + "\r\n\r\nGET / HTTP/1.1\r\n";
        const HeadParse more = parseHttpHead(longer, kLimit);
        SB_FUZZ_CHECK(more.status == HeadStatus::Complete && sameHead(more.head, head));
        const HeadParse shorter = parseHttpHead(bytes.first(head.headSize - 1), kLimit);
        SB_FUZZ_CHECK(shorter.status == HeadStatus::Incomplete);
        break;
    }
    }

    const qsizetype smallLimit = bytes.size() / 2 + 1;
    const HeadParse small = parseHttpHead(bytes, smallLimit);
    if (small.status != HeadStatus::TooLarge) {
        SB_FUZZ_CHECK(small.status == parse.status);
        if (small.status == HeadStatus::Complete)
            SB_FUZZ_CHECK(sameHead(small.head, parse.head));
    }
    return 0;
}
