// orreryctl's online commands against a real orrery-master: a private CA from
// `orreryctl pki init`, the master on loopback ports chosen at run time, an admin token from
// `orrery-master admin-token`. Checks what a user or a script sees: stdout, stderr, exit code.

#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace Qt::Literals::StringLiterals;

struct Outcome
{
    int exitCode = -1;
    QString out;
    QString err;
};

static bool writeFile(const QString &path, const QByteArray &data)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly | QIODevice::Truncate) && file.write(data) == data.size();
}

static QString example(const QString &name)
{
    return QStringLiteral(ORRERY_SOURCE_DIR) + u"/examples/"_s + name;
}

class tst_OrreryctlOnline : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();

    void apply();
    void applyReportsServerErrors();
    void jobsList();
    void jobShow();
    void jobShowUnknown();
    void runLifecycle();
    void viewerTokenCannotMutate();
    void wrongTokenIsUnauthorized();
    void wrongCaIsTlsError();
    void connectionRefused();
    void nodesList();
    void pipelineRunAndList();
    void nodeDrainUnknown();
    void enrolToken();
    void settingsFromQuickstartFile();
    void settingsFromConfigFile();
    void flagsWinOverEnvironment();
    void usageErrors_data();
    void usageErrors();

private:
    // Runs orreryctl with ORRERY_URL/TOKEN/CA of the admin unless `env` overrides them
    // (an empty value removes the variable), in `workDir` (default: the temp dir).
    Outcome ctl(const QStringList &args, const QMap<QString, QString> &env = {},
                const QString &workDir = {}) const;
    QString path(const QString &name) const { return m_dir.filePath(name); }
    QString jobsNames(const QString &tableText) const;

    QTemporaryDir m_dir;
    std::unique_ptr<QProcess> m_master;
    QString m_url;
    QString m_adminToken;
};

Outcome tst_OrreryctlOnline::ctl(const QStringList &args, const QMap<QString, QString> &env,
                                 const QString &workDir) const
{
    QProcess p;
    QProcessEnvironment e = QProcessEnvironment::systemEnvironment();
    for (const QString &key : e.keys()) {
        if (key.startsWith(u"ORRERY_"_s))
            e.remove(key);
    }
    e.insert(u"LANG"_s, u"C.UTF-8"_s);
    e.insert(u"LC_ALL"_s, u"C.UTF-8"_s);
    e.insert(u"TZ"_s, u"UTC"_s);
    e.insert(u"XDG_CONFIG_HOME"_s, path(u"xdg"_s));  // no config file of the user running this
    e.insert(u"ORRERY_URL"_s, m_url);
    e.insert(u"ORRERY_TOKEN"_s, m_adminToken);
    e.insert(u"ORRERY_CA"_s, path(u"pki/ca.crt"_s));
    for (auto it = env.begin(); it != env.end(); ++it) {
        if (it.value().isEmpty())
            e.remove(it.key());
        else
            e.insert(it.key(), it.value());
    }
    p.setProcessEnvironment(e);
    p.setWorkingDirectory(workDir.isEmpty() ? m_dir.path() : workDir);
    p.start(QStringLiteral(ORRERYCTL_PATH), args);
    if (!p.waitForFinished(60000))
        return {};
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1,
            QString::fromUtf8(p.readAllStandardOutput()),
            QString::fromUtf8(p.readAllStandardError())};
}

