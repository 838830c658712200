#pragma once

#include <client/masterconnection.h>

#include <QColor>
#include <QCoreApplication>
#include <QDateTime>
#include <QJsonObject>
#include <QJsonValue>
#include <QString>

// Small helpers shared by the views: how the master's JSON values (docs/rest-api.md) are
// shown to people. Ids are JSON strings of digits and instants ISO 8601 UTC.
namespace Orrery::Gui {

struct ViewText
{
    Q_DECLARE_TR_FUNCTIONS(Orrery::Gui::ViewText)
};

// A run state word ("timed_out") for people ("timed out", translated); unknown words as they
// are, "idle" (a task that never ran) included.
QString runStateText(const QString &state);
// The live overlay's colour of a run state (gui/editor); grey for unknown words.
QColor runStateColor(const QString &state);

// An id ("42") as a number; 0 when it is not one.
qint64 idValue(const QJsonValue &value);
// An ISO 8601 instant; invalid for null or malformed text.
QDateTime instantValue(const QJsonValue &value);
// Local time "yyyy-MM-dd HH:mm:ss"; empty for an invalid instant.
QString instantText(const QDateTime &at);
// "850 ms", "12.3 s", "4 min 05 s", "2 h 03 min"; empty for a negative duration.
QString durationText(qint64 ms);
// {"zone": "cn-east", "role": "db"} -> "role=db, zone=cn-east".
QString labelsText(const QJsonObject &labels);
// Why a request failed: the connection's reason or the REST error's message.
QString replyErrorText(const Client::ApiReply &reply);
// A run's duration: finished - started, or now - started while it runs; -1 if not started.
qint64 runDurationMs(const QJsonObject &run, const QDateTime &now);
// The buckets (indexes into `starts`, local times) that a trend chart's time axis labels when
// at most `maxLabels` labels fit: hours every 1, 2, 3, 4, 6, 12 or 24 hours of the clock
// (00:00, 03:00, ...); days every 1, 2, 3 or 7 days counted back from the last one. At least
// one label.
QList<int> timeAxisLabelBuckets(const QList<QDateTime> &starts, bool byDay, int maxLabels);

}  // namespace Orrery::Gui
