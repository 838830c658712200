#include "viewformat.h"

#include <editor/graphitems.h>
#include <model/runstate.h>

#include <QStringList>

using namespace Qt::Literals::StringLiterals;

namespace Orrery::Gui {

QString runStateText(const QString &state)
{
    if (state == u"waiting"_s)
        return ViewText::tr("waiting");
    if (state == u"running"_s)
        return ViewText::tr("running");
    if (state == u"success"_s)
        return ViewText::tr("success");
    if (state == u"failed"_s)
        return ViewText::tr("failed");
    if (state == u"timed_out"_s)
        return ViewText::tr("timed out");
    if (state == u"cancelled"_s)
        return ViewText::tr("cancelled");
    if (state == u"lost"_s)
        return ViewText::tr("lost");
    if (state == u"skipped"_s)
        return ViewText::tr("skipped");
    if (state == u"idle"_s)
        return ViewText::tr("never ran");
    return state;
}

QColor runStateColor(const QString &state)
{
    const std::optional<RunState> s = runStateFromName(state);
    return s ? Editor::runStateColor(*s) : QColor(Qt::gray);
}

qint64 idValue(const QJsonValue &value)
{
    bool ok = false;
    const qint64 id = value.toString().toLongLong(&ok);
    return ok ? id : 0;
}

QDateTime instantValue(const QJsonValue &value)
{
    if (!value.isString())
        return QDateTime();
    return QDateTime::fromString(value.toString(), Qt::ISODateWithMs);
}

QString instantText(const QDateTime &at)
{
    return at.isValid() ? at.toLocalTime().toString(u"yyyy-MM-dd HH:mm:ss"_s) : QString();
}

QString durationText(qint64 ms)
{
    if (ms < 0)
        return QString();
    if (ms < 1000)
        return ViewText::tr("%1 ms").arg(ms);
    if (ms < 60 * 1000)
        return ViewText::tr("%1 s").arg(double(ms) / 1000.0, 0, 'f', 1);
    const qint64 secs = ms / 1000;
    if (secs < 3600)
        return ViewText::tr("%1 min %2 s").arg(secs / 60).arg(secs % 60, 2, 10, QChar(u'0'));
    return ViewText::tr("%1 h %2 min").arg(secs / 3600).arg((secs % 3600) / 60, 2, 10, QChar(u'0'));
}

QString labelsText(const QJsonObject &labels)
{
    QStringList parts;
    for (auto it = labels.constBegin(); it != labels.constEnd(); ++it)
        parts.append(it.key() + u'=' + it.value().toString());
    return parts.join(u", "_s);
}

QString replyErrorText(const Client::ApiReply &reply)
{
    if (!reply.error.isEmpty())
        return reply.error;
    const QString message
            = reply.object().value(u"error"_s).toObject().value(u"message"_s).toString();
    return message.isEmpty() ? ViewText::tr("HTTP status %1").arg(reply.status) : message;
}

qint64 runDurationMs(const QJsonObject &run, const QDateTime &now)
{
    const QDateTime started = instantValue(run.value(u"started_at"_s));
    if (!started.isValid())
        return -1;
    QDateTime finished = instantValue(run.value(u"finished_at"_s));
    if (!finished.isValid())
        finished = now;
    return qMax<qint64>(0, started.msecsTo(finished));
}

QList<int> timeAxisLabelBuckets(const QList<QDateTime> &starts, bool byDay, int maxLabels)
{
    const QList<int> steps = byDay ? QList<int>{1, 2, 3, 7} : QList<int>{1, 2, 3, 4, 6, 12, 24};
    const qsizetype n = starts.size();
    QList<int> chosen;
    for (const int step : steps) {
        chosen.clear();
        for (qsizetype i = 0; i < n; ++i) {
            const bool labelled
                    = byDay ? (n - 1 - i) % step == 0 : starts.at(i).time().hour() % step == 0;
            if (labelled)
                chosen.append(int(i));
        }
        if (chosen.size() <= qMax(1, maxLabels))
            break;
    }
    if (chosen.isEmpty() && n > 0)
        chosen.append(int(n - 1));
    return chosen;
}

}  // namespace Orrery::Gui
