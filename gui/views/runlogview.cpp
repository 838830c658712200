#include "runlogview.h"

#include "livefeed.h"
#include "viewformat.h"

#include <QFontDatabase>
#include <QHBoxLayout>
#include <QJsonArray>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QScrollBar>
#include <QShortcut>
#include <QTextBlock>
#include <QTextCursor>
#include <QTextDocument>
#include <QToolButton>
#include <QVBoxLayout>

using namespace Qt::Literals::StringLiterals;

namespace Orrery::Gui {

namespace {
constexpr int kDefaultMaximumLines = 100000;

QString seqKey(const QJsonObject &chunk)
{
    return QString::number(chunk.value(u"attempt"_s).toInt()) + u'/'
           + chunk.value(u"stream"_s).toString();
}
}  // namespace

RunLogView::RunLogView(Client::MasterConnection *connection, QWidget *parent)
    : QWidget(parent), m_connection(connection), m_feed(new LiveFeed(connection, this))
{
    m_follow = new QToolButton(this);
    m_follow->setText(tr("Follow"));
    m_follow->setToolTip(tr("Keep the end of the output in view (F)"));
    m_follow->setCheckable(true);
    m_follow->setChecked(true);

    m_search = new QLineEdit(this);
    m_search->setPlaceholderText(tr("Search the output"));
    m_search->setClearButtonEnabled(true);
    auto *previous = new QToolButton(this);
    previous->setText(tr("Previous"));
    previous->setToolTip(tr("Previous match (Shift+F3)"));
    auto *next = new QToolButton(this);
    next->setText(tr("Next"));
    next->setToolTip(tr("Next match (F3)"));
    m_status = new QLabel(this);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);

    m_text = new QPlainTextEdit(this);
    m_text->setReadOnly(true);
    m_text->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_text->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_text->setMaximumBlockCount(kDefaultMaximumLines);
    m_text->setUndoRedoEnabled(false);

    auto *bar = new QHBoxLayout;
    bar->addWidget(m_status, 1);
    bar->addWidget(m_search);
    bar->addWidget(previous);
    bar->addWidget(next);
    bar->addWidget(m_follow);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(bar);
    layout->addWidget(m_text, 1);
    setFocusProxy(m_text);

    connect(m_search, &QLineEdit::returnPressed, this, &RunLogView::findNext);
    connect(next, &QToolButton::clicked, this, &RunLogView::findNext);
    connect(previous, &QToolButton::clicked, this, &RunLogView::findPrevious);
    auto *findShortcut = new QShortcut(QKeySequence::Find, this);
    findShortcut->setContext(Qt::WidgetWithChildrenShortcut);
    connect(findShortcut, &QShortcut::activated, this, [this] {
        m_search->setFocus();
        m_search->selectAll();
    });
    // Only while the focus is in this view: several logs may be open in one window.
    const auto shortcut = [this](const QKeySequence &keys, auto slot) {
        auto *s = new QShortcut(keys, this);
        s->setContext(Qt::WidgetWithChildrenShortcut);
        connect(s, &QShortcut::activated, this, slot);
    };
    shortcut(QKeySequence(Qt::Key_F3), [this] { findNext(); });
    shortcut(QKeySequence(Qt::SHIFT | Qt::Key_F3), [this] { findPrevious(); });
    shortcut(QKeySequence(Qt::Key_F), [this] { m_follow->toggle(); });
    connect(m_follow, &QToolButton::toggled, this, [this](bool on) {
        if (on)
            m_text->verticalScrollBar()->setValue(m_text->verticalScrollBar()->maximum());
    });
    connect(m_feed, &LiveFeed::reloadNeeded, this, &RunLogView::reload);
    connect(m_feed, &LiveFeed::event, this, &RunLogView::onEvent);
    updateStatus();
}

RunLogView::~RunLogView() = default;

void RunLogView::showRun(qint64 runId)
{
    if (runId == m_runId)
        return;
    ++m_generation;
    m_runId = runId;
    m_state.clear();
    m_text->clear();
    m_pending.clear();
    m_lastSeq.clear();
    m_lastAttempt = 0;
    m_storedChunks = 0;
    m_truncated = false;
    m_loadError.clear();
    m_loading = runId > 0;
    // The topic first: output produced while the stored part is read is kept in m_pending.
    m_feed->setTopics(runId > 0 ? QStringList{u"output:"_s + QString::number(runId), u"runs"_s}
                                : QStringList());
    updateStatus();
}

QString RunLogView::text() const
{
    return m_text->toPlainText();
}

bool RunLogView::isFollowing() const
{
    return m_follow->isChecked();
}

void RunLogView::setFollowing(bool follow)
{
    m_follow->setChecked(follow);
}

int RunLogView::maximumLines() const
{
    return m_text->maximumBlockCount();
}

void RunLogView::setMaximumLines(int lines)
{
    m_text->setMaximumBlockCount(qMax(1, lines));
}

void RunLogView::setSearchText(const QString &text)
{
    m_search->setText(text);
}

bool RunLogView::findNext()
{
    return find(false);
}

bool RunLogView::findPrevious()
{
    return find(true);
}

