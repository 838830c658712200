#pragma once

#include <client/masterconnection.h>

#include <QPointer>
#include <QWidget>

class QLabel;
class QLineEdit;
class QSortFilterProxyModel;
class QTableView;

namespace Orrery::Gui {

class LiveFeed;
class NodesModel;

// The fleet: each node online or offline, its labels, CPU / free memory / load sparklines
// from its heartbeats ("node.changed" events), how many runs it has, its clock skew. Drain
// and enable act on the selected node through REST.
class NodesView final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(NodesView)

public:
    explicit NodesView(Client::MasterConnection *connection, QWidget *parent = nullptr);
    ~NodesView() override;

    NodesModel *model() const { return m_model; }
    QSortFilterProxyModel *filterModel() const { return m_filter; }
    QTableView *table() const { return m_table; }
    QLineEdit *filterEdit() const { return m_filterEdit; }
    QString message() const;

    bool selectNode(const QString &name);
    QString selectedNode() const;
    // POST /api/v1/nodes/{name}/drain or /enable for the selected node.
    void drainSelected();
    void enableSelected();

signals:
    void loaded();
    void actionFinished(const QString &node, bool ok);

private:
    void reload();
    void act(const QString &action, const QString &failure);
    void updateActions();
    void showContextMenu(const QPoint &pos);
    void showMessage(const QString &text);

    QPointer<Client::MasterConnection> m_connection;
    LiveFeed *m_feed = nullptr;
    NodesModel *m_model = nullptr;
    QSortFilterProxyModel *m_filter = nullptr;
    QLineEdit *m_filterEdit = nullptr;
    QTableView *m_table = nullptr;
    QLabel *m_message = nullptr;
    QAction *m_drain = nullptr;
    QAction *m_enable = nullptr;
};

}  // namespace Orrery::Gui