void tst_OrreryctlOnline::initTestCase()
{
    QVERIFY(m_dir.isValid());
    const Outcome pki = ctl({u"pki"_s, u"init"_s, path(u"pki"_s)});
    QVERIFY2(pki.exitCode == 0, qPrintable(pki.err));
    QVERIFY(QDir().mkpath(path(u"xdg"_s)));
    QVERIFY(QDir().mkpath(path(u"empty"_s)));
    QVERIFY(writeFile(path(u"master.yaml"_s),
                      "listen_address: 127.0.0.1\n"
                      "api_port: 0\n"
                      "agent_port: 0\n"
                      "data_dir: data\n"
                      "tls:\n"
                      "  certificate: pki/master.crt\n"
                      "  private_key: pki/master.key\n"));

    QProcess tool;
    tool.start(QStringLiteral(ORRERY_MASTER_PATH),
               {u"admin-token"_s, u"--config"_s, path(u"master.yaml"_s), u"--name"_s,
                u"ctl-test-admin"_s});
    QVERIFY(tool.waitForFinished(30000));
    QVERIFY2(tool.exitCode() == 0, tool.readAllStandardError().constData());
    // The secret is the last line of stdout.
    m_adminToken = QString::fromUtf8(tool.readAllStandardOutput().trimmed().split('\n').last())
                           .trimmed();
    QVERIFY(!m_adminToken.isEmpty());

    m_master = std::make_unique<QProcess>();
    m_master->setProcessChannelMode(QProcess::ForwardedErrorChannel);
    m_master->start(QStringLiteral(ORRERY_MASTER_PATH),
                    {u"--config"_s, path(u"master.yaml"_s), u"--api-port"_s, u"0"_s,
                     u"--agent-port"_s, u"0"_s});
    QVERIFY(m_master->waitForStarted(10000));
    static const QRegularExpression portLine(u"^orrery-master: api_port=(\\d+)\\s*$"_s,
                                             QRegularExpression::MultilineOption);
    QByteArray output;
    int port = 0;
    QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                output += m_master->readAllStandardOutput();
                const QRegularExpressionMatch m = portLine.match(QString::fromUtf8(output));
                port = m.hasMatch() ? m.captured(1).toInt() : 0;
                return port > 0 || m_master->state() == QProcess::NotRunning;
            }(),
            20000);
    QVERIFY2(port > 0, output.constData());
    m_url = u"https://127.0.0.1:%1"_s.arg(port);
    // The API answers once the port is printed; health needs no token.
    Outcome ready;
    const QDeadlineTimer deadline(20000);
    for (;;) {
        ready = ctl({u"nodes"_s, u"list"_s});
        if (ready.exitCode == 0 || deadline.hasExpired())
            break;
        QTest::qWait(100);
    }
    QVERIFY2(ready.exitCode == 0, qPrintable(u"exit %1: %2"_s.arg(ready.exitCode).arg(ready.err)));
}

void tst_OrreryctlOnline::cleanupTestCase()
{
    if (m_master && m_master->state() != QProcess::NotRunning) {
        m_master->terminate();
        if (!m_master->waitForFinished(20000)) {
            m_master->kill();
            m_master->waitForFinished(5000);
        }
    }
}

QString tst_OrreryctlOnline::jobsNames(const QString &tableText) const
{
    QStringList names;
    const QStringList lines = tableText.split(u'\n', Qt::SkipEmptyParts);
    for (qsizetype i = 1; i < lines.size(); ++i)
        names.append(lines.at(i).section(u' ', 0, 0));
    return names.join(u',');
}

void tst_OrreryctlOnline::apply()
{
    const QString file = example(u"data_pipeline.yaml"_s);
    const Outcome o = ctl({u"apply"_s, file});
    QCOMPARE(o.err, QString());
    QCOMPARE(o.exitCode, 0);
    // "<file>: applied pipeline <name>, 3 jobs: <names>", one line.
    QVERIFY2(o.out.startsWith(file + u": applied pipeline "_s), qPrintable(o.out));
    QCOMPARE(o.out.count(u'\n'), 1);
    const QString jobs = o.out.section(u", 3 jobs: "_s, 1).trimmed();
    const QStringList names = jobs.split(u", "_s);
    QCOMPARE(QSet<QString>(names.begin(), names.end()),
             (QSet<QString>{u"data_extract"_s, u"data_transform"_s, u"data_load"_s}));

    // Applying the same file again updates the same jobs; --json is the server's answer.
    const Outcome again = ctl({u"--json"_s, u"apply"_s, file});
    QCOMPARE(again.exitCode, 0);
    const QJsonObject answer = QJsonDocument::fromJson(again.out.toUtf8()).object();
    QCOMPARE(answer.value(u"kind"_s).toString(), u"pipeline"_s);
    QCOMPARE(answer.value(u"tasks"_s).toArray().size(), 3);
    QCOMPARE(again.out.count(u'\n'), 1);  // compact, one line
}

