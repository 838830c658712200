#include "yamlview.h"

#include "editorcommands.h"

#include <config/pipelinefile.h>

#include <QFileInfo>
#include <QFontDatabase>
#include <QLabel>
#include <QPlainTextEdit>
#include <QRegularExpression>
#include <QTextBlock>
#include <QTimer>
#include <QVBoxLayout>

using namespace Qt::Literals::StringLiterals;

namespace Orrery::Editor {

YamlView::YamlView(PipelineDocument *document, QWidget *parent)
    : QWidget(parent)
    , m_document(document)
    , m_edit(new QPlainTextEdit(this))
    , m_errorLabel(new QLabel(this))
    , m_parseTimer(new QTimer(this))
    , m_writeTimer(new QTimer(this))
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    m_edit->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_edit->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_edit->setTabChangesFocus(false);
    // The document has its own undo stack: the text's would undo behind its back.
    m_edit->setUndoRedoEnabled(false);
    layout->addWidget(m_edit, 1);
    m_errorLabel->setWordWrap(true);
    m_errorLabel->setStyleSheet(u"color: #c62828; padding: 2px"_s);
    m_errorLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_errorLabel->hide();
    layout->addWidget(m_errorLabel);

    m_parseTimer->setSingleShot(true);
    m_parseTimer->setInterval(600);
    connect(m_parseTimer, &QTimer::timeout, this, &YamlView::parseNow);
    // Document changes come in bursts (a macro, a paste): write the text once per burst.
    m_writeTimer->setSingleShot(true);
    m_writeTimer->setInterval(0);
    connect(m_writeTimer, &QTimer::timeout, this, &YamlView::writeText);

    connect(m_edit, &QPlainTextEdit::textChanged, this, &YamlView::onTextEdited);
    connect(document, &PipelineDocument::contentChanged, this, &YamlView::onDocumentChanged);
    writeText();
}

QString YamlView::text() const
{
    return m_edit->toPlainText();
}

void YamlView::setParseDelay(int ms)
{
    m_parseTimer->setInterval(ms);
}

QString YamlView::errorText() const
{
    return m_error ? m_error->toString() : QString();
}

void YamlView::onDocumentChanged()
{
    if (m_applying)
        return;  // the text is the source of this change: leave the user's text alone
    m_writeTimer->start();
}

void YamlView::writeText()
{
    if (!m_document)
        return;
    m_writeTimer->stop();
    m_parseTimer->stop();
    const QString yaml = QString::fromUtf8(Config::writePipeline(m_document->pipeline()));
    if (yaml == m_edit->toPlainText() && !m_error)
        return;
    m_writing = true;
    const int position = m_edit->textCursor().position();
    m_edit->setPlainText(yaml);
    QTextCursor cursor = m_edit->textCursor();
    cursor.setPosition(std::min(position, int(yaml.size())));
    m_edit->setTextCursor(cursor);
    m_writing = false;
    showError(std::nullopt);
}

void YamlView::onTextEdited()
{
    if (m_writing)
        return;
    m_parseTimer->start();
}

void YamlView::parseNow()
{
    m_parseTimer->stop();
    if (!m_document)
        return;
    const QString fileName = m_document->fileName().isEmpty()
                                     ? u"pipeline.yaml"_s
                                     : QFileInfo(m_document->fileName()).fileName();
    Result<Pipeline> parsed = Config::parsePipeline(m_edit->toPlainText().toUtf8(), fileName);
    if (!parsed) {
        showError(parsed.error());
        return;
    }
    showError(std::nullopt);
    // Without a name in the text the name comes from the file name: keep the document's.
    if (m_document->pipeline().name != parsed->name
        && !m_edit->toPlainText().contains(
                QRegularExpression(u"^name:"_s, QRegularExpression::MultilineOption)))
        parsed->name = m_document->pipeline().name;
    if (*parsed == m_document->pipeline())
        return;
    m_applying = true;
    m_document->undoStack()->push(new ReplacePipelineCommand(m_document, *parsed));
    m_applying = false;
}

void YamlView::showError(const std::optional<Error> &error)
{
    m_error = error;
    QList<QTextEdit::ExtraSelection> selections;
    if (!error) {
        m_errorLabel->hide();
        m_edit->setExtraSelections(selections);
        emit jobInError(JobId());
        return;
    }
    m_errorLabel->setText(error->toString());
    m_errorLabel->show();
    if (error->line > 0) {
        const QTextBlock block = m_edit->document()->findBlockByNumber(error->line - 1);
        QTextEdit::ExtraSelection line;
        line.format.setBackground(QColor(0xff, 0xeb, 0xee));
        line.format.setProperty(QTextFormat::FullWidthSelection, true);
        line.cursor = QTextCursor(block);
        selections.append(line);
        QTextEdit::ExtraSelection mark;
        mark.format.setUnderlineStyle(QTextCharFormat::WaveUnderline);
        mark.format.setUnderlineColor(QColor(0xc6, 0x28, 0x28));
        QTextCursor c(block);
        c.movePosition(QTextCursor::Right, QTextCursor::MoveAnchor,
                       std::clamp(error->column - 1, 0, std::max(0, block.length() - 1)));
        c.movePosition(QTextCursor::EndOfWord, QTextCursor::KeepAnchor);
        if (!c.hasSelection())
            c.movePosition(QTextCursor::EndOfBlock, QTextCursor::KeepAnchor);
        mark.cursor = c;
        selections.append(mark);
    }
    m_edit->setExtraSelections(selections);
    const QString job = jobNameAtLine(m_edit->toPlainText(), error->line);
    emit jobInError(job.isEmpty() ? JobId() : m_document->idOf(job));
}

QString YamlView::jobNameAtLine(const QString &text, int line)
{
    if (line <= 0)
        return {};
    static const QRegularExpression itemName(u"^(\\s*)-\\s+name:\\s*(.+?)\\s*$"_s);
    static const QRegularExpression topLevel(u"^\\S"_s);
    const QStringList lines = text.split(u'\n');
    for (int i = std::min(line, int(lines.size())) - 1; i >= 0; --i) {
        const QString &l = lines.at(i);
        if (const auto m = itemName.match(l); m.hasMatch()) {
            QString name = m.captured(2);
            if (name.size() >= 2 && (name.startsWith(u'"') || name.startsWith(u'\''))
                && name.endsWith(name.at(0)))
                name = name.mid(1, name.size() - 2);
            return name;
        }
        if (topLevel.match(l).hasMatch())
            return {};  // reached a top-level key before any job
    }
    return {};
}

}  // namespace Orrery::Editor
