#pragma once

#include <client/masterconnection.h>

#include <QPointer>
#include <QWidget>

class QLabel;
class QLineEdit;
class QSortFilterProxyModel;
class QTableView;
class QToolButton;

namespace Orrery::Gui {

class JobsModel;
class LiveFeed;

// Every task of the master: name, pipeline, schedule, next fire, last state, priority,
// labels, with a filter box and sorting. Run now / stop / enable / disable act on the
// selected task through REST; a refusal is shown above the table.
class JobsView final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(JobsView)

public:
    explicit JobsView(Client::MasterConnection *connection, QWidget *parent = nullptr);
    ~JobsView() override;

    JobsModel *model() const { return m_model; }
    QSortFilterProxyModel *filterModel() const { return m_filter; }
    QTableView *table() const { return m_table; }
    QLineEdit *filterEdit() const { return m_filterEdit; }
    // The last error shown (empty when none is shown).
    QString message() const;

    bool selectJob(const QString &name);
    QString selectedJob() const;

    void runSelected();
    void stopSelected();
    void setSelectedEnabled(bool enabled);

signals:
    // The user asked for the runs of a job (the Runs view filters on it).
    void showRunsOfJob(const QString &job);
    void loaded();
    // A request of an action was answered (ok or not).
    void actionFinished(const QString &job, bool ok);

private:
    void reload();
    void onEvent(const QString &topic, const QString &kind, const QJsonObject &payload);
    // failure: "Could not ... %1 (job): %2 (why)".
    void act(const QString &method, const QString &pathSuffix, const QJsonValue &body,
             const QString &failure);
    void updateActions();
    void showContextMenu(const QPoint &pos);
    void showMessage(const QString &text);

    QPointer<Client::MasterConnection> m_connection;
    LiveFeed *m_feed = nullptr;
    JobsModel *m_model = nullptr;
    QSortFilterProxyModel *m_filter = nullptr;
    QLineEdit *m_filterEdit = nullptr;
    QTableView *m_table = nullptr;
    QLabel *m_message = nullptr;
    QAction *m_run = nullptr;
    QAction *m_stop = nullptr;
    QAction *m_enable = nullptr;
    QAction *m_disable = nullptr;
    QAction *m_runs = nullptr;
};

}  // namespace Orrery::Gui