void tst_OrreryctlOnline::applyReportsServerErrors()
{
    QVERIFY(writeFile(path(u"bad.yaml"_s),
                      "pipeline:\n  - name: broken\n    schedule: \"0 2 * *\"\n"));
    const Outcome o = ctl({u"apply"_s, u"bad.yaml"_s, example(u"data_pipeline.yaml"_s)});
    QCOMPARE(o.exitCode, 1);
    // The server's code and message (which locates the error in the file we named), as is.
    static const QRegularExpression error(u"^error: [a-z_]+: bad\\.yaml:3:\\d+: .+\\n"_s);
    QVERIFY2(error.match(o.err).hasMatch(), qPrintable(o.err));
    // The good file after it was still applied.
    QVERIFY2(o.out.contains(u"applied pipeline"_s), qPrintable(o.out));
}

void tst_OrreryctlOnline::jobsList()
{
    const Outcome o = ctl({u"jobs"_s, u"list"_s});
    QCOMPARE(o.err, QString());
    QCOMPARE(o.exitCode, 0);
    const QStringList lines = o.out.split(u'\n', Qt::SkipEmptyParts);
    QVERIFY2(lines.size() == 4, qPrintable(o.out));
    QVERIFY(lines.first().startsWith(u"NAME "_s));
    QVERIFY(lines.first().contains(u"NEXT FIRE"_s));
    // By name.
    QCOMPARE(jobsNames(o.out), u"data_extract,data_load,data_transform"_s);
    // The scheduled one shows its schedule and a local time with offset, aligned with the header.
    const QString extract = lines.at(1);
    QVERIFY(extract.contains(u"0 2 * * *"_s));
    QVERIFY(QRegularExpression(u"\\d{4}-\\d\\d-\\d\\dT02:00:00\\+00:00$"_s)
                    .match(extract)
                    .hasMatch());
    QCOMPARE(extract.indexOf(u"0 2 * * *"_s), lines.first().indexOf(u"SCHEDULE"_s));

    const Outcome json = ctl({u"jobs"_s, u"list"_s, u"--json"_s});
    QCOMPARE(json.exitCode, 0);
    QCOMPARE(QJsonDocument::fromJson(json.out.toUtf8()).object().value(u"tasks"_s).toArray().size(),
             3);
}

void tst_OrreryctlOnline::jobShow()
{
    const Outcome o = ctl({u"job"_s, u"show"_s, u"data_transform"_s});
    QCOMPARE(o.err, QString());
    QCOMPARE(o.exitCode, 0);
    QVERIFY2(o.out.startsWith(u"name:         data_transform\nid:           "_s),
             qPrintable(o.out));
    QVERIFY(o.out.contains(u"\ntimeout:      1h\n"_s));
    QVERIFY2(o.out.contains(u"\ndepends on:   data_extract (success)\n"_s), qPrintable(o.out));
    QVERIFY(o.out.contains(u"\nstate:        idle\n"_s));

    const Outcome json = ctl({u"job"_s, u"show"_s, u"data_transform"_s, u"--json"_s});
    QCOMPARE(json.exitCode, 0);
    const QJsonObject task = QJsonDocument::fromJson(json.out.toUtf8()).object();
    QCOMPARE(task.value(u"name"_s).toString(), u"data_transform"_s);
    QCOMPARE(task.value(u"timeout"_s).toInt(), 3600);
}

void tst_OrreryctlOnline::jobShowUnknown()
{
    const Outcome o = ctl({u"job"_s, u"show"_s, u"no_such_job"_s});
    QCOMPARE(o.exitCode, 1);
    QCOMPARE(o.out, QString());
    QVERIFY2(o.err.startsWith(u"error: not_found: "_s), qPrintable(o.err));
}

