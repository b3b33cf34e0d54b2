// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>
#include <optional>
#include <utility>
#include <variant>

namespace sb {

/// An error that crossed a module boundary: a stable machine code plus a human-readable message.
/// `line`/`column` are set by parsers (0 when not applicable).
struct Error
{
    QString code;
    QString message;
    int line = 0;
    int column = 0;

    QString toString() const
    {
        if (line > 0)
            return QStringLiteral("line %1, column %2: %3").arg(line).arg(column).arg(message);
        return message;
    }
};

/// Minimal `expected`-like result: holds either a value or an Error. Core code returns these
/// instead of throwing.
template <typename T> class Result
{
public:
    Result(T value)
        : m_data(std::move(value))
    {
    }
    Result(Error error)
        : m_data(std::move(error))
    {
    }

    bool ok() const { return std::holds_alternative<T>(m_data); }
    explicit operator bool() const { return ok(); }

    const T& value() const& { return std::get<T>(m_data); }
    T& value() & { return std::get<T>(m_data); }
    T&& value() && { return std::get<T>(std::move(m_data)); }
    const T& operator*() const& { return value(); }
    const T* operator->() const { return &value(); }

    const Error& error() const { return std::get<Error>(m_data); }

private:
    std::variant<T, Error> m_data;
};

inline Error makeError(QString code, QString message, int line = 0, int column = 0)
{
    return Error{std::move(code), std::move(message), line, column};
}

} // namespace sb
