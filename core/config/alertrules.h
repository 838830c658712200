#pragma once

#include "alertcondition.h"

#include <model/job.h>
#include <model/result.h>

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

namespace Orrery::Config {

// Alert rule files (docs/file-formats.md, "Alert rules").

struct AlertRule
{
    QString name;
    QString conditionText;  // as written in the file
    Condition condition;
    QStringList channels;  // phone, sms, email, dingtalk, wecom, slack, webhook
    QString severity = QStringLiteral("warning");  // critical | major | warning | info
    QString description;
    bool enabled = true;
    SourceLocation location;  // where `name` is defined
};

// The channel and severity words, in documentation order.
QStringList alertChannelNames();
QStringList alertSeverityNames();

// Reads the `alert_rules` list. Condition errors are located inside the file (the column of
// the offending token inside the condition string). Rule names must be unique.
Result<QList<AlertRule>> parseAlertRules(const QByteArray &yaml, const QString &fileName);
Result<QList<AlertRule>> loadAlertRules(const QString &path);

}  // namespace Orrery::Config