void tst_OrreryctlOnline::runLifecycle()
{
    // A job without a command succeeds at once, agent or not.
    const Outcome quick = ctl({u"job"_s, u"run"_s, u"data_extract"_s});
    QCOMPARE(quick.err, QString());
    QCOMPARE(quick.exitCode, 0);
    QVERIFY2(QRegularExpression(u"^\\d+\\n$"_s).match(quick.out).hasMatch(), qPrintable(quick.out));
    const QString done = quick.out.trimmed();
    const Outcome followed = ctl({u"run"_s, u"logs"_s, done, u"--follow"_s});
    QCOMPARE(followed.err, QString());
    QCOMPARE(followed.exitCode, 0);
    QCOMPARE(followed.out, QString());
    const Outcome succeeded = ctl({u"runs"_s, u"list"_s, u"--state"_s, u"success"_s, u"--json"_s});
    QCOMPARE(succeeded.exitCode, 0);
    QStringList ids;
    for (const QJsonValue &v :
         QJsonDocument::fromJson(succeeded.out.toUtf8()).object().value(u"runs"_s).toArray()) {
        QCOMPARE(v.toObject().value(u"state"_s).toString(), u"success"_s);
        ids.append(v.toObject().value(u"id"_s).toString());
    }
    QVERIFY2(ids.contains(done), qPrintable(succeeded.out));

    // A job with a command waits for an agent (none is connected) until it is stopped.
    QVERIFY(writeFile(path(u"waiting.yaml"_s),
                      "pipeline:\n  - name: ctl_wait\n    command: \"sleep 60\"\n"));
    QCOMPARE(ctl({u"apply"_s, u"waiting.yaml"_s}).exitCode, 0);
    const Outcome run = ctl({u"job"_s, u"run"_s, u"ctl_wait"_s});
    QCOMPARE(run.exitCode, 0);
    const QString id = run.out.trimmed();
    QVERIFY(!id.isEmpty());

    const Outcome list = ctl({u"runs"_s, u"list"_s, u"--job"_s, u"ctl_wait"_s});
    QCOMPARE(list.exitCode, 0);
    QVERIFY(list.out.startsWith(u"ID "_s));
    const QStringList rows = list.out.split(u'\n', Qt::SkipEmptyParts);
    QCOMPARE(rows.size(), 2);
    QVERIFY2(rows.at(1).startsWith(id + u"  ctl_wait  waiting  manual"_s), qPrintable(list.out));

    const Outcome show = ctl({u"run"_s, u"show"_s, id});
    QCOMPARE(show.exitCode, 0);
    QVERIFY2(show.out.startsWith(u"id:         "_s + id
                                 + u"\njob:        ctl_wait\nstate:      waiting\n"
                                   "trigger:    manual\n"_s),
             qPrintable(show.out));
    QVERIFY(show.out.contains(u"\nAttempts:\nATTEMPT  STATE"_s));
    QVERIFY(show.out.contains(u"\nEvents:\nAT"_s));

    const Outcome logs = ctl({u"run"_s, u"logs"_s, id});
    QCOMPARE(logs.exitCode, 0);
    QCOMPARE(logs.out, QString());

    const Outcome stop = ctl({u"job"_s, u"stop"_s, u"ctl_wait"_s});
    QCOMPARE(stop.exitCode, 0);
    QVERIFY2(stop.out.contains(id + u"  ctl_wait  cancelled"_s), qPrintable(stop.out));

    // Following a run that ended without success: returns at once, exit 1.
    const Outcome follow = ctl({u"run"_s, u"logs"_s, id, u"--follow"_s});
    QCOMPARE(follow.exitCode, 1);
    QCOMPARE(follow.err, u"orreryctl: run %1 finished: cancelled\n"_s.arg(id));

    const Outcome json = ctl({u"run"_s, u"show"_s, id, u"--json"_s});
    const QJsonObject object = QJsonDocument::fromJson(json.out.toUtf8()).object();
    QCOMPARE(object.value(u"id"_s).toString(), id);
    QCOMPARE(object.value(u"state"_s).toString(), u"cancelled"_s);
    QVERIFY(object.value(u"events"_s).isArray());

    const Outcome again = ctl({u"job"_s, u"stop"_s, u"ctl_wait"_s});
    QCOMPARE(again.exitCode, 0);
    QCOMPARE(again.out, u"no active runs of ctl_wait\n"_s);

    const Outcome missing = ctl({u"run"_s, u"show"_s, u"1"_s});
    QCOMPARE(missing.exitCode, 1);
    QVERIFY2(missing.err.startsWith(u"error: not_found: "_s), qPrintable(missing.err));
}

