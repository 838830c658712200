#include "cluster.h"

#include <net/pki.h>

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QDir>
#include <QEventLoop>
#include <QFile>
#include <QJsonDocument>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QRegularExpression>
#include <QSslCertificate>
#include <QThread>
#include <QTimer>
#include <QUrlQuery>

#include <csignal>
#include <sys/types.h>

using namespace Qt::StringLiterals;

namespace Orrery::Testing {

namespace {

const QStringList kFinalStates = {u"success"_s, u"failed"_s,  u"timed_out"_s,
                                  u"cancelled"_s, u"lost"_s, u"skipped"_s};

bool writeFile(const QString &path, const QByteArray &data)
{
    QFile f(path);
    return f.open(QIODevice::WriteOnly | QIODevice::Truncate) && f.write(data) == data.size();
}

}  // namespace

Cluster::Cluster() = default;

Cluster::~Cluster()
{
    for (auto &[name, p] : m_agents) {
        if (p->state() != QProcess::NotRunning) {
            p->kill();
            p->waitForFinished(5000);
        }
    }
    if (m_master && m_master->state() != QProcess::NotRunning) {
        m_master->kill();
        m_master->waitForFinished(5000);
    }
}

QString Cluster::binary(const QString &name)
{
    if (name == u"orrery-master")
        return QStringLiteral(ORRERY_MASTER_PATH);
    if (name == u"orrery-agent")
        return QStringLiteral(ORRERY_AGENT_PATH);
    return QStringLiteral(ORRERYCTL_PATH);
}

QString Cluster::caFile() const
{
    return m_dir.filePath(u"pki/ca.crt"_s);
}

QString Cluster::masterConfigPath() const
{
    return m_dir.filePath(u"master.yaml"_s);
}

bool Cluster::init(QString *error, const QByteArray &extraConfig, bool mutualTls)
{
    if (!m_dir.isValid()) {
        *error = u"cannot create a temporary directory"_s;
        return false;
    }
    Net::PkiOptions options;
    options.dir = m_dir.filePath(u"pki"_s);
    const auto pki = Net::initPki(options);
    if (!pki) {
        *error = pki.error().toString();
        return false;
    }
    QByteArray config = "listen_address: 127.0.0.1\n"
                        "api_port: 0\n"
                        "agent_port: 0\n"
                        "data_dir: data\n"
                        "tls:\n"
                        "  certificate: pki/master.crt\n"
                        "  private_key: pki/master.key\n";
    if (mutualTls)
        config += "  client_ca: pki/ca.crt\n"
                  "  require_client_certificate: true\n";
    config += "log_level: debug\n"
              "heartbeat_interval: 1s\n"
              "kill_grace: 1s\n";
    if (!writeFile(masterConfigPath(), config + extraConfig)) {
        *error = u"cannot write "_s + masterConfigPath();
        return false;
    }
    m_tls = QSslConfiguration::defaultConfiguration();
    m_tls.setCaCertificates(QSslCertificate::fromPath(caFile()));
    m_tls.setPeerVerifyMode(QSslSocket::VerifyPeer);
    return true;
}

QString Cluster::runTool(const QStringList &args, QString *error)
{
    QProcess p;
    p.start(binary(u"orrery-master"_s), args);
    if (!p.waitForFinished(30000) || p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0) {
        *error = u"orrery-master %1 failed: %2"_s.arg(args.join(u' '),
                                                     QString::fromUtf8(p.readAllStandardError()));
        return {};
    }
    // The secret is the last non-empty line of stdout.
    const QList<QByteArray> lines = p.readAllStandardOutput().trimmed().split('\n');
    return QString::fromUtf8(lines.last().trimmed());
}

QString Cluster::createAdminToken(QString *error)
{
    m_adminToken = runTool({u"admin-token"_s, u"--config"_s, masterConfigPath(), u"--name"_s,
                            u"e2e-admin"_s},
                           error);
    if (m_token.isEmpty())
        m_token = m_adminToken;
    return m_adminToken;
}

QString Cluster::createEnrolToken(QString *error)
{
    return runTool({u"enrol-token"_s, u"--config"_s, masterConfigPath()}, error);
}

bool Cluster::startMaster(QString *error, const QStringList &extraArgs)
{
    m_master = std::make_unique<QProcess>();
    m_master->setProcessChannelMode(QProcess::SeparateChannels);
    m_masterOutput.clear();
    QObject::connect(m_master.get(), &QProcess::readyReadStandardError, m_master.get(),
                     [this] { m_masterOutput += m_master->readAllStandardError(); });
    m_master->start(binary(u"orrery-master"_s),
                    QStringList{u"--config"_s, masterConfigPath()} + extraArgs);
    if (!m_master->waitForStarted(10000)) {
        *error = u"orrery-master did not start: "_s + m_master->errorString();
        return false;
    }
    QByteArray out;
    static const QRegularExpression portLine(u"^orrery-master: (api|agent)_port=(\\d+)$"_s);
    const bool ready = waitUntil(
            [&] {
                out += m_master->readAllStandardOutput();
                for (const QByteArray &line : out.split('\n')) {
                    const auto m = portLine.match(QString::fromUtf8(line.trimmed()));
                    if (m.hasMatch())
                        (m.captured(1) == u"api" ? m_apiPort : m_agentPort) = m.captured(2).toInt();
                }
                return out.contains("ready") || m_master->state() == QProcess::NotRunning;
            },
            20000);
    if (!ready || m_master->state() == QProcess::NotRunning || m_apiPort == 0 || m_agentPort == 0) {
        *error = u"orrery-master did not become ready; output: "_s + QString::fromUtf8(out)
                 + u"\nstderr: "_s + masterLog();
        return false;
    }
    return true;
}

void Cluster::stopMaster(int signal)
{
    if (!m_master || m_master->state() == QProcess::NotRunning)
        return;
    ::kill(pid_t(m_master->processId()), signal);
    m_master->waitForFinished(20000);
}

QString Cluster::masterLog() const
{
    if (m_master)
        const_cast<Cluster *>(this)->m_masterOutput += m_master->readAllStandardError();
    return QString::fromUtf8(m_masterOutput);
}

bool Cluster::startAgent(const QString &name, QString *error, const QMap<QString, QString> &labels,
                         int maxParallel)
{
    const auto known = m_agentOptions.find(name);
    if (labels.isEmpty() && maxParallel == 4 && known != m_agentOptions.end())
        return startAgent(name, known->second, error);  // a restart: as it was first started
    AgentOptions options;
    options.labels = labels;
    options.maxParallel = maxParallel;
    return startAgent(name, options, error);
}

QJsonObject Cluster::node(const QString &name)
{
    for (const auto &n : get(u"/api/v1/nodes"_s).json.value(u"nodes"_s).toArray()) {
        if (n.toObject().value(u"name"_s).toString() == name)
            return n.toObject();
    }
    return {};
}

bool Cluster::startAgent(const QString &name, const AgentOptions &options, QString *error)
{
    if (!launchAgent(name, options, error))
        return false;
    const bool connected = waitUntil(
            [&] {
                const HttpReply r = get(u"/api/v1/nodes"_s);
                for (const auto &n : r.json.value(u"nodes"_s).toArray()) {
                    const QJsonObject node = n.toObject();
                    if (node.value(u"name"_s).toString() == name
                        && node.value(u"connected"_s).toBool())
                        return true;
                }
                return m_agents[name]->state() == QProcess::NotRunning;
            },
            20000);
    if (!connected || m_agents[name]->state() == QProcess::NotRunning) {
        *error = u"agent %1 did not connect; its log:\n%2"_s.arg(name, agentLog(name));
        return false;
    }
    return true;
}

bool Cluster::launchAgent(const QString &name, const AgentOptions &options, QString *error)
{
    m_agentOptions[name] = options;
    const QMap<QString, QString> &labels = options.labels;
    const int maxParallel = options.maxParallel;
    const QString agentDir = m_dir.filePath(u"agents/"_s + name);
    QDir().mkpath(agentDir);
    const QString config = agentDir + u"/agent.conf"_s;
    if (!QFile::exists(agentDir + u"/credential"_s)) {
        const QString token = createEnrolToken(error);
        if (token.isEmpty())
            return false;
        if (!writeFile(agentDir + u"/enrol-token"_s, token.toUtf8()))
            return false;
    }
    QStringList labelList;
    for (auto it = labels.begin(); it != labels.end(); ++it)
        labelList << it.key() + u'=' + it.value();
    QByteArray ini = "[agent]\n";
    ini += "master_urls = wss://127.0.0.1:" + QByteArray::number(m_agentPort) + "\n";
    ini += "ca_file = " + caFile().toUtf8() + "\n";
    ini += "node_name = " + name.toUtf8() + "\n";
    ini += "data_dir = " + agentDir.toUtf8() + "\n";
    if (QFile::exists(agentDir + u"/enrol-token"_s) && !QFile::exists(agentDir + u"/credential"_s))
        ini += "enrol_token_file = " + agentDir.toUtf8() + "/enrol-token\n";
    ini += "max_parallel = " + QByteArray::number(maxParallel) + "\n";
    if (!labelList.isEmpty())
        ini += "labels = " + labelList.join(u", "_s).toUtf8() + "\n";
    // Tests run as root on CI machines.
    ini += "allow_root = true\n";
    ini += "kill_grace = 1s\n";
    ini += "reconnect_min = 1s\n";
    ini += "reconnect_max = 2s\n";
    ini += "log_level = debug\n";
    if (!options.clientCertificate.isEmpty()) {
        ini += "client_cert = " + options.clientCertificate.toUtf8() + "\n";
        ini += "client_key = " + options.clientKey.toUtf8() + "\n";
    }
    if (!writeFile(config, ini)) {
        *error = u"cannot write "_s + config;
        return false;
    }
    auto p = std::make_unique<QProcess>();
    p->setProcessChannelMode(QProcess::MergedChannels);
    p->setStandardOutputFile(agentDir + u"/agent.log"_s, QIODevice::Append);
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.remove(u"ORRERY_AGENT_SIMULATED_LOAD"_s);
    if (!options.simulatedLoad.isEmpty())
        env.insert(u"ORRERY_AGENT_SIMULATED_LOAD"_s, options.simulatedLoad);
    p->setProcessEnvironment(env);
    p->start(binary(u"orrery-agent"_s), {u"--config"_s, config});
    if (!p->waitForStarted(10000)) {
        *error = u"orrery-agent did not start: "_s + p->errorString();
        return false;
    }
    m_agents[name] = std::move(p);
    return true;
}

void Cluster::stopAgent(const QString &name, int signal)
{
    QProcess *p = agent(name);
    if (!p || p->state() == QProcess::NotRunning)
        return;
    ::kill(pid_t(p->processId()), signal);
    p->waitForFinished(20000);
}

QProcess *Cluster::agent(const QString &name) const
{
    const auto it = m_agents.find(name);
    return it == m_agents.end() ? nullptr : it->second.get();
}

QString Cluster::agentLog(const QString &name) const
{
    QFile f(m_dir.filePath(u"agents/"_s + name + u"/agent.log"_s));
    return f.open(QIODevice::ReadOnly) ? QString::fromUtf8(f.readAll()) : QString();
}

HttpReply Cluster::request(const QByteArray &method, const QString &path, const QByteArray &body,
                           const QByteArray &contentType)
{
    QNetworkRequest req(QUrl(u"https://127.0.0.1:%1%2"_s.arg(m_apiPort).arg(path)));
    req.setSslConfiguration(m_tls);
    if (!m_token.isEmpty())
        req.setRawHeader("Authorization", "Bearer " + m_token.toUtf8());
    if (!body.isEmpty())
        req.setHeader(QNetworkRequest::ContentTypeHeader, contentType);
    QNetworkReply *reply = m_http.sendCustomRequest(req, method, body);
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    QTimer::singleShot(20000, &loop, &QEventLoop::quit);
    loop.exec();
    HttpReply r;
    if (!reply->isFinished()) {
        reply->abort();
        r.networkError = u"timed out"_s;
    }
    r.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    r.body = reply->readAll();
    if (r.status == 0)
        r.networkError = reply->errorString();
    r.json = QJsonDocument::fromJson(r.body).object();
    reply->deleteLater();
    return r;
}

HttpReply Cluster::post(const QString &path, const QJsonObject &body)
{
    return request("POST", path, QJsonDocument(body).toJson(QJsonDocument::Compact));
}

QString Cluster::createTask(const QJsonObject &task, QString *error)
{
    const HttpReply r = post(u"/api/v1/tasks"_s, task);
    if (r.status != 201) {
        *error = u"create task: HTTP %1 %2 %3"_s.arg(r.status).arg(QString::fromUtf8(r.body),
                                                                  r.networkError);
        return {};
    }
    return r.json.value(u"id"_s).toString();
}

QJsonObject Cluster::waitForRunEnd(const QString &runId, int timeoutMs)
{
    QJsonObject run;
    const bool ended = waitUntil(
            [&] {
                run = get(u"/api/v1/runs/"_s + runId).json;
                return kFinalStates.contains(run.value(u"state"_s).toString());
            },
            timeoutMs);
    return ended ? run : QJsonObject();
}

QByteArray Cluster::runOutput(const QString &runId)
{
    QByteArray all;
    const HttpReply r = get(u"/api/v1/runs/%1/output"_s.arg(runId));
    for (const auto &c : r.json.value(u"chunks"_s).toArray())
        all += c.toObject().value(u"text"_s).toString().toUtf8();
    return all;
}

bool Cluster::waitUntil(const std::function<bool()> &condition, int timeoutMs)
{
    QDeadlineTimer deadline(timeoutMs);
    while (!condition()) {
        if (deadline.hasExpired())
            return false;
        QCoreApplication::processEvents(QEventLoop::AllEvents, 50);
        QThread::msleep(50);
    }
    return true;
}

}  // namespace Orrery::Testing
