#include "runsview.h"

#include "livefeed.h"
#include "runlogview.h"
#include "runsmodel.h"
#include "viewformat.h"

#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonArray>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QPixmap>
#include <QPushButton>
#include <QSplitter>
#include <QTabWidget>
#include <QTableView>
#include <QTreeWidget>
#include <QVBoxLayout>

using namespace Qt::Literals::StringLiterals;

namespace Orrery::Gui {

namespace {
const QStringList &stateWords()
{
    static const QStringList words{u"waiting"_s,   u"running"_s,   u"success"_s, u"failed"_s,
                                   u"timed_out"_s, u"cancelled"_s, u"lost"_s,    u"skipped"_s};
    return words;
}
}  // namespace

RunsView::RunsView(Client::MasterConnection *connection, QWidget *parent)
    : QWidget(parent)
    , m_connection(connection)
    , m_feed(new LiveFeed(connection, this))
    , m_model(new RunsModel(this))
    , m_filter(new RunsFilterModel(this))
{
    m_filter->setSourceModel(m_model);

    m_state = new QComboBox(this);
    m_state->addItem(tr("All states"), QString());
    for (const QString &word : stateWords()) {
        QPixmap swatch(12, 12);
        swatch.fill(runStateColor(word));
        m_state->addItem(QIcon(swatch), runStateText(word), word);
    }
    m_job = new QLineEdit(this);
    m_job->setPlaceholderText(tr("Job"));
    m_job->setClearButtonEnabled(true);
    m_node = new QLineEdit(this);
    m_node->setPlaceholderText(tr("Node"));
    m_node->setClearButtonEnabled(true);
    m_range = new QComboBox(this);
    m_range->addItem(tr("Any time"), 0);
    m_range->addItem(tr("Last hour"), 3600);
    m_range->addItem(tr("Last 24 hours"), 24 * 3600);
    m_range->addItem(tr("Last 7 days"), 7 * 24 * 3600);
    m_message = new QLabel(this);
    m_message->setWordWrap(true);
    m_message->setStyleSheet(u"color: #c62828"_s);
    m_message->hide();

    auto *filters = new QHBoxLayout;
    filters->addWidget(new QLabel(tr("State:"), this));
    filters->addWidget(m_state);
    filters->addWidget(m_job, 1);
    filters->addWidget(m_node, 1);
    filters->addWidget(m_range);

    m_table = new QTableView(this);
    m_table->setModel(m_filter);
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(RunsModel::Id, Qt::DescendingOrder);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setContextMenuPolicy(Qt::CustomContextMenu);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setAlternatingRowColors(true);

    m_summary = new QLabel(this);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_summary->setWordWrap(true);
    m_attempts = new QTreeWidget(this);
    m_attempts->setRootIsDecorated(false);
    m_attempts->setHeaderLabels({tr("Attempt"), tr("State"), tr("Node"), tr("Started"),
                                 tr("Finished"), tr("Exit code"), tr("Reason")});
    auto *details = new QWidget(this);
    auto *detailsLayout = new QVBoxLayout(details);
    detailsLayout->addWidget(m_summary);
    detailsLayout->addWidget(m_attempts, 1);
    m_log = new RunLogView(connection, this);
    m_tabs = new QTabWidget(this);
    m_tabs->addTab(details, tr("Details"));
    m_tabs->addTab(m_log, tr("Output"));

    m_shown = new QLabel(this);
    m_loadOlder = new QPushButton(tr("Load older runs"), this);
    m_loadOlder->setToolTip(tr("Read the next page of older runs from the master"));
    connect(m_loadOlder, &QPushButton::clicked, this, &RunsView::loadOlder);
    auto *list = new QWidget(this);
    auto *listLayout = new QVBoxLayout(list);
    listLayout->setContentsMargins(0, 0, 0, 0);
    listLayout->addWidget(m_table, 1);
    auto *paging = new QHBoxLayout;
    paging->addWidget(m_shown, 1);
    paging->addWidget(m_loadOlder);
    listLayout->addLayout(paging);

    auto *splitter = new QSplitter(Qt::Vertical, this);
    splitter->addWidget(list);
    splitter->addWidget(m_tabs);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 2);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(filters);
    layout->addWidget(m_message);
    layout->addWidget(splitter, 1);
    setTabOrder(m_state, m_job);
    setTabOrder(m_job, m_node);
    setTabOrder(m_node, m_range);
    setTabOrder(m_range, m_table);
    setTabOrder(m_table, m_loadOlder);

