#pragma once

#include "pipelinedocument.h"

#include <QPointer>
#include <QWidget>

#include <optional>

class QLabel;
class QPlainTextEdit;
class QTimer;

namespace Orrery::Editor {

// The pipeline as YAML text beside the graph, in sync both ways. Every change of the document
// rewrites the text (core/config's canonical writer), unless the change came from this text.
// When the user edits the text, it is parsed after a short pause: a valid pipeline replaces
// the document as one undo command (jobs keep their positions by name); an error is shown at
// its line:col, underlined in the text, and reported by jobInError() when it lies in a job's
// block; the document is not touched.
class YamlView final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(YamlView)

public:
    explicit YamlView(PipelineDocument *document, QWidget *parent = nullptr);

    QPlainTextEdit *editor() const { return m_edit; }
    QString text() const;
    // The pause after the last keystroke before the text is parsed.
    void setParseDelay(int ms);
    // Parses the text now (what the pause ends in).
    void parseNow();

    const std::optional<Error> &currentError() const { return m_error; }
    QString errorText() const;

    // The job whose `- name:` block holds `line` (1-based) of `text`, or an empty string.
    static QString jobNameAtLine(const QString &text, int line);

signals:
    // The job named by the current error (invalid id = none, or the error was fixed).
    void jobInError(Orrery::JobId id);

private:
    void onDocumentChanged();
    void writeText();
    void onTextEdited();
    void showError(const std::optional<Error> &error);

    QPointer<PipelineDocument> m_document;
    QPlainTextEdit *m_edit;
    QLabel *m_errorLabel;
    QTimer *m_parseTimer;
    QTimer *m_writeTimer;
    bool m_writing = false;
    bool m_applying = false;
    std::optional<Error> m_error;
};

}  // namespace Orrery::Editor