void tst_OrreryctlOnline::viewerTokenCannotMutate()
{
    const Outcome created
            = ctl({u"token"_s, u"create"_s, u"--name"_s, u"ci-viewer"_s, u"--role"_s, u"viewer"_s});
    QCOMPARE(created.exitCode, 0);
    const QString secret = created.out.trimmed();
    QVERIFY(!secret.isEmpty());
    QCOMPARE(created.out.count(u'\n'), 1);  // the secret alone, for $(...)
    QVERIFY2(created.err.contains(u"'ci-viewer' (viewer)"_s), qPrintable(created.err));

    const QMap<QString, QString> viewer{{u"ORRERY_TOKEN"_s, secret}};
    QCOMPARE(ctl({u"jobs"_s, u"list"_s}, viewer).exitCode, 0);
    const Outcome refused = ctl({u"job"_s, u"run"_s, u"data_extract"_s}, viewer);
    QCOMPARE(refused.exitCode, 1);
    QCOMPARE(refused.out, QString());
    QVERIFY2(refused.err.startsWith(u"error: forbidden: "_s), qPrintable(refused.err));
    QCOMPARE(refused.err.count(u'\n'), 1);
    const Outcome tokens = ctl({u"token"_s, u"list"_s}, viewer);
    QCOMPARE(tokens.exitCode, 1);
    QVERIFY2(tokens.err.startsWith(u"error: forbidden: "_s), qPrintable(tokens.err));

    // The admin sees it, revokes it, and then it is refused.
    const Outcome list = ctl({u"token"_s, u"list"_s, u"--json"_s});
    QCOMPARE(list.exitCode, 0);
    QString id;
    for (const QJsonValue &v :
         QJsonDocument::fromJson(list.out.toUtf8()).object().value(u"tokens"_s).toArray()) {
        if (v.toObject().value(u"name"_s).toString() == u"ci-viewer"_s)
            id = v.toObject().value(u"id"_s).toString();
    }
    QVERIFY(!id.isEmpty());
    const Outcome table = ctl({u"token"_s, u"list"_s});
    QVERIFY(table.out.startsWith(u"ID "_s));
    QVERIFY2(table.out.contains(QRegularExpression(u"\\n"_s + id + u" +ci-viewer +viewer "_s)),
             qPrintable(table.out));
    QVERIFY(!table.out.contains(secret));

    const Outcome revoke = ctl({u"token"_s, u"revoke"_s, id});
    QCOMPARE(revoke.exitCode, 0);
    QCOMPARE(revoke.out, u"revoked token %1\n"_s.arg(id));
    const Outcome after = ctl({u"jobs"_s, u"list"_s}, viewer);
    QCOMPARE(after.exitCode, 1);
    QVERIFY2(after.err.startsWith(u"error: unauthorized: "_s), qPrintable(after.err));
}

void tst_OrreryctlOnline::wrongTokenIsUnauthorized()
{
    const Outcome o = ctl({u"jobs"_s, u"list"_s, u"--token"_s, u"not-a-token"_s});
    QCOMPARE(o.exitCode, 1);
    QCOMPARE(o.out, QString());
    QVERIFY2(o.err.startsWith(u"error: unauthorized: "_s), qPrintable(o.err));
}

