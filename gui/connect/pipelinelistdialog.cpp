#include "pipelinelistdialog.h"

#include <QDialogButtonBox>
#include <QHeaderView>
#include <QJsonArray>
#include <QLabel>
#include <QPushButton>
#include <QTreeWidget>
#include <QVBoxLayout>

using namespace Qt::Literals::StringLiterals;

namespace Orrery::Connect {

PipelineListDialog::PipelineListDialog(Client::MasterConnection *connection, QWidget *parent)
    : QDialog(parent)
    , m_connection(connection)
    , m_list(new QTreeWidget(this))
    , m_status(new QLabel(this))
{
    setWindowTitle(tr("Open a pipeline from the master"));
    resize(560, 380);
    auto *layout = new QVBoxLayout(this);
    m_list->setRootIsDecorated(false);
    m_list->setHeaderLabels({tr("Pipeline"), tr("Jobs"), tr("Schedule"), tr("Last run")});
    m_list->header()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_list->setSortingEnabled(true);
    m_list->sortByColumn(0, Qt::AscendingOrder);
    layout->addWidget(m_list);
    layout->addWidget(m_status);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Open | QDialogButtonBox::Cancel, this);
    QPushButton *open = buttons->button(QDialogButtonBox::Open);
    open->setEnabled(false);
    QPushButton *refresh = buttons->addButton(tr("&Refresh"), QDialogButtonBox::ActionRole);
    connect(refresh, &QPushButton::clicked, this, &PipelineListDialog::reload);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_list, &QTreeWidget::itemSelectionChanged, this,
            [this, open] { open->setEnabled(m_list->currentItem() != nullptr); });
    connect(m_list, &QTreeWidget::itemActivated, this, &QDialog::accept);
    layout->addWidget(buttons);
    reload();
}

void PipelineListDialog::reload()
{
    m_status->setText(tr("Asking the master…"));
    const int request = ++m_request;
    m_connection->request(
            u"GET"_s, u"/api/v1/pipelines"_s, QJsonValue(),
            [this, request,
             self = QPointer<PipelineListDialog>(this)](const Client::ApiReply &reply) {
                if (!self || request != m_request)
                    return;
                m_list->clear();
                if (!reply.ok()) {
                    const QString error = reply.status == 0 ? reply.error
                                                            : reply.object()
                                                                      .value(u"error"_s)
                                                                      .toObject()
                                                                      .value(u"message"_s)
                                                                      .toString();
                    m_status->setText(tr("The master did not answer: %1").arg(error));
                    emit loaded(error.isEmpty() ? tr("status %1").arg(reply.status) : error);
                    return;
                }
                const QJsonArray pipelines = reply.object().value(u"pipelines"_s).toArray();
                for (const QJsonValue &v : pipelines) {
                    const QJsonObject p = v.toObject();
                    const QJsonObject last = p.value(u"last_run"_s).toObject();
                    auto *item = new QTreeWidgetItem(m_list);
                    item->setText(0, p.value(u"name"_s).toString());
                    item->setData(1, Qt::DisplayRole, p.value(u"tasks"_s).toInt());
                    item->setText(2, p.value(u"schedule"_s).toString());
                    item->setText(3,
                                  last.isEmpty() ? tr("never") : last.value(u"state"_s).toString());
                    item->setData(0, Qt::UserRole, last.value(u"id"_s).toString().toLongLong());
                }
                m_status->setText(tr("%n pipeline(s)", nullptr, int(pipelines.size())));
                if (m_list->topLevelItemCount() > 0)
                    m_list->setCurrentItem(m_list->topLevelItem(0));
                emit loaded(QString());
            });
}

QString PipelineListDialog::pipelineName() const
{
    return m_list->currentItem() ? m_list->currentItem()->text(0) : QString();
}

qint64 PipelineListDialog::lastRunId() const
{
    return m_list->currentItem() ? m_list->currentItem()->data(0, Qt::UserRole).toLongLong() : 0;
}

}  // namespace Orrery::Connect
