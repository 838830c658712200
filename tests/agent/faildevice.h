#pragma once

#include <QIODevice>
#include <QPointer>

// A write-only QIODevice that passes bytes on to a target device (if any) and fails once
// `failAfter` bytes have been written, like a disk that fills up in the middle of a file.
class FailDevice final : public QIODevice
{
public:
    explicit FailDevice(qint64 failAfter, QIODevice *target = nullptr)
        : m_failAfter(failAfter), m_target(target)
    {
        open(QIODevice::WriteOnly);
    }

    qint64 bytesWritten() const { return m_written; }

protected:
    qint64 readData(char *, qint64) override { return -1; }
    qint64 writeData(const char *data, qint64 len) override
    {
        const qint64 room = m_failAfter - m_written;
        if (room <= 0) {
            setErrorString(QStringLiteral("No space left on device"));
            return -1;
        }
        const qint64 n = std::min(room, len);
        if (m_target && m_target->write(data, n) != n) {
            setErrorString(m_target->errorString());
            return -1;
        }
        m_written += n;
        return n;  // a short write; the next one fails
    }

private:
    qint64 m_failAfter;
    qint64 m_written = 0;
    QPointer<QIODevice> m_target;
};
