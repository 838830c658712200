#pragma once

// Internal to Orrery::Config: ${name} substitution, shared by job templates and pipeline
// parameters (the public entry for pipelines is substituteParameters(), pipelinefile.h).

#include <QList>
#include <QRegularExpression>
#include <QString>

#include <functional>
#include <optional>

namespace Orrery::Config::Internal {

// A parameter name: letters, digits and '_', not starting with a digit.
const QRegularExpression &identifier();

struct Placeholder
{
    QString name;
    qsizetype offset = 0;  // of the `$` in the text
};

// Replaces ${name} (name an identifier) by lookup(name), or keeps it when lookup gives
// nothing; `$${` is written `${`. Every other `$` is left alone (shell syntax).
QString substitute(const QString &text,
                   const std::function<std::optional<QString>(const QString &)> &lookup,
                   QList<Placeholder> *found);

}  // namespace Orrery::Config::Internal
