#include "jobsview.h"

#include "jobsmodel.h"
#include "livefeed.h"
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
#include <QVBoxLayout>

using namespace Qt::Literals::StringLiterals;

namespace Orrery::Gui {

JobsView::JobsView(Client::MasterConnection *connection, QWidget *parent)
    : QWidget(parent)
    , m_connection(connection)
    , m_feed(new LiveFeed(connection, this))
    , m_model(new JobsModel(this))
    , m_filter(new QSortFilterProxyModel(this))
{
    m_filter->setSourceModel(m_model);
    m_filter->setSortRole(JsonRowModel::SortRole);
    m_filter->setFilterCaseSensitivity(Qt::CaseInsensitive);
    m_filter->setFilterKeyColumn(-1);  // any column

    m_filterEdit = new QLineEdit(this);
    m_filterEdit->setPlaceholderText(tr("Filter by name, pipeline, schedule, labels\u2026"));
    m_filterEdit->setClearButtonEnabled(true);

    auto *toolbar = new QToolBar(this);
    toolbar->setToolButtonStyle(Qt::ToolButtonTextOnly);
    m_run = toolbar->addAction(tr("Run now"), this, &JobsView::runSelected);
    m_run->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_R));
    m_run->setToolTip(tr("Start a run of the selected job now (Ctrl+R)"));
    m_stop = toolbar->addAction(tr("Stop"), this, &JobsView::stopSelected);
    m_stop->setToolTip(tr("Stop the runs of the selected job"));
    m_enable = toolbar->addAction(tr("Enable"), this, [this] { setSelectedEnabled(true); });
    m_disable = toolbar->addAction(tr("Disable"), this, [this] { setSelectedEnabled(false); });
    toolbar->addSeparator();
    m_runs = toolbar->addAction(tr("Show runs"), this, [this] {
        if (const QString job = selectedJob(); !job.isEmpty())
            emit showRunsOfJob(job);
    });
    for (QAction *action : {m_run, m_stop, m_enable, m_disable, m_runs})
        action->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    addActions({m_run, m_stop, m_enable, m_disable, m_runs});

    m_message = new QLabel(this);
    m_message->setWordWrap(true);
    m_message->setStyleSheet(u"color: #c62828"_s);
    m_message->hide();

    m_table = new QTableView(this);
    m_table->setModel(m_filter);
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(JobsModel::Name, Qt::AscendingOrder);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setContextMenuPolicy(Qt::CustomContextMenu);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setAlternatingRowColors(true);

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
            &JobsView::updateActions);
    connect(m_model, &QAbstractItemModel::dataChanged, this, &JobsView::updateActions);
    connect(m_table, &QTableView::activated, this, [this](const QModelIndex &index) {
        emit showRunsOfJob(index.siblingAtColumn(JobsModel::Name).data().toString());
    });
    connect(m_table, &QTableView::customContextMenuRequested, this, &JobsView::showContextMenu);
    connect(m_feed, &LiveFeed::reloadNeeded, this, &JobsView::reload);
    connect(m_feed, &LiveFeed::event, this, &JobsView::onEvent);
    m_feed->setTopics({u"jobs"_s, u"runs"_s});
    updateActions();
}

JobsView::~JobsView() = default;

QString JobsView::message() const
{
    return m_message->isHidden() ? QString() : m_message->text();
}

bool JobsView::selectJob(const QString &name)
{
    for (int row = 0; row < m_filter->rowCount(); ++row) {
        const QModelIndex index = m_filter->index(row, JobsModel::Name);
        if (index.data().toString() == name) {
            m_table->setCurrentIndex(index);
            m_table->scrollTo(index);
            return true;
        }
    }
    return false;
}

QString JobsView::selectedJob() const
{
    const QModelIndex current = m_table->currentIndex();
    return current.isValid() ? current.siblingAtColumn(JobsModel::Name).data().toString()
                             : QString();
}

void JobsView::runSelected()
{
    act(u"POST"_s, u"/execute"_s, QJsonValue(), tr("Could not start %1: %2"));
}

void JobsView::stopSelected()
{
    act(u"POST"_s, u"/stop"_s, QJsonValue(), tr("Could not stop %1: %2"));
}

