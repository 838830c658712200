#pragma once

#include "cronexpression.h"
#include "cronparser.h"

#include <QString>
#include <QTimeZone>

namespace Orrery::Cron::Internal {

// The English or Chinese description of a parsed expression (CronExpression::explain()).
QString explainCron(const ParsedCron &cron, const QTimeZone &zone, Language language);

}  // namespace Orrery::Cron::Internal