void tst_OrreryctlOnline::wrongCaIsTlsError()
{
    const Outcome other = ctl({u"pki"_s, u"init"_s, path(u"other-pki"_s)});
    QCOMPARE(other.exitCode, 0);
    const Outcome o = ctl({u"jobs"_s, u"list"_s, u"--ca"_s, path(u"other-pki/ca.crt"_s)});
    QCOMPARE(o.exitCode, 1);
    QCOMPARE(o.out, QString());
    QVERIFY2(
            o.err.startsWith(
                    u"orreryctl: error: cannot connect to %1: TLS handshake failed: "_s.arg(m_url)),
            qPrintable(o.err));

    // No CA at all: the system CAs do not know ours either, and the message says what to do.
    const Outcome none = ctl({u"jobs"_s, u"list"_s}, {{u"ORRERY_CA"_s, QString()}});
    QCOMPARE(none.exitCode, 1);
    QVERIFY2(none.err.contains(u"--ca or ORRERY_CA"_s), qPrintable(none.err));

    const Outcome missing = ctl({u"jobs"_s, u"list"_s, u"--ca"_s, path(u"nope.crt"_s)});
    QCOMPARE(missing.exitCode, 2);
    QVERIFY2(missing.err.startsWith(path(u"nope.crt"_s) + u": error: cannot read"_s),
             qPrintable(missing.err));
}

void tst_OrreryctlOnline::connectionRefused()
{
    // Port 1 (tcpmux) is not served on loopback.
    const Outcome o = ctl({u"nodes"_s, u"list"_s, u"--server"_s, u"https://127.0.0.1:1"_s});
    QCOMPARE(o.exitCode, 1);
    QVERIFY2(o.err.startsWith(u"orreryctl: error: cannot connect to https://127.0.0.1:1: "_s),
             qPrintable(o.err));
}

void tst_OrreryctlOnline::nodesList()
{
    const Outcome o = ctl({u"nodes"_s, u"list"_s});
    QCOMPARE(o.exitCode, 0);
    QCOMPARE(o.out.section(u'\n', 0, 0),
             u"NAME  STATE  CONNECTED  RUNNING  CPU  FREE MEMORY  LOAD  SKEW MS  LAST SEEN  "
             "ADDRESS"_s);
    const Outcome json = ctl({u"nodes"_s, u"list"_s, u"--json"_s});
    QCOMPARE(json.exitCode, 0);
    QVERIFY(QJsonDocument::fromJson(json.out.toUtf8()).object().value(u"nodes"_s).isArray());
}

// The seed's pipeline (applied by apply()) has no commands: a manual pipeline run ends at once.
void tst_OrreryctlOnline::pipelineRunAndList()
{
    const Outcome run = ctl({u"pipeline"_s, u"run"_s, u"data_pipeline"_s});
    QVERIFY2(run.exitCode == 0, qPrintable(run.err));
    const QString first = run.out.section(u'\n', 0, 0);
    const QString id = first.section(u' ', 0, 0);
    QVERIFY2(!id.isEmpty() && id.toLongLong() > 0, qPrintable(run.out));
    QCOMPARE(first.section(u' ', 1), u"success"_s);
    QCOMPARE(run.out.count(u"data_"_s), 3);  // a row per job's run

    const Outcome list = ctl({u"pipelines"_s, u"list"_s});
    QCOMPARE(list.exitCode, 0);
    QVERIFY2(list.out.startsWith(u"NAME"_s), qPrintable(list.out));
    const QString row = list.out.section(u'\n', 1, 1).simplified();
    QVERIFY2(row.startsWith(u"data_pipeline 3 0 2 * * * "_s + id + u" success"_s),
             qPrintable(list.out));

    const Outcome bad = ctl({u"pipeline"_s, u"run"_s, u"data_pipeline"_s, u"--set"_s, u"x"_s});
    QCOMPARE(bad.exitCode, 2);
    QVERIFY(bad.err.contains(u"name=value"_s));
}

