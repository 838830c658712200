#pragma once

#include <client/masterconnection.h>

#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QPointer>
#include <QWidget>

class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QToolButton;

namespace Orrery::Gui {

class LiveFeed;

// One run's output as the agent produced it: what the master stored (GET
// /api/v1/runs/{id}/output, page by page), then live from the "output:<id>" topic. Follow
// mode keeps the end in view; search with next/previous; stderr in red; a line at each new
// attempt. Memory is bounded: only the last maximumLines() lines are kept.
class RunLogView final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RunLogView)

public:
    explicit RunLogView(Client::MasterConnection *connection, QWidget *parent = nullptr);
    ~RunLogView() override;

    void showRun(qint64 runId);
    qint64 runId() const { return m_runId; }
    // The run's state as last read or announced ("running", "success", ...).
    QString runState() const { return m_state; }

    // The output as shown (without the attempt separators' decoration).
    QString text() const;

    bool isFollowing() const;
    void setFollowing(bool follow);

    int maximumLines() const;
    void setMaximumLines(int lines);

    void setSearchText(const QString &text);
    // Select the next/previous match of the search text, wrapping around; false if none.
    bool findNext();
    bool findPrevious();

signals:
    // After output was added (from REST or live).
    void outputAppended(qint64 runId);
    void runStateChanged(qint64 runId, const QString &state);

private:
    void reload();
    void loadPage(int generation, int after);
    void onEvent(const QString &topic, const QString &kind, const QJsonObject &payload);
    void appendChunk(const QJsonObject &chunk);
    void setState(const QString &state);
    void updateStatus();
    bool find(bool backward);

    QPointer<Client::MasterConnection> m_connection;
    LiveFeed *m_feed = nullptr;
    QPlainTextEdit *m_text = nullptr;
    QLineEdit *m_search = nullptr;
    QToolButton *m_follow = nullptr;
    QLabel *m_status = nullptr;

    qint64 m_runId = 0;
    QString m_state;
    int m_generation = 0;  // replies for an earlier run or load are ignored
    bool m_loading = false;
    int m_storedChunks = 0;            // chunks read through REST (the next `after`)
    QList<QJsonObject> m_pending;      // live chunks that came during a load
    QHash<QString, qint64> m_lastSeq;  // "attempt/stream" -> highest seq shown
    int m_lastAttempt = 0;
    bool m_truncated = false;
    QString m_loadError;
};

}  // namespace Orrery::Gui
