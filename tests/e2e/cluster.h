#pragma once

// A real Orrery installation for end-to-end tests: a private CA, one orrery-master process and
// any number of orrery-agent processes on loopback ports chosen at run time, and a REST client
// that pins the CA. Everything lives in a temporary directory that is removed afterwards.

#include <QJsonArray>
#include <QJsonObject>
#include <QMap>
#include <QNetworkAccessManager>
#include <QProcess>
#include <QSslConfiguration>
#include <QString>
#include <QTemporaryDir>

#include <functional>
#include <map>
#include <memory>

namespace Orrery::Testing {

struct HttpReply
{
    int status = 0;  // 0 = no HTTP answer (connection or TLS error)
    QByteArray body;
    QJsonObject json;  // body parsed, if it is a JSON object
    QString networkError;
};

// How startAgent() configures one agent.
struct AgentOptions
{
    QMap<QString, QString> labels;  // node labels (zone=sh, role=db, ...)
    int maxParallel = 4;
    // The load the agent reports in its heartbeats instead of the machine's (the agent's
    // ORRERY_AGENT_SIMULATED_LOAD, e.g. "cpu=95"); empty: the real load.
    QString simulatedLoad;
    // Mutual TLS: the client certificate and key files the agent presents (empty: none).
    QString clientCertificate;
    QString clientKey;
};

class Cluster
{
public:
    Cluster();
    ~Cluster();

    // The CA, the master certificate and the master's config file; extraConfig is appended
    // to the master's YAML (top-level keys). mutualTls: agents must present a certificate
    // signed by the CA (tls.client_ca, tls.require_client_certificate). false + error on
    // failure.
    bool init(QString *error, const QByteArray &extraConfig = {}, bool mutualTls = false);
    QString dir() const { return m_dir.path(); }
    QString caFile() const;

    // Starts orrery-master (ports 0) and waits until it prints its ports and "ready".
    bool startMaster(QString *error, const QStringList &extraArgs = {});
    // Sends a signal (SIGTERM: clean stop; SIGKILL: crash) and waits for the exit.
    void stopMaster(int signal);
    QProcess *master() const { return m_master.get(); }
    int apiPort() const { return m_apiPort; }
    int agentPort() const { return m_agentPort; }
    QString masterLog() const;

    // `orrery-master admin-token` / `enrol-token` against the same config (needs no running
    // master). Empty + error on failure.
    QString createAdminToken(QString *error);
    QString createEnrolToken(QString *error);
    const QString &adminToken() const { return m_adminToken; }
    void setToken(const QString &token) { m_token = token; }

    // Starts an orrery-agent named `name` (data in dir()/agents/<name>), enrolling it with a
    // fresh enrolment token the first time; waits until the master lists it as connected.
    bool startAgent(const QString &name, QString *error, const QMap<QString, QString> &labels = {},
                    int maxParallel = 4);
    bool startAgent(const QString &name, const AgentOptions &options, QString *error);
    // Starts the agent process without waiting for it to connect (for agents the master is
    // expected to refuse).
    bool launchAgent(const QString &name, const AgentOptions &options, QString *error);
    // The node as GET /api/v1/nodes lists it (empty when it is not listed).
    QJsonObject node(const QString &name);
    void stopAgent(const QString &name, int signal);
    QProcess *agent(const QString &name) const;
    QString agentLog(const QString &name) const;

    // REST with the current token (admin by default) over TLS pinned to the CA.
    HttpReply request(const QByteArray &method, const QString &path, const QByteArray &body = {},
                      const QByteArray &contentType = "application/json");
    HttpReply get(const QString &path) { return request("GET", path); }
    HttpReply post(const QString &path, const QJsonObject &body);

    // Creates a task through REST (fields as in docs/rest-api.md); returns its id or empty.
    QString createTask(const QJsonObject &task, QString *error);
    // The run's JSON once it reached a final state, or an empty object after timeoutMs.
    QJsonObject waitForRunEnd(const QString &runId, int timeoutMs);
    // All of a run's output, concatenated.
    QByteArray runOutput(const QString &runId);

    static bool waitUntil(const std::function<bool()> &condition, int timeoutMs);
    static QString binary(const QString &name);  // orrery-master / orrery-agent / orreryctl

private:
    QString masterConfigPath() const;
    QString runTool(const QStringList &args, QString *error);

    QTemporaryDir m_dir;
    std::unique_ptr<QProcess> m_master;
    std::map<QString, std::unique_ptr<QProcess>> m_agents;
    std::map<QString, AgentOptions> m_agentOptions;  // to restart an agent as it was
    QNetworkAccessManager m_http;
    QSslConfiguration m_tls;
    int m_apiPort = 0;
    int m_agentPort = 0;
    QString m_adminToken;
    QString m_token;
    QByteArray m_masterOutput;
};

}  // namespace Orrery::Testing