void tst_OrreryctlOnline::nodeDrainUnknown()
{
    const Outcome o = ctl({u"node"_s, u"drain"_s, u"no-such-node"_s});
    QCOMPARE(o.exitCode, 1);
    QVERIFY2(o.err.contains(u"no-such-node"_s), qPrintable(o.err));
}

void tst_OrreryctlOnline::enrolToken()
{
    const Outcome o = ctl({u"token"_s, u"create"_s, u"--enrol"_s, u"--ttl"_s, u"10m"_s});
    QCOMPARE(o.exitCode, 0);
    QVERIFY(!o.out.trimmed().isEmpty());
    QCOMPARE(o.out.count(u'\n'), 1);
    QVERIFY2(o.err.contains(u" expires at "_s), qPrintable(o.err));

    const Outcome json = ctl({u"token"_s, u"create"_s, u"--enrol"_s, u"--json"_s});
    QCOMPARE(json.exitCode, 0);
    const QJsonObject answer = QJsonDocument::fromJson(json.out.toUtf8()).object();
    QVERIFY(!answer.value(u"token"_s).toString().isEmpty());
    const QDateTime expires
            = QDateTime::fromString(answer.value(u"expires_at"_s).toString(), Qt::ISODate);
    QVERIFY(expires > QDateTime::currentDateTimeUtc().addSecs(50 * 60));  // default 1h
}

void tst_OrreryctlOnline::settingsFromQuickstartFile()
{
    // What the quick start writes: relative CA, in the directory one runs orreryctl from.
    const QString project = path(u"project"_s);
    QVERIFY(QDir().mkpath(project + u"/.orrery/pki"_s));
    QVERIFY(QFile::copy(path(u"pki/ca.crt"_s), project + u"/.orrery/pki/ca.crt"_s));
    QVERIFY(writeFile(project + u"/.orrery/quickstart.env"_s,
                      "# written by ./orrery.sh up\nORRERY_URL=" + m_url.toUtf8()
                              + "\nORRERY_TOKEN=" + m_adminToken.toUtf8()
                              + "\nORRERY_CA=.orrery/pki/ca.crt\n"));
    const QMap<QString, QString> noEnv{
            {u"ORRERY_URL"_s, {}}, {u"ORRERY_TOKEN"_s, {}}, {u"ORRERY_CA"_s, {}}};
    const Outcome o = ctl({u"jobs"_s, u"list"_s}, noEnv, project);
    QCOMPARE(o.err, QString());
    QCOMPARE(o.exitCode, 0);
    QVERIFY2(jobsNames(o.out).contains(u"data_extract,data_load,data_transform"_s),
             qPrintable(o.out));

    // Elsewhere there is nothing to go by: a usage error naming every source.
    const Outcome none = ctl({u"jobs"_s, u"list"_s}, noEnv, path(u"empty"_s));
    QCOMPARE(none.exitCode, 2);
    QVERIFY2(none.err.contains(u"ORRERY_URL"_s) && none.err.contains(u"quickstart.env"_s),
             qPrintable(none.err));
}

