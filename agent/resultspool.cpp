#include "resultspool.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLoggingCategory>
#include <QRegularExpression>
#include <QSaveFile>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <tuple>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace Qt::Literals::StringLiterals;

namespace Orrery::Agent {

static Q_LOGGING_CATEGORY(lcSpool, "orrery.agent.spool", QtInfoMsg)

        static constexpr qint64 kMaxFileBytes = 1024 * 1024;  // a result is a few hundred bytes

static QString errnoText()
{
    return QString::fromLocal8Bit(std::strerror(errno));
}

// fsync a directory so that a rename or unlink inside it survives a power loss.
static bool syncDirectory(const QString &dir)
{
    const QByteArray native = QFile::encodeName(dir);
    const int fd = ::open(native.constData(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return false;
    const bool ok = ::fsync(fd) == 0;
    ::close(fd);
    return ok;
}

Result<ResultSpool> ResultSpool::open(const QString &directory)
{
    const QString dir = QDir::cleanPath(QDir(directory).absolutePath());
    const QByteArray native = QFile::encodeName(dir);
    if (!QDir().mkpath(dir)) {
        Error e = makeError(ErrorCode::Io, u"cannot create spool directory"_s);
        e.file = dir;
        return e;
    }
    if (::chmod(native.constData(), 0700) != 0) {
        Error e = makeError(ErrorCode::Io,
                            u"cannot set permissions of spool directory: %1"_s.arg(errnoText()));
        e.file = dir;
        return e;
    }
    return ResultSpool(dir);
}

QString ResultSpool::pathFor(RunId runId, int attempt) const
{
    return m_directory + u'/' + runId.toString() + u'-' + QString::number(attempt) + u".json"_s;
}

Error ResultSpool::ioError(const QString &path, const QString &what) const
{
    Error e = makeError(ErrorCode::Io, what);
    e.file = path;
    return e;
}

Result<void> ResultSpool::writeTo(QIODevice &device, const SpooledResult &result)
{
    const QByteArray bytes = toJson(result);
    qint64 written = 0;
    while (written < bytes.size()) {
        const qint64 n = device.write(bytes.constData() + written, bytes.size() - written);
        if (n <= 0)
            return makeError(ErrorCode::Io, u"write failed after %1 of %2 bytes: %3"_s.arg(written)
                                                    .arg(bytes.size())
                                                    .arg(device.errorString()));
        written += n;
    }
    return {};
}

Result<void> ResultSpool::store(const SpooledResult &result)
{
    const QString path = pathFor(result.runId, result.attempt);
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return ioError(path, u"cannot open for writing: %1"_s.arg(file.errorString()));
    if (::fchmod(file.handle(), 0600) != 0)
        return ioError(path, u"cannot set permissions: %1"_s.arg(errnoText()));

    std::unique_ptr<QIODevice> wrapper = m_wrapper ? m_wrapper(file) : nullptr;
    QIODevice &out = wrapper ? *wrapper : static_cast<QIODevice &>(file);
    if (auto written = writeTo(out, result); !written) {
        file.cancelWriting();
        return ioError(path, written.error().message);
    }
    wrapper.reset();
    if (!file.flush() || ::fsync(file.handle()) != 0) {
        const QString why = file.error() != QFileDevice::NoError ? file.errorString() : errnoText();
        file.cancelWriting();
        return ioError(path, u"cannot flush to disk: %1"_s.arg(why));
    }
    if (!file.commit())
        return ioError(path, u"cannot commit: %1"_s.arg(file.errorString()));
    if (!syncDirectory(m_directory))
        return ioError(m_directory, u"cannot sync spool directory: %1"_s.arg(errnoText()));
    return {};
}

ResultSpool::Pending ResultSpool::pending() const
{
    static const QRegularExpression namePattern(u"^([0-9]+)-([0-9]+)\\.json$"_s);
    Pending out;
    const QDir dir(m_directory);
    const QStringList names = dir.entryList({u"*.json"_s}, QDir::Files, QDir::Name);
    for (const QString &name : names) {
        const QString path = dir.filePath(name);
        auto corrupt = [&](const QString &why) {
            QString target = path + u".corrupt"_s;
            for (int i = 1; QFile::exists(target); ++i)
                target = path + u".corrupt."_s + QString::number(i);
            const bool moved = QFile::rename(path, target);
            Error e = makeError(ErrorCode::Syntax,
                                moved ? u"%1; moved aside to %2"_s.arg(why, target)
                                      : u"%1; could not move it aside"_s.arg(why));
            e.file = path;
            qCWarning(lcSpool) << "spooled result" << path << "unreadable:" << e.message;
            out.errors.append(e);
        };

        const QRegularExpressionMatch match = namePattern.match(name);
        if (!match.hasMatch()) {
            corrupt(u"file name is not <run id>-<attempt>.json"_s);
            continue;
        }
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly)) {
            Error e = ioError(path, u"cannot read: %1"_s.arg(file.errorString()));
            out.errors.append(e);
            continue;
        }
        if (file.size() > kMaxFileBytes) {
            file.close();
            corrupt(u"file is larger than %1 bytes"_s.arg(kMaxFileBytes));
            continue;
        }
        const QByteArray bytes = file.readAll();
        file.close();
        auto parsed = runOutcomeFromJson(bytes);
        if (!parsed) {
            corrupt(parsed.error().message);
            continue;
        }
        if (parsed->runId.toString() != match.captured(1)
            || QString::number(parsed->attempt) != match.captured(2)) {
            corrupt(u"content is for run %1 attempt %2"_s.arg(parsed->runId.toString())
                            .arg(parsed->attempt));
            continue;
        }
        out.results.append(std::move(parsed).value());
    }
    std::sort(out.results.begin(), out.results.end(),
              [](const SpooledResult &a, const SpooledResult &b) {
                  return std::tie(a.finishedMs, a.runId, a.attempt)
                         < std::tie(b.finishedMs, b.runId, b.attempt);
              });
    return out;
}

Result<void> ResultSpool::acknowledge(RunId runId, int attempt)
{
    const QString path = pathFor(runId, attempt);
    QFile file(path);
    if (!file.exists())
        return {};
    if (!file.remove())
        return ioError(path, u"cannot delete acknowledged result: %1"_s.arg(file.errorString()));
    if (!syncDirectory(m_directory))
        return ioError(m_directory, u"cannot sync spool directory: %1"_s.arg(errnoText()));
    return {};
}

}  // namespace Orrery::Agent
