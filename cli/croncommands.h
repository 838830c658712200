#pragma once

#include "commandline.h"

#include <cron/cronexpression.h>

#include <QDateTime>
#include <QList>

namespace Orrery::Cli {

// `orreryctl cron next|explain ...`; args[0] is "cron".
int runCronCommand(const QStringList &args, Io io);

// "2026-03-08T03:00:00-04:00": ISO 8601 with the numeric offset, always (also "+00:00").
QString isoWithOffset(const QDateTime &time);

// The language explanations are printed in when --lang is not given (from the locale).
Cron::Language defaultLanguage();

// Parses a --tz value (empty = system zone) or prints the error; std::nullopt on error.
std::optional<QTimeZone> readTimeZone(const QString &name, Io io);

// Parses a --from value: ISO 8601; without an offset it is wall time in `zone`.
// Empty = now. std::nullopt (and an error printed) when it does not parse.
std::optional<QDateTime> readFrom(const QString &text, const QTimeZone &zone, Io io);

// Up to `count` fire times strictly after `from`, fewer when the schedule ends.
QList<QDateTime> nextFireTimes(const Cron::CronExpression &cron, const QDateTime &from, int count);

// Prints a cron parse error with the expression and a caret under the column.
int failCron(Io io, const QString &expression, const Error &error);

} // namespace Orrery::Cli
