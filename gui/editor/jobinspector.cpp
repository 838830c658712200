#include "jobinspector.h"

#include "editorcommands.h"
#include "inspectorfields.h"

#include <cron/cronexpression.h>
#include <cron/timewindow.h>
#include <dag/condition.h>

#include <QCheckBox>
#include <QComboBox>
#include <QEvent>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPlainTextEdit>
#include <QSpinBox>
#include <QVBoxLayout>

using namespace Qt::Literals::StringLiterals;

namespace Orrery::Editor {

JobInspector::JobInspector(PipelineDocument *document, QWidget *parent)
    : QWidget(parent), m_document(document), m_now([] { return QDateTime::currentDateTime(); })
{
    auto *outer = new QVBoxLayout(this);
    m_title = new QLabel(this);
    m_title->setWordWrap(true);
    outer->addWidget(m_title);
    m_error = new QLabel(this);
    m_error->setWordWrap(true);
    m_error->setStyleSheet(u"color: #c62828"_s);
    m_error->hide();
    outer->addWidget(m_error);

    m_form = new QWidget(this);
    auto *form = new QFormLayout(m_form);
    form->setContentsMargins(0, 0, 0, 0);
    m_name = new QLineEdit(m_form);
    m_name->setObjectName(u"name"_s);
    form->addRow(tr("&Name:"), m_name);
    m_description = new QLineEdit(m_form);
    m_description->setObjectName(u"description"_s);
    form->addRow(tr("&Description:"), m_description);
    m_command = new QPlainTextEdit(m_form);
    m_command->setObjectName(u"command"_s);
    m_command->setTabChangesFocus(true);
    m_command->setMaximumHeight(80);
    m_command->installEventFilter(this);
    form->addRow(tr("&Command:"), m_command);
    m_schedule = new QLineEdit(m_form);
    m_schedule->setObjectName(u"schedule"_s);
    m_schedule->setPlaceholderText(tr("cron, e.g. 0 2 * * *"));
    form->addRow(tr("&Schedule:"), m_schedule);
    m_schedulePreview = new QLabel(m_form);
    m_schedulePreview->setWordWrap(true);
    m_schedulePreview->setTextInteractionFlags(Qt::TextSelectableByMouse);
    form->addRow(QString(), m_schedulePreview);
    m_timeZone = new QLineEdit(m_form);
    m_timeZone->setObjectName(u"timezone"_s);
    m_timeZone->setPlaceholderText(tr("the master's zone"));
    form->addRow(tr("&Time zone:"), m_timeZone);
    m_timeout = new QSpinBox(m_form);
    m_timeout->setObjectName(u"timeout"_s);
    m_timeout->setRange(0, 7 * 24 * 3600);
    m_timeout->setSuffix(tr(" s"));
    m_timeout->setSpecialValueText(tr("no timeout"));
    form->addRow(tr("T&imeout:"), m_timeout);
    m_retries = new QSpinBox(m_form);
    m_retries->setObjectName(u"retries"_s);
    m_retries->setRange(0, 100);
    form->addRow(tr("&Retries:"), m_retries);
    m_retryDelay = new QSpinBox(m_form);
    m_retryDelay->setObjectName(u"retry_delay"_s);
    m_retryDelay->setRange(0, 24 * 3600);
    m_retryDelay->setSuffix(tr(" s"));
    form->addRow(tr("Retry &delay:"), m_retryDelay);
    m_priority = new QComboBox(m_form);
    m_priority->setObjectName(u"priority"_s);
    for (Priority p : {Priority::P0, Priority::P1, Priority::P2, Priority::P3})
        m_priority->addItem(priorityName(p), int(p));
    form->addRow(tr("&Priority:"), m_priority);
    m_resourceKind = new QComboBox(m_form);
    m_resourceKind->setObjectName(u"resource_kind"_s);
    m_resourceKind->addItem(tr("unspecified"), int(ResourceKind::Unspecified));
    m_resourceKind->addItem(tr("CPU intensive"), int(ResourceKind::Cpu));
    m_resourceKind->addItem(tr("I/O intensive"), int(ResourceKind::Io));
    m_resourceKind->addItem(tr("memory intensive"), int(ResourceKind::Memory));
    form->addRow(tr("Resource &kind:"), m_resourceKind);
    m_weight = new QComboBox(m_form);
    m_weight->setObjectName(u"weight"_s);
    m_weight->addItem(tr("light"), int(JobWeight::Light));
    m_weight->addItem(tr("heavy"), int(JobWeight::Heavy));
    form->addRow(tr("&Weight:"), m_weight);
    m_labels = new QLineEdit(m_form);
    m_labels->setObjectName(u"labels"_s);
    m_labels->setPlaceholderText(tr("key=value, ..."));
    form->addRow(tr("&Labels:"), m_labels);
    m_locks = new QLineEdit(m_form);
    m_locks->setObjectName(u"resources"_s);
    m_locks->setPlaceholderText(tr("database_lock:primary_db, ..."));
    form->addRow(tr("Loc&ks:"), m_locks);
    m_notBefore = new QLineEdit(m_form);
    m_notBefore->setObjectName(u"not_before"_s);
    m_notBefore->setPlaceholderText(tr("HH:MM, in the job's time zone"));
    form->addRow(tr("Not &before:"), m_notBefore);
    m_window = new QLineEdit(m_form);
    m_window->setObjectName(u"window"_s);
    m_window->setPlaceholderText(tr("e.g. 01:00-05:00"));
    form->addRow(tr("Time &window:"), m_window);
    m_condition = new QLineEdit(m_form);
    m_condition->setObjectName(u"condition"_s);
    m_condition->setPlaceholderText(tr("run only when this holds"));
    form->addRow(tr("C&ondition:"), m_condition);
    m_check = new QLineEdit(m_form);
    m_check->setObjectName(u"check"_s);
    m_check->setPlaceholderText(tr("command on the node; the job runs only if it exits 0"));
    form->addRow(tr("C&heck command:"), m_check);
    m_checkTimeout = new QSpinBox(m_form);
    m_checkTimeout->setObjectName(u"check_timeout"_s);
    m_checkTimeout->setRange(0, 24 * 3600);
    m_checkTimeout->setSuffix(tr(" s"));
    m_checkTimeout->setSpecialValueText(tr("default (%1 s)").arg(kDefaultCheckTimeoutSecs));
    form->addRow(tr("Check timeo&ut:"), m_checkTimeout);
    m_dependencies = new QLabel(m_form);
    m_dependencies->setWordWrap(true);
    form->addRow(tr("Runs after:"), m_dependencies);
    m_enabled = new QCheckBox(tr("&Enabled"), m_form);
    m_enabled->setObjectName(u"enabled"_s);
    form->addRow(QString(), m_enabled);
    outer->addWidget(m_form);
    outer->addStretch(1);

    connect(m_name, &QLineEdit::editingFinished, this, [this] {
        const QString name = m_name->text().trimmed();
        if (name.isEmpty()) {
            showError(tr("A job needs a name."));
            return refresh();
        }
        const JobId other = m_document->idOf(name);
        if (other.isValid() && other != m_id) {
            showError(tr("Another job is already called '%1'.").arg(name));
            return refresh();
        }
        edit([&](Job &j) {
            j.name = name;
            return true;
        });
    });
    connect(m_description, &QLineEdit::editingFinished, this, [this] {
        edit([this](Job &j) {
            j.description = m_description->text();
            return true;
        });
    });
    connect(m_schedule, &QLineEdit::textChanged, this, &JobInspector::updateSchedulePreview);
    connect(m_timeZone, &QLineEdit::textChanged, this, &JobInspector::updateSchedulePreview);
    connect(m_schedule, &QLineEdit::editingFinished, this, [this] {
        const QString text = m_schedule->text().trimmed();
        if (!text.isEmpty()) {
            const auto preview = previewSchedule(text, m_timeZone->text().trimmed(),
                                                 QDateTime::currentDateTime(), 1, false);
            if (!preview) {
                showError(preview.error().message);
                return;
            }
        }
        edit([&](Job &j) {
            j.schedule = text;
            return true;
        });
    });
    connect(m_timeZone, &QLineEdit::editingFinished, this, [this] {
        const QString zone = m_timeZone->text().trimmed();
        if (const auto tz = Cron::timeZoneFromName(zone); !zone.isEmpty() && !tz) {
            showError(tz.error().message);
            return;
        }
        edit([&](Job &j) {
            j.timeZone = zone;
            return true;
        });
    });
    connect(m_timeout, &QSpinBox::editingFinished, this, [this] {
        edit([this](Job &j) {
            j.timeoutSecs = m_timeout->value();
            return true;
        });
    });
    connect(m_retries, &QSpinBox::editingFinished, this, [this] {
        edit([this](Job &j) {
            j.retry.count = m_retries->value();
            return true;
        });
    });
    connect(m_retryDelay, &QSpinBox::editingFinished, this, [this] {
        edit([this](Job &j) {
            j.retry.delaySecs = m_retryDelay->value();
            return true;
        });
    });
    connect(m_priority, &QComboBox::activated, this, [this] {
        edit([this](Job &j) {
            j.priority = Priority(m_priority->currentData().toInt());
            return true;
        });
    });
    connect(m_resourceKind, &QComboBox::activated, this, [this] {
        edit([this](Job &j) {
            j.resourceKind = ResourceKind(m_resourceKind->currentData().toInt());
            return true;
        });
    });
    connect(m_weight, &QComboBox::activated, this, [this] {
        edit([this](Job &j) {
            j.weight = JobWeight(m_weight->currentData().toInt());
            return true;
        });
    });
    connect(m_labels, &QLineEdit::editingFinished, this, [this] {
        const auto labels = labelsFromText(m_labels->text());
        if (!labels) {
            showError(labels.error().message);
            return;
        }
        edit([&](Job &j) {
            j.labels = *labels;
            return true;
        });
    });
    connect(m_locks, &QLineEdit::editingFinished, this, [this] {
        const auto locks = locksFromText(m_locks->text());
        if (!locks) {
            showError(locks.error().message);
            return;
        }
        edit([&](Job &j) {
            j.resources = *locks;
            return true;
        });
    });
    connect(m_notBefore, &QLineEdit::editingFinished, this, [this] {
        const QString text = m_notBefore->text().trimmed();
        std::optional<int> minute;
        if (!text.isEmpty()) {
            const Result<int> parsed = Cron::parseTimeOfDay(text);
            if (!parsed) {
                showError(parsed.error().message);
                return;
            }
            minute = *parsed;
        }
        edit([&](Job &j) {
            j.notBeforeMinute = minute;
            return true;
        });
    });
    connect(m_window, &QLineEdit::editingFinished, this, [this] {
        const QString text = m_window->text().trimmed();
        std::optional<DailyWindow> window;
        if (!text.isEmpty()) {
            const Result<DailyWindow> parsed = Cron::parseDailyWindow(text);
            if (!parsed) {
                showError(parsed.error().message);
                return;
            }
            window = *parsed;
        }
        edit([&](Job &j) {
            j.window = window;
            return true;
        });
    });
    connect(m_condition, &QLineEdit::editingFinished, this, [this] {
        const QString text = m_condition->text().trimmed();
        if (!text.isEmpty()) {
            if (const auto parsed = Dag::ConditionExpression::parse(text); !parsed) {
                showError(parsed.error().message);
                return;
            }
        }
        edit([&](Job &j) {
            j.condition = text;
            return true;
        });
    });
    connect(m_check, &QLineEdit::editingFinished, this, [this] {
        const QString text = m_check->text().trimmed();
        edit([&](Job &j) {
            j.check = text;
            if (text.isEmpty())
                j.checkTimeoutSecs = 0;  // a timeout without a check is not valid
            return true;
        });
    });
    connect(m_checkTimeout, &QSpinBox::editingFinished, this, [this] {
        edit([this](Job &j) {
            j.checkTimeoutSecs = m_checkTimeout->value();
            return true;
        });
    });
    connect(m_enabled, &QCheckBox::clicked, this, [this](bool on) {
        edit([on](Job &j) {
            j.enabled = on;
            return true;
        });
    });

    connect(document, &PipelineDocument::jobChanged, this, [this](JobId id) {
        if (id == m_id)
            refresh();
    });
    connect(document, &PipelineDocument::edgeAdded, this, &JobInspector::refresh);
    connect(document, &PipelineDocument::edgeRemoved, this, &JobInspector::refresh);
    connect(document, &PipelineDocument::edgeChanged, this, &JobInspector::refresh);
    connect(document, &PipelineDocument::jobRemoved, this, [this](JobId id) {
        if (id == m_id)
            setJob(JobId());
    });
    connect(document, &PipelineDocument::pipelineReset, this,
            [this] { setJob(m_document->contains(m_id) ? m_id : JobId()); });
    setJob(JobId());
}

void JobInspector::setClock(std::function<QDateTime()> now)
{
    m_now = std::move(now);
    updateSchedulePreview();
}

void JobInspector::setJob(JobId id)
{
    m_id = id;
    m_error->hide();
    refresh();
}

QWidget *JobInspector::field(const QString &key) const
{
    return m_form->findChild<QWidget *>(key);
}

QString JobInspector::schedulePreviewText() const
{
    return m_schedulePreview->text();
}

QString JobInspector::errorText() const
{
    return m_error->isHidden() ? QString() : m_error->text();
}

void JobInspector::refresh()
{
    const Job *job = m_document ? m_document->job(m_id) : nullptr;
    m_form->setEnabled(job != nullptr);
    if (!job) {
        m_title->setText(tr("Select one job to see and edit its fields."));
        return;
    }
    m_refreshing = true;
    m_title->setText(u"<b>%1</b>"_s.arg(job->name.toHtmlEscaped()));
    m_name->setText(job->name);
    m_description->setText(job->description);
    if (m_command->toPlainText() != job->command)
        m_command->setPlainText(job->command);
    m_schedule->setText(job->schedule);
    m_timeZone->setText(job->timeZone);
    m_timeout->setValue(int(job->timeoutSecs));
    m_retries->setValue(job->retry.count);
    m_retryDelay->setValue(int(job->retry.delaySecs));
    m_priority->setCurrentIndex(m_priority->findData(int(job->priority)));
    m_resourceKind->setCurrentIndex(m_resourceKind->findData(int(job->resourceKind)));
    m_weight->setCurrentIndex(m_weight->findData(int(job->weight)));
    m_labels->setText(labelsToText(job->labels));
    m_locks->setText(locksToText(job->resources));
    m_notBefore->setText(job->notBeforeMinute ? Cron::timeOfDayText(*job->notBeforeMinute)
                                              : QString());
    m_window->setText(job->window ? Cron::dailyWindowText(*job->window) : QString());
    m_condition->setText(job->condition);
    m_check->setText(job->check);
    m_checkTimeout->setValue(int(job->checkTimeoutSecs));
    m_checkTimeout->setEnabled(!job->check.isEmpty());
    m_dependencies->setText(job->dependencies.isEmpty()
                                    ? tr("(nothing: starts by its schedule or by hand)")
                                    : dependenciesToText(job->dependencies));
    m_enabled->setChecked(job->enabled);
    m_refreshing = false;
    updateSchedulePreview();
}

void JobInspector::updateSchedulePreview()
{
    const QString text = m_schedule->text().trimmed();
    if (text.isEmpty()) {
        m_schedulePreview->setText(
                tr("No schedule: the job runs after its dependencies or "
                   "when started by hand."));
        return;
    }
    const bool chinese = QLocale().language() == QLocale::Chinese;
    const auto preview = previewSchedule(text, m_timeZone->text().trimmed(), m_now(), 5, chinese);
    if (!preview) {
        m_schedulePreview->setText(u"<span style='color:#c62828'>%1</span>"_s.arg(
                preview.error().message.toHtmlEscaped()));
        return;
    }
    QStringList lines{preview->explanation.toHtmlEscaped(), tr("Next runs:")};
    for (const QDateTime &t : preview->nextFires)
        lines.append(u"&nbsp;&nbsp;"_s + t.toString(u"yyyy-MM-dd ddd HH:mm:ss t"_s));
    m_schedulePreview->setText(lines.join(u"<br>"_s));
}

void JobInspector::edit(const std::function<bool(Job &)> &change)
{
    if (m_refreshing || !m_document)
        return;
    const Job *current = m_document->job(m_id);
    if (!current)
        return;
    Job job = *current;
    if (!change(job) || job == *current)
        return;
    m_error->hide();
    m_document->undoStack()->push(new ChangeJobCommand(m_document, m_id, job));
}

void JobInspector::showError(const QString &message)
{
    m_error->setText(message);
    m_error->show();
}

bool JobInspector::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_command && event->type() == QEvent::FocusOut)
        edit([this](Job &j) {
            j.command = m_command->toPlainText();
            return true;
        });
    return QWidget::eventFilter(watched, event);
}

}  // namespace Orrery::Editor
