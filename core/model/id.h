#pragma once

#include <QHashFunctions>
#include <QString>

#include <compare>
#include <cstdint>
#include <functional>

namespace Orrery {

class Clock;

// A typed 64-bit identifier. Values from IdGenerator are time-ordered: a later id compares
// greater. 0 is the invalid id.
template<typename Tag>
class Id
{
public:
    constexpr Id() = default;
    constexpr explicit Id(qint64 value) : m_value(value) {}

    constexpr qint64 value() const { return m_value; }
    constexpr bool isValid() const { return m_value > 0; }
    QString toString() const { return QString::number(m_value); }
    static Id fromString(const QString &text)
    {
        bool ok = false;
        const qint64 v = text.toLongLong(&ok);
        return ok && v > 0 ? Id(v) : Id();
    }

    friend constexpr auto operator<=>(Id, Id) = default;
    friend constexpr bool operator==(Id, Id) = default;
    friend size_t qHash(Id id, size_t seed = 0) { return ::qHash(id.m_value, seed); }

private:
    qint64 m_value = 0;
};

struct JobTag;
struct PipelineTag;
struct RunTag;
struct NodeTag;
using JobId = Id<JobTag>;
using PipelineId = Id<PipelineTag>;
using RunId = Id<RunTag>;
using NodeId = Id<NodeTag>;

// Snowflake-style generator: 41 bits of milliseconds since 2024-01-01T00:00:00Z, 10 bits of
// generator number (one per master), 12 bits of sequence. Strictly increasing within one
// generator even if the clock steps back (it then keeps using the last millisecond).
class IdGenerator
{
public:
    static constexpr qint64 kEpochMs = 1704067200000; // 2024-01-01T00:00:00Z
    static constexpr int kGeneratorBits = 10;
    static constexpr int kSequenceBits = 12;

    explicit IdGenerator(const Clock &clock, int generator = 0);

    qint64 nextValue();
    template<typename IdT>
    IdT next() { return IdT(nextValue()); }

    // Milliseconds since the Unix epoch encoded in an id from any generator.
    static qint64 timestampMs(qint64 id) { return (id >> (kGeneratorBits + kSequenceBits)) + kEpochMs; }

private:
    const Clock &m_clock;
    qint64 m_generator;
    qint64 m_lastMs = 0;
    qint64 m_sequence = 0;
};

} // namespace Orrery

template<typename Tag>
struct std::hash<Orrery::Id<Tag>>
{
    size_t operator()(Orrery::Id<Tag> id) const noexcept { return std::hash<qint64>()(id.value()); }
};
