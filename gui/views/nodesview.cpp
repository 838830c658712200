#include "nodesview.h"

#include "livefeed.h"
#include "nodesmodel.h"
#include "viewformat.h"

#include <QAction>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonArray>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QToolBar>
#include <QUrl>
#include <QVBoxLayout>

using namespace Qt::Literals::StringLiterals;

namespace Orrery::Gui {

NodesView::NodesView(Client::MasterConnection *connection, QWidget *parent)
    : QWidget(parent)
    , m_connection(connection)
    , m_feed(new LiveFeed(connection, this))
    , m_model(new NodesModel(this))
    , m_filter(new QSortFilterProxyModel(this))
{
    m_filter->setSourceModel(m_model);
    m_filter->setSortRole(JsonRowModel::SortRole);
    m_filter->setFilterCaseSensitivity(Qt::CaseInsensitive);
    m_filter->setFilterKeyColumn(-1);

    m_filterEdit = new QLineEdit(this);
    m_filterEdit->setPlaceholderText(tr("Filter by name, status, labels\u2026"));
    m_filterEdit->setClearButtonEnabled(true);

    auto *toolbar = new QToolBar(this);
    toolbar->setToolButtonStyle(Qt::ToolButtonTextOnly);
    m_drain = toolbar->addAction(tr("Drain"), this, &NodesView::drainSelected);
    m_drain->setToolTip(tr("Send no new runs to the selected node; running ones finish"));
    m_enable = toolbar->addAction(tr("Enable"), this, &NodesView::enableSelected);
    m_enable->setToolTip(tr("Send runs to the selected node again"));
    for (QAction *action : {m_drain, m_enable})
        action->setShortcutContext(Qt::WidgetWithChildrenShortcut);

    m_message = new QLabel(this);
    m_message->setWordWrap(true);
    m_message->setStyleSheet(u"color: #c62828"_s);
    m_message->hide();

    m_table = new QTableView(this);
    m_table->setModel(m_filter);
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(NodesModel::Name, Qt::AscendingOrder);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setContextMenuPolicy(Qt::CustomContextMenu);
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setDefaultSectionSize(28);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setItemDelegateForColumn(NodesModel::Cpu, new SparklineDelegate(100, this));
    m_table->setItemDelegateForColumn(NodesModel::Memory, new SparklineDelegate(0, this));
    m_table->setItemDelegateForColumn(NodesModel::Load, new SparklineDelegate(0, this));
    for (int column : {NodesModel::Cpu, NodesModel::Memory, NodesModel::Load})
        m_table->setColumnWidth(column, 120);

    auto *top = new QHBoxLayout;
    top->addWidget(m_filterEdit, 1);
    top->addWidget(toolbar);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(m_message);
    layout->addWidget(m_table, 1);
    setTabOrder(m_filterEdit, m_table);

    connect(m_filterEdit, &QLineEdit::textChanged, m_filter,
            &QSortFilterProxyModel::setFilterFixedString);
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &NodesView::updateActions);
    connect(m_model, &QAbstractItemModel::dataChanged, this, &NodesView::updateActions);
    connect(m_table, &QTableView::customContextMenuRequested, this, &NodesView::showContextMenu);
    connect(m_feed, &LiveFeed::reloadNeeded, this, &NodesView::reload);
    connect(m_feed, &LiveFeed::event, this,
            [this](const QString &, const QString &kind, const QJsonObject &payload) {
                if (kind == u"node.changed"_s)
                    m_model->upsert(payload);
            });
    m_feed->setTopics({u"nodes"_s});
    updateActions();
}

NodesView::~NodesView() = default;

QString NodesView::message() const
{
    return m_message->isHidden() ? QString() : m_message->text();
}

bool NodesView::selectNode(const QString &name)
{
    for (int row = 0; row < m_filter->rowCount(); ++row) {
        const QModelIndex index = m_filter->index(row, NodesModel::Name);
        if (index.data().toString() == name) {
            m_table->setCurrentIndex(index);
            return true;
        }
    }
    return false;
}

QString NodesView::selectedNode() const
{
    const QModelIndex current = m_table->currentIndex();
    return current.isValid() ? current.siblingAtColumn(NodesModel::Name).data().toString()
                             : QString();
}

void NodesView::drainSelected()
{
    act(u"drain"_s, tr("Could not drain %1: %2"));
}

void NodesView::enableSelected()
{
    act(u"enable"_s, tr("Could not enable %1: %2"));
}

void NodesView::act(const QString &action, const QString &failure)
{
    const QString name = selectedNode();
    if (name.isEmpty() || !m_connection)
        return;
    const QPointer<NodesView> self(this);
    m_connection->request(u"POST"_s,
                          u"/api/v1/nodes/"_s + QString::fromLatin1(QUrl::toPercentEncoding(name))
                                  + u'/' + action,
                          QJsonValue(), [self, name, failure](const Client::ApiReply &reply) {
                              if (!self)
                                  return;
                              if (reply.ok()) {
                                  self->m_message->hide();
                                  self->m_model->upsert(reply.object());
                              } else {
                                  self->showMessage(failure.arg(name, replyErrorText(reply)));
                              }
                              emit self->actionFinished(name, reply.ok());
                          });
}

void NodesView::reload()
{
    if (!m_connection)
        return;
    const QPointer<NodesView> self(this);
    m_connection->request(
            u"GET"_s, u"/api/v1/nodes"_s, QJsonValue(), [self](const Client::ApiReply &reply) {
                if (!self)
                    return;
                if (!reply.ok()) {
                    self->showMessage(
                            tr("Could not read the nodes: %1").arg(replyErrorText(reply)));
                    return;
                }
                const QString selected = self->selectedNode();
                // Upserts, not a reset: the sparklines' history stays.
                for (const QJsonValue &node : reply.object().value(u"nodes"_s).toArray())
                    self->m_model->upsert(node.toObject());
                if (!selected.isEmpty())
                    self->selectNode(selected);
                emit self->loaded();
            });
}

void NodesView::updateActions()
{
    const QJsonObject node = m_table->currentIndex().data(JsonRowModel::ObjectRole).toJsonObject();
    const QString state = node.value(u"state"_s).toString();
    const bool draining = state == u"draining"_s || state == u"drained"_s;
    m_drain->setEnabled(!node.isEmpty() && !draining && state != u"revoked"_s);
    m_enable->setEnabled(!node.isEmpty() && draining);
}

void NodesView::showContextMenu(const QPoint &pos)
{
    if (!m_table->indexAt(pos).isValid())
        return;
    m_table->setCurrentIndex(m_table->indexAt(pos));
    QMenu menu(this);
    menu.addActions({m_drain, m_enable});
    menu.exec(m_table->viewport()->mapToGlobal(pos));
}

void NodesView::showMessage(const QString &text)
{
    m_message->setText(text);
    m_message->show();
}

}  // namespace Orrery::Gui