    connect(m_state, &QComboBox::currentIndexChanged, this,
            [this] { m_filter->setState(m_state->currentData().toString()); });
    connect(m_job, &QLineEdit::textChanged, m_filter, &RunsFilterModel::setJob);
    connect(m_node, &QLineEdit::textChanged, m_filter, &RunsFilterModel::setNode);
    connect(m_range, &QComboBox::currentIndexChanged, this, &RunsView::onTimeRangeChanged);
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &RunsView::showDetails);
    connect(m_model, &QAbstractItemModel::dataChanged, this,
            [this](const QModelIndex &from, const QModelIndex &to) {
                const QModelIndex current = m_filter->mapToSource(m_table->currentIndex());
                if (current.isValid() && current.row() >= from.row() && current.row() <= to.row())
                    showDetails();
            });
    connect(m_tabs, &QTabWidget::currentChanged, this, [this] { showDetails(); });
    connect(m_table, &QTableView::activated, this, [this](const QModelIndex &index) {
        const qint64 id = index.data(JsonRowModel::IdRole).toString().toLongLong();
        m_tabs->setCurrentWidget(m_log);
        emit openLog(id);
    });
    connect(m_table, &QTableView::customContextMenuRequested, this, &RunsView::showContextMenu);
    connect(m_model, &QAbstractItemModel::rowsInserted, this, &RunsView::updateLoadOlder);
    connect(m_model, &QAbstractItemModel::rowsRemoved, this, &RunsView::updateLoadOlder);
    connect(m_model, &QAbstractItemModel::modelReset, this, &RunsView::updateLoadOlder);
    connect(m_feed, &LiveFeed::reloadNeeded, this, &RunsView::reload);
    connect(m_feed, &LiveFeed::event, this, &RunsView::onEvent);
    m_feed->setTopics({u"runs"_s});
    updateLoadOlder();
}

RunsView::~RunsView() = default;

void RunsView::showRunsOfJob(const QString &job)
{
    // The filter model too: a test or a caller may have set it without the widgets.
    m_state->setCurrentIndex(0);
    m_range->setCurrentIndex(0);
    m_job->setText(job);
    m_filter->setState(QString());
    m_filter->setCreatedSince(QDateTime());
    m_filter->setJob(job);
}

bool RunsView::selectRun(qint64 runId)
{
    const int row = m_model->rowOf(QString::number(runId));
    if (row < 0)
        return false;
    const QModelIndex index = m_filter->mapFromSource(m_model->index(row, 0));
    if (!index.isValid())
        return false;
    m_table->setCurrentIndex(index);
    m_table->scrollTo(index);
    return true;
}

qint64 RunsView::selectedRun() const
{
    return m_table->currentIndex().data(JsonRowModel::IdRole).toString().toLongLong();
}

void RunsView::reload()
{
    if (!m_connection)
        return;
    const QPointer<RunsView> self(this);
    const int request = ++m_request;
    m_loadingOlder = false;
    m_connection->request(
            u"GET"_s, u"/api/v1/runs"_s, QJsonValue(),
            [self, request](const Client::ApiReply &reply) {
                if (!self || request != self->m_request)
                    return;
                if (!reply.ok()) {
                    self->showMessage(tr("Could not read the runs: %1").arg(replyErrorText(reply)));
                    return;
                }
                const qint64 selected = self->selectedRun();
                QList<QJsonObject> runs;
                for (const QJsonValue &run : reply.object().value(u"runs"_s).toArray())
                    runs.append(run.toObject());
                self->m_hasOlder = runs.size() >= self->m_pageSize;
                self->m_pageEnd = runs.isEmpty() ? 0 : idValue(runs.last().value(u"id"_s));
                self->m_model->reset(runs);
                self->m_message->hide();
                if (selected > 0)
                    self->selectRun(selected);
                self->updateLoadOlder();
                emit self->loaded();
            },
            u"limit=%1"_s.arg(m_pageSize));
}

void RunsView::loadOlder()
{
    if (!m_connection || m_loadingOlder || !m_hasOlder || m_pageEnd <= 0)
        return;
    m_loadingOlder = true;
    updateLoadOlder();
    const QPointer<RunsView> self(this);
    const int request = m_request;
    m_connection->request(
            u"GET"_s, u"/api/v1/runs"_s, QJsonValue(),
            [self, request](const Client::ApiReply &reply) {
                if (!self || request != self->m_request)
                    return;
                self->m_loadingOlder = false;
                if (!reply.ok()) {
                    self->showMessage(
                            tr("Could not read older runs: %1").arg(replyErrorText(reply)));
                    self->updateLoadOlder();
                    emit self->olderLoaded(-1);
                    return;
                }
                const QJsonArray runs = reply.object().value(u"runs"_s).toArray();
                self->m_hasOlder = runs.size() >= self->m_pageSize;
                if (!runs.isEmpty())
                    self->m_pageEnd = idValue(runs.last().toObject().value(u"id"_s));
                // Asked for: kept, beyond the bound that live events are held to.
                RunsModel *model = self->m_model;
                model->setMaximumRows(
                        qMax(model->maximumRows(), model->rowCount() + int(runs.size())));
                for (const QJsonValue &run : runs)
                    model->upsertRun(run.toObject());
                self->m_message->hide();
                self->updateLoadOlder();
                emit self->olderLoaded(int(runs.size()));
            },
            u"limit=%1&before=%2"_s.arg(m_pageSize).arg(m_pageEnd));
}