void JobsView::setSelectedEnabled(bool enabled)
{
    act(u"PUT"_s, QString(), QJsonObject{{u"enabled"_s, enabled}},
        enabled ? tr("Could not enable %1: %2") : tr("Could not disable %1: %2"));
}

void JobsView::act(const QString &method, const QString &pathSuffix, const QJsonValue &body,
                   const QString &failure)
{
    const QJsonObject task = m_table->currentIndex().data(JsonRowModel::ObjectRole).toJsonObject();
    if (task.isEmpty() || !m_connection)
        return;
    const QString name = task.value(u"name"_s).toString();
    const QString id = task.value(u"id"_s).toString();
    const QPointer<JobsView> self(this);
    m_connection->request(method, u"/api/v1/tasks/"_s + id + pathSuffix, body,
                          [self, name, failure](const Client::ApiReply &reply) {
                              if (!self)
                                  return;
                              if (reply.ok()) {
                                  self->m_message->hide();
                                  // PUT answers the task as it is now.
                                  if (reply.object().contains(u"enabled"_s))
                                      self->m_model->upsert(reply.object());
                              } else {
                                  self->showMessage(failure.arg(name, replyErrorText(reply)));
                              }
                              emit self->actionFinished(name, reply.ok());
                          });
}

void JobsView::reload()
{
    if (!m_connection)
        return;
    const QPointer<JobsView> self(this);
    m_connection->request(
            u"GET"_s, u"/api/v1/tasks"_s, QJsonValue(), [self](const Client::ApiReply &reply) {
                if (!self)
                    return;
                if (!reply.ok()) {
                    self->showMessage(tr("Could not read the jobs: %1").arg(replyErrorText(reply)));
                    return;
                }
                const QString selected = self->selectedJob();
                QList<QJsonObject> tasks;
                for (const QJsonValue &t : reply.object().value(u"tasks"_s).toArray())
                    tasks.append(t.toObject());
                self->m_model->resetTasks(tasks);
                if (!selected.isEmpty())
                    self->selectJob(selected);
                emit self->loaded();
            });
}

void JobsView::onEvent(const QString &, const QString &kind, const QJsonObject &payload)
{
    if (kind == u"job.changed"_s) {
        QJsonObject task = payload;
        // A task new to the list has not run yet: its runs come as run.changed events.
        if (m_model->rowOf(task.value(u"id"_s).toString()) < 0)
            task.insert(u"last_run"_s, QJsonValue(QJsonValue::Null));
        m_model->upsert(task);
    } else if (kind == u"job.removed"_s) {
        m_model->remove(payload.value(u"id"_s).toString());
    } else if (kind == u"run.changed"_s) {
        const QString taskId = payload.value(u"task_id"_s).toString();
        if (m_model->applyRun(payload) && payload.value(u"state"_s).toString() == u"waiting"_s
            && m_connection) {
            // A new run moves the task's next fire time: read the task again.
            const QPointer<JobsView> self(this);
            m_connection->request(u"GET"_s, u"/api/v1/tasks/"_s + taskId, QJsonValue(),
                                  [self](const Client::ApiReply &reply) {
                                      if (self && reply.ok())
                                          self->m_model->upsert(reply.object());
                                  });
        }
    }
}

void JobsView::updateActions()
{
    const QJsonObject task = m_table->currentIndex().data(JsonRowModel::ObjectRole).toJsonObject();
    const bool selected = !task.isEmpty();
    const bool enabled = task.value(u"enabled"_s).toBool();
    const QString state = task.value(u"last_state"_s).toString();
    m_run->setEnabled(selected);
    m_stop->setEnabled(selected && (state == u"waiting"_s || state == u"running"_s));
    m_enable->setEnabled(selected && !enabled);
    m_disable->setEnabled(selected && enabled);
    m_runs->setEnabled(selected);
}

void JobsView::showContextMenu(const QPoint &pos)
{
    if (!m_table->indexAt(pos).isValid())
        return;
    m_table->setCurrentIndex(m_table->indexAt(pos));
    QMenu menu(this);
    menu.addActions({m_run, m_stop});
    menu.addSeparator();
    menu.addActions({m_enable, m_disable});
    menu.addSeparator();
    menu.addAction(m_runs);
    menu.exec(m_table->viewport()->mapToGlobal(pos));
}

void JobsView::showMessage(const QString &text)
{
    m_message->setText(text);
    m_message->show();
}

}  // namespace Orrery::Gui
