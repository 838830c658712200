#pragma once

#include "id.h"

#include <QDateTime>
#include <QMap>
#include <QString>

namespace Orrery {

// A server running an agent, as the master knows it from registration and heartbeats.
struct Node
{
    NodeId id;
    QString name;
    QMap<QString, QString> labels;
    bool online = false;
    bool draining = false;
    int weight = 1;           // for weighted round-robin
    int maxParallel = 4;      // runs at once
    int running = 0;
    double cpuPercent = 0;
    qint64 freeMemoryBytes = 0;
    double load1 = 0;
    qint64 clockSkewMs = 0;
    QDateTime lastHeartbeat;

    // Every label of the selector is present with the same value.
    bool matches(const QMap<QString, QString> &selector) const;

    friend bool operator==(const Node &, const Node &) = default;
};

} // namespace Orrery
