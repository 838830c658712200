#pragma once

#include "pipelinedocument.h"

#include <QPointer>
#include <QWidget>

#include <functional>

class QCheckBox;
class QComboBox;
class QFormLayout;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QSpinBox;

namespace Orrery::Editor {

// The fields of the selected job. Each finished edit (Return, leaving the field, choosing an
// item) becomes one ChangeJobCommand; the fields are refreshed from the document's signals.
// The schedule shows its explanation and next five fire times (core/cron) as it is typed.
class JobInspector final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(JobInspector)

public:
    explicit JobInspector(PipelineDocument *document, QWidget *parent = nullptr);

    void setJob(JobId id);
    JobId jobId() const { return m_id; }
    // The time the schedule preview counts from (tests fix it; default: now).
    void setClock(std::function<QDateTime()> now);

    // For tests and accessibility: the editors by field name ("name", "command", ...).
    QWidget *field(const QString &key) const;
    QString schedulePreviewText() const;
    QString errorText() const;

private:
    void refresh();
    void updateSchedulePreview();
    // Applies `change` to a copy of the job and pushes it when it differs.
    void edit(const std::function<bool(Job &)> &change);
    void showError(const QString &message);
    bool eventFilter(QObject *watched, QEvent *event) override;

    QPointer<PipelineDocument> m_document;
    JobId m_id;
    std::function<QDateTime()> m_now;
    bool m_refreshing = false;

    QLabel *m_title;
    QLabel *m_error;
    QWidget *m_form;
    QLineEdit *m_name;
    QLineEdit *m_description;
    QPlainTextEdit *m_command;
    QLineEdit *m_schedule;
    QLabel *m_schedulePreview;
    QLineEdit *m_timeZone;
    QSpinBox *m_timeout;
    QSpinBox *m_retries;
    QSpinBox *m_retryDelay;
    QComboBox *m_priority;
    QComboBox *m_resourceKind;
    QComboBox *m_weight;
    QLineEdit *m_labels;
    QLineEdit *m_locks;
    QLineEdit *m_notBefore;
    QLineEdit *m_window;
    QLineEdit *m_condition;
    QLineEdit *m_check;
    QSpinBox *m_checkTimeout;
    QLabel *m_dependencies;
    QCheckBox *m_enabled;
};

}  // namespace Orrery::Editor
