#include "resultspool.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLoggingCategory>
#include <QRegularExpression>
#include <QSaveFile>
#include <QSet>

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
static constexpr qsizetype kMaxResultsPerFile = 1000;  // keeps a file well under kMaxFileBytes

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

QString ResultSpool::keyOf(RunId runId, int attempt)
{
    return runId.toString() + u'-' + QString::number(attempt);
}

Result<void> ResultSpool::store(const QList<SpooledResult> &results)
{
    if (results.isEmpty())
        return {};
    if (results.size() > kMaxResultsPerFile) {
        for (qsizetype i = 0; i < results.size(); i += kMaxResultsPerFile) {
            if (auto r = store(results.mid(i, kMaxResultsPerFile)); !r)
                return r;
        }
        return {};
    }
    const QString name = keyOf(results.first().runId, results.first().attempt) + u".json"_s;
    const QString path = m_directory + u'/' + name;
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return ioError(path, u"cannot open for writing: %1"_s.arg(file.errorString()));
    if (::fchmod(file.handle(), 0600) != 0)
        return ioError(path, u"cannot set permissions: %1"_s.arg(errnoText()));

    // The file of that name may hold other attempts still waiting for their acknowledgement
    // (it was named after an attempt stored here again): they move into the new file.
    QList<SpooledResult> all = results;
    if (m_heldBy.contains(name)) {
        QSet<QString> fresh;
        for (const SpooledResult &r : results)
            fresh.insert(keyOf(r.runId, r.attempt));
        QFile old(path);
        if (old.open(QIODevice::ReadOnly)) {
            for (const QByteArray &line : old.readAll().split('\n')) {
                auto parsed = runOutcomeFromJson(line);
                if (!parsed)
                    continue;
                const QString key = keyOf(parsed->runId, parsed->attempt);
                if (!fresh.contains(key) && m_fileOf.value(key) == name)
                    all.append(std::move(parsed).value());
            }
        }
    }

    std::unique_ptr<QIODevice> wrapper = m_wrapper ? m_wrapper(file) : nullptr;
    QIODevice &out = wrapper ? *wrapper : static_cast<QIODevice &>(file);
    QStringList keys;
    for (const SpooledResult &result : std::as_const(all)) {
        if (auto written = writeTo(out, result); !written) {
            file.cancelWriting();
            return ioError(path, written.error().message);
        }
        keys.append(keyOf(result.runId, result.attempt));
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
    track(name, keys);
    return {};
}

void ResultSpool::track(const QString &file, const QStringList &keys) const
{
    // The file's new content replaces whatever it held before.
    if (m_heldBy.remove(file)) {
        for (auto it = m_fileOf.begin(); it != m_fileOf.end();)
            it = it.value() == file ? m_fileOf.erase(it) : std::next(it);
    }
    for (const QString &key : keys) {
        if (m_fileOf.value(key) == file)
            continue;  // listed twice
        if (m_fileOf.contains(key)) {
            // An older result of the attempt, superseded by this one.
            if (const Result<void> released = release(key); !released)
                qCWarning(lcSpool).noquote() << released.error().toString();
        }
        m_fileOf.insert(key, file);
        ++m_heldBy[file];
    }
}

Result<void> ResultSpool::release(const QString &key) const
{
    QString file;
    if (const auto it = m_fileOf.constFind(key); it != m_fileOf.cend()) {
        file = it.value();
        m_fileOf.erase(it);
        if (--m_heldBy[file] > 0)
            return {};
        m_heldBy.remove(file);
    } else {
        file = key + u".json"_s;
        if (m_heldBy.contains(file))
            return {};  // the file now holds other attempts only
    }
    const QString path = m_directory + u'/' + file;
    QFile f(path);
    if (f.exists() && !f.remove())
        return ioError(path, u"cannot delete acknowledged result: %1"_s.arg(f.errorString()));
    return {};
}

ResultSpool::Pending ResultSpool::pending() const
{
    static const QRegularExpression namePattern(u"^([0-9]+)-([0-9]+)\\.json$"_s);
    Pending out;
    const QDir dir(m_directory);
    const QStringList names = dir.entryList({u"*.json"_s}, QDir::Files, QDir::Name);
    struct Latest
    {
        SpooledResult result;
        QString file;
    };
    QHash<QString, Latest> latest;  // by attempt: the newest result and the file holding it
    QStringList readable;
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
        // One result a line; the file is replaced atomically, so any bad line means the
        // whole file is damaged.
        QList<SpooledResult> results;
        QString problem;
        for (const QByteArray &line : bytes.split('\n')) {
            if (line.trimmed().isEmpty())
                continue;
            auto parsed = runOutcomeFromJson(line);
            if (!parsed) {
                problem = parsed.error().message;
                break;
            }
            results.append(std::move(parsed).value());
        }
        if (problem.isEmpty() && results.isEmpty())
            problem = u"the file holds no result"_s;
        if (!problem.isEmpty()) {
            corrupt(problem);
            continue;
        }
        const SpooledResult &first = results.first();
        if (first.runId.toString() != match.captured(1)
            || QString::number(first.attempt) != match.captured(2)) {
            corrupt(u"content is for run %1 attempt %2"_s.arg(first.runId.toString())
                            .arg(first.attempt));
            continue;
        }
        readable.append(name);
        for (SpooledResult &r : results) {
            const QString key = keyOf(r.runId, r.attempt);
            const auto it = latest.constFind(key);
            if (it == latest.cend() || it->result.finishedMs < r.finishedMs)
                latest.insert(key, {std::move(r), name});
        }
    }

    m_fileOf.clear();
    m_heldBy.clear();
    for (auto it = latest.cbegin(); it != latest.cend(); ++it) {
        out.results.append(it->result);
        m_fileOf.insert(it.key(), it->file);
        ++m_heldBy[it->file];
    }
    // A file whose every result was stored again elsewhere holds nothing to send.
    for (const QString &name : std::as_const(readable)) {
        if (!m_heldBy.contains(name))
            QFile::remove(dir.filePath(name));
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
    return release(keyOf(runId, attempt));
}

}  // namespace Orrery::Agent
