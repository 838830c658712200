#pragma once

#include <model/result.h>

#include <QByteArray>
#include <QString>

namespace Orrery {

// orrery-master's configuration file (YAML, docs/configuration.md). Every key is optional;
// unknown keys are errors with a did-you-mean, every error is file:line:col.
//
//   listen_address: 127.0.0.1     # both ports
//   api_port: 8443                # HTTPS REST API
//   agent_port: 8442              # wss:// for agents and clients
//   data_dir: /var/lib/orrery     # store, logs; relative paths are relative to the file
//   store: ""                     # empty = sqlite:<data_dir>/orrery.db; or postgresql://...
//   tls:
//     certificate: master.crt     # relative to the file
//     private_key: master.key
//     client_ca: ca.crt           # optional: ask agents for certificates
//     require_client_certificate: false
//   log_level: info               # debug | info | warning | error
//   time_zone: UTC                # default zone of jobs without time_zone
//   heartbeat_interval: 10s       # told to agents in `welcome`
//   missed_heartbeats: 3          # then the node is offline and its runs lost
//   kill_grace: 5s                # SIGTERM -> SIGKILL on timeout/stop
//   output_limit: 10485760        # bytes of output kept per run
//   max_message_bytes: 1048576
//   scheduling:                   # issue 5: queue, dispatch
//     default_strategy: round_robin  # for jobs without `strategy`: round_robin |
//                                    # weighted_round_robin | least_running | resource_aware
//     ageing_step: 10m            # a waiting run gains one priority level per step (0 = off)
//     p3_max_utilisation: 50      # % of the fleet's slots busy below which P3 runs start
//     max_running: 0              # runs in flight over the fleet, 0 = no limit (P0 exempt)
//     cpu_any_below: 70           # resource-aware: CPU % under which a node takes any job
//     cpu_light_max: 90           #   ... up to which it takes light jobs
//     memory_any_above: 2147483648   # free bytes over which a node takes any job
//     memory_light_min: 536870912    #   ... from which it takes light jobs
//     predispatch_ms: 1000        # send a cron fire's run this long before its instant, the
//                                 # agent starts it then (0 = off; only to agents that can)
//   autoscale:                    # scale-out / scale-in triggers; off without `hook`
//     hook: ""                    # command run with the decision as JSON on stdin
//     queue_length_above: 100
//     average_wait_above: 5m
//     fleet_cpu_above: 80         # %, sustained over cpu_window
//     scale_in_cpu_below: 20      # %, sustained, with an empty queue
//     cpu_window: 5m
//     cooldown: 10m
//     min_nodes: 1                # scale-in never drains below this many nodes
struct MasterConfig
{
    QString listenAddress = QStringLiteral("127.0.0.1");
    int apiPort = 8443;
    int agentPort = 8442;
    QString dataDir = QStringLiteral("/var/lib/orrery");
    QString store;  // empty = sqlite:<dataDir>/orrery.db
    QString tlsCertificate;
    QString tlsPrivateKey;
    QString tlsClientCa;
    bool requireClientCertificate = false;
    QString logLevel = QStringLiteral("info");
    QString timeZone = QStringLiteral("UTC");
    qint64 heartbeatIntervalMs = 10000;
    int missedHeartbeats = 3;
    qint64 killGraceMs = 5000;
    qint64 outputLimitBytes = 10 * 1024 * 1024;
    qint64 maxMessageBytes = 1024 * 1024;

    // scheduling:
    QString defaultStrategy = QStringLiteral("round_robin");
    qint64 ageingStepSecs = 600;
    int p3MaxUtilisationPercent = 50;
    int maxRunning = 0;
    double cpuAnyBelow = 70.0;
    double cpuLightMax = 90.0;
    qint64 memoryAnyAboveBytes = qint64(2) * 1024 * 1024 * 1024;
    qint64 memoryLightMinBytes = qint64(512) * 1024 * 1024;
    // On by default: 1 s covers the fire's commit and dispatch even on a busy master, for one
    // held max_parallel slot per fire.
    qint64 predispatchMs = 1000;

    // autoscale:
    QString autoscaleHook;  // empty = no auto-scaling
    int scaleOutQueueLength = 100;
    qint64 scaleOutAverageWaitSecs = 300;
    double scaleOutFleetCpu = 80.0;
    double scaleInFleetCpu = 20.0;
    qint64 autoscaleCpuWindowSecs = 300;
    qint64 autoscaleCooldownSecs = 600;
    int autoscaleMinNodes = 1;

    // The store URL to open (store, or the SQLite default in dataDir).
    QString storeUrl() const;
};

// Relative paths (data_dir, tls.*, the path of a sqlite: store) are resolved against baseDir
// (the file's directory).
Result<MasterConfig> parseMasterConfig(const QByteArray &yaml, const QString &fileName,
                                       const QString &baseDir);
Result<MasterConfig> loadMasterConfig(const QString &path);
// Checks ranges and combinations (ports 0..65535, require_client_certificate needs
// client_ca, log level word, zone known); InvalidValue naming the key.
Result<void> validateMasterConfig(const MasterConfig &config);

}  // namespace Orrery
