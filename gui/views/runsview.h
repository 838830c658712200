#pragma once

#include <client/masterconnection.h>

#include <QPointer>
#include <QWidget>

class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QTabWidget;
class QTableView;
class QTreeWidget;

namespace Orrery::Gui {

class LiveFeed;
class RunLogView;
class RunsFilterModel;
class RunsModel;

// The runs the master knows (newest first): filters by state, job, node and time range; the
// selected run's attempts; its output (RunLogView). The newest page is loaded through REST,
// then kept current by "run.changed" events; "Load older runs" reads the next page (GET
// /api/v1/runs?before=<the last run read>), until the master has no older run.
class RunsView final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RunsView)

public:
    explicit RunsView(Client::MasterConnection *connection, QWidget *parent = nullptr);
    ~RunsView() override;

    RunsModel *model() const { return m_model; }
    RunsFilterModel *filterModel() const { return m_filter; }
    QTableView *table() const { return m_table; }
    RunLogView *logView() const { return m_log; }

    // Shows only the runs of a job (the Jobs view's "Show runs").
    void showRunsOfJob(const QString &job);
    // Selects a run (and shows its details); false if it is not in the table.
    bool selectRun(qint64 runId);
    qint64 selectedRun() const;

    // Runs read per request (500 by default; a page of 500 fits one message).
    int pageSize() const { return m_pageSize; }
    void setPageSize(int runs) { m_pageSize = qMax(1, runs); }
    QPushButton *loadOlderButton() const { return m_loadOlder; }
    // Whether the master may have runs older than the oldest shown.
    bool hasOlderRuns() const { return m_hasOlder; }
    // Reads the page of runs before the last one read and adds it.
    void loadOlder();

signals:
    // The user asked for a run's output (double-click, Enter, context menu).
    void openLog(qint64 runId);
    // The initial or a reconnect's REST load arrived.
    void loaded();
    // A page of older runs arrived (or failed: then `runs` is -1).
    void olderLoaded(int runs);

private:
    void reload();
    void onEvent(const QString &topic, const QString &kind, const QJsonObject &payload);
    void onTimeRangeChanged(int index);
    void showDetails();
    void showContextMenu(const QPoint &pos);
    void stopRun(qint64 runId);
    void showMessage(const QString &text);
    void updateLoadOlder();

    QPointer<Client::MasterConnection> m_connection;
    LiveFeed *m_feed = nullptr;
    RunsModel *m_model = nullptr;
    RunsFilterModel *m_filter = nullptr;
    QComboBox *m_state = nullptr;
    QLineEdit *m_job = nullptr;
    QLineEdit *m_node = nullptr;
    QComboBox *m_range = nullptr;
    QTableView *m_table = nullptr;
    QTabWidget *m_tabs = nullptr;
    QLabel *m_summary = nullptr;
    QTreeWidget *m_attempts = nullptr;
    RunLogView *m_log = nullptr;
    QLabel *m_message = nullptr;
    QLabel *m_shown = nullptr;
    QPushButton *m_loadOlder = nullptr;
    int m_pageSize = 500;
    // The oldest run of the pages read (newest first): the next page starts before it. Runs
    // that events add do not move it.
    qint64 m_pageEnd = 0;
    bool m_hasOlder = false;
    bool m_loadingOlder = false;
    int m_request = 0;  // answers of an earlier reload are dropped
};

}  // namespace Orrery::Gui