void RunsView::updateLoadOlder()
{
    m_shown->setText(tr("%n run(s) shown", nullptr, m_model->rowCount()));
    m_loadOlder->setEnabled(m_hasOlder && !m_loadingOlder);
}

void RunsView::onEvent(const QString &, const QString &kind, const QJsonObject &payload)
{
    if (kind == u"run.changed"_s)
        m_model->upsertRun(payload);
}

void RunsView::onTimeRangeChanged(int index)
{
    const int secs = m_range->itemData(index).toInt();
    m_filter->setCreatedSince(secs > 0 ? QDateTime::currentDateTimeUtc().addSecs(-secs)
                                       : QDateTime());
}

void RunsView::showDetails()
{
    const QModelIndex current = m_table->currentIndex();
    const QJsonObject run = current.data(JsonRowModel::ObjectRole).toJsonObject();
    m_attempts->clear();
    if (run.isEmpty()) {
        m_summary->setText(tr("Select a run to see its attempts and output."));
        return;
    }
    const QString state = run.value(u"state"_s).toString();
    m_summary->setText(tr("Run %1 of %2: %3, trigger %4, priority %5, scheduled %6, created %7")
                               .arg(run.value(u"id"_s).toString(), run.value(u"task"_s).toString(),
                                    runStateText(state), run.value(u"trigger"_s).toString(),
                                    run.value(u"priority"_s).toString(),
                                    instantText(instantValue(run.value(u"scheduled_at"_s))),
                                    instantText(instantValue(run.value(u"created_at"_s)))));
    for (const QJsonValue &value : run.value(u"attempts"_s).toArray()) {
        const QJsonObject a = value.toObject();
        const QString attemptState = a.value(u"state"_s).toString();
        const QJsonValue exit = a.value(u"exit_code"_s);
        auto *item = new QTreeWidgetItem(
                m_attempts,
                {QString::number(a.value(u"attempt"_s).toInt()), runStateText(attemptState),
                 a.value(u"node"_s).toString(), instantText(instantValue(a.value(u"started_at"_s))),
                 instantText(instantValue(a.value(u"finished_at"_s))),
                 exit.isDouble() ? QString::number(exit.toInt()) : QString(),
                 a.value(u"reason"_s).toString()});
        item->setData(1, Qt::DecorationRole, runStateColor(attemptState));
    }
    if (m_tabs->currentWidget() == m_log)
        m_log->showRun(idValue(run.value(u"id"_s)));
}

void RunsView::showContextMenu(const QPoint &pos)
{
    const QModelIndex index = m_table->indexAt(pos);
    if (!index.isValid())
        return;
    const QJsonObject run = index.data(JsonRowModel::ObjectRole).toJsonObject();
    const qint64 id = idValue(run.value(u"id"_s));
    const QString state = run.value(u"state"_s).toString();
    QMenu menu(this);
    menu.addAction(tr("Show output"), this, [this, id] {
        selectRun(id);
        m_tabs->setCurrentWidget(m_log);
        emit openLog(id);
    });
    QAction *stop = menu.addAction(tr("Stop run"), this, [this, id] { stopRun(id); });
    stop->setEnabled(state == u"waiting"_s || state == u"running"_s);
    menu.addSeparator();
    menu.addAction(tr("Show only this job"), this,
                   [this, job = run.value(u"task"_s).toString()] { m_job->setText(job); });
    menu.addAction(tr("Copy run id"), this,
                   [id] { QApplication::clipboard()->setText(QString::number(id)); });
    menu.exec(m_table->viewport()->mapToGlobal(pos));
}

void RunsView::stopRun(qint64 runId)
{
    if (!m_connection)
        return;
    const QPointer<RunsView> self(this);
    m_connection->request(
            u"POST"_s, u"/api/v1/runs/%1/stop"_s.arg(runId), QJsonValue(),
            [self, runId](const Client::ApiReply &reply) {
                if (self && !reply.ok())
                    self->showMessage(
                            tr("Could not stop run %1: %2").arg(runId).arg(replyErrorText(reply)));
            });
}

void RunsView::showMessage(const QString &text)
{
    m_message->setText(text);
    m_message->show();
}

}  // namespace Orrery::Gui