void tst_OrreryctlOnline::settingsFromConfigFile()
{
    QVERIFY(QDir().mkpath(path(u"conf"_s)));
    QVERIFY(QFile::copy(path(u"pki/ca.crt"_s), path(u"conf/ca.crt"_s)));
    QVERIFY(writeFile(path(u"conf/orreryctl.conf"_s), "[General]\nserver = " + m_url.toUtf8()
                                                              + "\ntoken = " + m_adminToken.toUtf8()
                                                              + "\nca = ca.crt\n"));
    const QMap<QString, QString> noEnv{
            {u"ORRERY_URL"_s, {}}, {u"ORRERY_TOKEN"_s, {}}, {u"ORRERY_CA"_s, {}}};
    const Outcome o
            = ctl({u"--config"_s, path(u"conf/orreryctl.conf"_s), u"nodes"_s, u"list"_s}, noEnv);
    QCOMPARE(o.err, QString());
    QCOMPARE(o.exitCode, 0);

    // The default place: $XDG_CONFIG_HOME/orrery/orreryctl.conf.
    QVERIFY(QDir().mkpath(path(u"xdg2/orrery"_s)));
    QVERIFY(QFile::copy(path(u"conf/orreryctl.conf"_s), path(u"xdg2/orrery/orreryctl.conf"_s)));
    QVERIFY(QFile::copy(path(u"pki/ca.crt"_s), path(u"xdg2/orrery/ca.crt"_s)));
    QMap<QString, QString> xdg = noEnv;
    xdg.insert(u"XDG_CONFIG_HOME"_s, path(u"xdg2"_s));
    QCOMPARE(ctl({u"nodes"_s, u"list"_s}, xdg).exitCode, 0);

    const Outcome missing = ctl({u"nodes"_s, u"list"_s, u"--config"_s, path(u"nope.conf"_s)});
    QCOMPARE(missing.exitCode, 2);
    QVERIFY2(missing.err.startsWith(path(u"nope.conf"_s) + u": error: no such config file"_s),
             qPrintable(missing.err));
}

void tst_OrreryctlOnline::flagsWinOverEnvironment()
{
    const QMap<QString, QString> badEnv{{u"ORRERY_TOKEN"_s, u"wrong"_s}};
    QCOMPARE(ctl({u"nodes"_s, u"list"_s}, badEnv).exitCode, 1);
    const Outcome o = ctl({u"--token"_s, m_adminToken, u"nodes"_s, u"list"_s}, badEnv);
    QCOMPARE(o.err, QString());
    QCOMPARE(o.exitCode, 0);
}

void tst_OrreryctlOnline::usageErrors_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("mentions");
    QTest::newRow("limit-zero") << QStringList{u"runs"_s, u"list"_s, u"--limit"_s, u"0"_s}
                                << u"--limit"_s;
    QTest::newRow("unknown-state")
            << QStringList{u"runs"_s, u"list"_s, u"--state"_s, u"faild"_s} << u"'failed'"_s;
    QTest::newRow("run-id-not-a-number")
            << QStringList{u"run"_s, u"show"_s, u"abc"_s} << u"not a run id"_s;
    QTest::newRow("role") << QStringList{u"token"_s, u"create"_s, u"--name"_s,
                                         u"x"_s,     u"--role"_s, u"root"_s}
                          << u"--role"_s;
    QTest::newRow("enrol-with-name")
            << QStringList{u"token"_s, u"create"_s, u"--enrol"_s, u"--name"_s, u"x"_s}
            << u"--enrol"_s;
    QTest::newRow("bad-ttl") << QStringList{u"token"_s, u"create"_s, u"--enrol"_s, u"--ttl"_s,
                                            u"soon"_s}
                             << u"--ttl"_s;
    QTest::newRow("unknown-verb") << QStringList{u"job"_s, u"frobnicate"_s} << u"frobnicate"_s;
    QTest::newRow("no-verb") << QStringList{u"runs"_s} << u"Usage: orreryctl runs"_s;
    QTest::newRow("missing-name") << QStringList{u"job"_s, u"show"_s} << u"missing argument"_s;
    QTest::newRow("http-server") << QStringList{u"--server"_s, u"http://127.0.0.1:1"_s, u"jobs"_s,
                                                u"list"_s}
                                 << u"https://"_s;
    QTest::newRow("dangling-option") << QStringList{u"--server"_s} << u"needs a value"_s;
}

void tst_OrreryctlOnline::usageErrors()
{
    QFETCH(QStringList, args);
    QFETCH(QString, mentions);
    const Outcome o = ctl(args);
    QCOMPARE(o.exitCode, 2);
    QVERIFY2(o.err.contains(mentions), qPrintable(o.err));
}

QTEST_GUILESS_MAIN(tst_OrreryctlOnline)
#include "tst_orreryctl_online.moc"
