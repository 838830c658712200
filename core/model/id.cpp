#include "id.h"

#include "clock.h"

namespace Orrery {

IdGenerator::IdGenerator(const Clock &clock, int generator)
    : m_clock(clock)
    , m_generator(generator & ((1 << kGeneratorBits) - 1))
{}

qint64 IdGenerator::nextValue()
{
    qint64 ms = m_clock.nowMs() - kEpochMs;
    if (ms < m_lastMs)
        ms = m_lastMs; // clock stepped back: stay on the last millisecond
    if (ms == m_lastMs) {
        ++m_sequence;
        if (m_sequence >= (qint64(1) << kSequenceBits)) {
            // Sequence exhausted within one millisecond: borrow the next millisecond.
            ++ms;
            m_sequence = 0;
        }
    } else {
        m_sequence = 0;
    }
    m_lastMs = ms;
    return (ms << (kGeneratorBits + kSequenceBits)) | (m_generator << kSequenceBits) | m_sequence;
}

} // namespace Orrery
