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