bool RunLogView::find(bool backward)
{
    const QString needle = m_search->text();
    if (needle.isEmpty())
        return false;
    // A search stops following, or the next output would scroll the match away.
    setFollowing(false);
    const QTextDocument::FindFlags flags
            = backward ? QTextDocument::FindBackward : QTextDocument::FindFlags();
    if (m_text->find(needle, flags))
        return true;
    // Wrap around.
    QTextCursor cursor = m_text->textCursor();
    cursor.movePosition(backward ? QTextCursor::End : QTextCursor::Start);
    m_text->setTextCursor(cursor);
    if (m_text->find(needle, flags))
        return true;
    m_status->setText(tr("'%1' not found").arg(needle));
    return false;
}

void RunLogView::reload()
{
    if (m_runId <= 0 || !m_connection)
        return;
    m_loading = true;
    loadPage(m_generation, m_storedChunks);
}

void RunLogView::loadPage(int generation, int after)
{
    const QPointer<RunLogView> self(this);
    m_connection->request(
            u"GET"_s, u"/api/v1/runs/%1/output"_s.arg(m_runId), QJsonValue(),
            [self, generation](const Client::ApiReply &reply) {
                if (!self || generation != self->m_generation)
                    return;
                if (!reply.ok()) {
                    self->m_loading = false;
                    self->m_loadError = replyErrorText(reply);
                    self->updateStatus();
                    return;
                }
                const QJsonObject body = reply.object();
                const QJsonArray chunks = body.value(u"chunks"_s).toArray();
                for (const QJsonValue &chunk : chunks)
                    self->appendChunk(chunk.toObject());
                self->m_storedChunks += int(chunks.size());
                self->m_truncated = body.value(u"truncated"_s).toBool();
                self->setState(body.value(u"state"_s).toString());
                if (body.value(u"more"_s).toBool() && !chunks.isEmpty()) {
                    self->loadPage(generation, self->m_storedChunks);
                    return;
                }
                self->m_loading = false;
                const QList<QJsonObject> pending = std::exchange(self->m_pending, {});
                for (const QJsonObject &chunk : pending)
                    self->appendChunk(chunk);
                self->updateStatus();
                emit self->outputAppended(self->m_runId);
            },
            after > 0 ? u"after=%1"_s.arg(after) : QString());
}

void RunLogView::onEvent(const QString &topic, const QString &kind, const QJsonObject &payload)
{
    if (topic == u"runs"_s) {
        if (kind == u"run.changed"_s && idValue(payload.value(u"id"_s)) == m_runId)
            setState(payload.value(u"state"_s).toString());
        return;
    }
    if (kind != u"output"_s)
        return;
    if (m_loading) {
        m_pending.append(payload);
        return;
    }
    appendChunk(payload);
    updateStatus();
    emit outputAppended(m_runId);
}

void RunLogView::appendChunk(const QJsonObject &chunk)
{
    // Live chunks may repeat what the stored output had: each stream's seq only grows.
    const QString key = seqKey(chunk);
    const qint64 seq = chunk.value(u"seq"_s).toInteger(-1);
    if (auto it = m_lastSeq.constFind(key); it != m_lastSeq.cend() && seq <= *it)
        return;
    m_lastSeq.insert(key, seq);

    QScrollBar *scroll = m_text->verticalScrollBar();
    QTextCursor cursor(m_text->document());
    cursor.movePosition(QTextCursor::End);
    const int attempt = chunk.value(u"attempt"_s).toInt();
    if (attempt != m_lastAttempt) {
        if (m_lastAttempt > 0) {
            QTextCharFormat separator;
            separator.setForeground(Qt::gray);
            if (!m_text->document()->lastBlock().text().isEmpty())
                cursor.insertText(u"\n"_s, separator);
            cursor.insertText(tr("--- attempt %1 ---").arg(attempt) + u'\n', separator);
        }
        m_lastAttempt = attempt;
    }
    QTextCharFormat format;
    if (chunk.value(u"stream"_s).toString() == u"stderr"_s)
        format.setForeground(QColor(0xc6, 0x28, 0x28));
    cursor.insertText(chunk.value(u"text"_s).toString(), format);
    if (isFollowing())
        scroll->setValue(scroll->maximum());
}

void RunLogView::setState(const QString &state)
{
    if (state.isEmpty() || state == m_state)
        return;
    m_state = state;
    updateStatus();
    emit runStateChanged(m_runId, state);
}

void RunLogView::updateStatus()
{
    if (m_runId <= 0) {
        m_status->setText(tr("No run selected"));
        return;
    }
    QString text = tr("Run %1").arg(m_runId);
    if (!m_state.isEmpty())
        text += u" \u00b7 "_s + runStateText(m_state);
    if (m_loading)
        text += u" \u00b7 "_s + tr("loading\u2026");
    else if (!m_loadError.isEmpty())
        text += u" \u00b7 "_s + tr("output not available: %1").arg(m_loadError);
    if (m_truncated)
        text += u" \u00b7 "_s + tr("the master kept only the start of this output");
    m_status->setText(text);
}

}  // namespace Orrery::Gui
