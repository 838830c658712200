#pragma once

#include "error.h"

#include <type_traits>
#include <utility>
#include <variant>

namespace Orrery {

// The error side of a Result, so that `return Unexpected(error);` reads like std::unexpected.
struct Unexpected
{
    explicit Unexpected(Error e) : error(std::move(e)) {}
    Error error;
};

// A value or an Error, with the std::expected interface (has_value, operator bool, value,
// error, operator*, operator->) so that C++23 can replace it.
template<typename T>
class [[nodiscard]] Result
{
public:
    Result(const T &value) : m_data(std::in_place_index<0>, value) {}
    Result(T &&value) : m_data(std::in_place_index<0>, std::move(value)) {}
    Result(Unexpected u) : m_data(std::in_place_index<1>, std::move(u.error)) {}
    Result(Error e) : m_data(std::in_place_index<1>, std::move(e)) {}

    bool has_value() const { return m_data.index() == 0; }
    explicit operator bool() const { return has_value(); }

    T &value() & { return std::get<0>(m_data); }
    const T &value() const & { return std::get<0>(m_data); }
    T &&value() && { return std::get<0>(std::move(m_data)); }
    T value_or(T fallback) const { return has_value() ? value() : std::move(fallback); }

    const Error &error() const & { return std::get<1>(m_data); }
    Error &&error() && { return std::get<1>(std::move(m_data)); }

    T &operator*() & { return value(); }
    const T &operator*() const & { return value(); }
    T *operator->() { return &value(); }
    const T *operator->() const { return &value(); }

private:
    std::variant<T, Error> m_data;
};

template<>
class [[nodiscard]] Result<void>
{
public:
    Result() = default;
    Result(Unexpected u) : m_error(std::move(u.error)), m_failed(true) {}
    Result(Error e) : m_error(std::move(e)), m_failed(true) {}

    bool has_value() const { return !m_failed; }
    explicit operator bool() const { return has_value(); }
    void value() const {}
    const Error &error() const { return m_error; }

private:
    Error m_error;
    bool m_failed = false;
};

} // namespace Orrery
