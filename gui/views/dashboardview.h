#pragma once

#include <client/masterconnection.h>

#include <QElapsedTimer>
#include <QJsonObject>
#include <QPointer>
#include <QWidget>

class QChart;
class QComboBox;
class QLabel;
class QTimer;

namespace Orrery::Gui {

class DashboardCharts;
class LiveFeed;

// The brief's tiles (today's total runs, success rate, mean duration, queue length, abnormal
// runs) and the trends of the last 24 hours or 7 days (success rate and mean duration, runs
// per hour or day) from GET /api/v1/stats, read again after "run.changed" events, at most
// once every refreshInterval() ms.
class DashboardView final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DashboardView)

public:
    enum class Tile { TotalRuns, SuccessRate, MeanDuration, QueueLength, AbnormalRuns };

    explicit DashboardView(Client::MasterConnection *connection, QWidget *parent = nullptr);
    ~DashboardView() override;

    // The value a tile shows ("12", "95.0 %", "1.2 s").
    QString tileText(Tile tile) const;
    // The latest answer of /api/v1/stats.
    QJsonObject stats() const { return m_stats; }
    // "24h" or "7d".
    QString range() const;
    void setRange(const QString &range);

    int refreshInterval() const { return m_intervalMs; }
    void setRefreshInterval(int ms) { m_intervalMs = qMax(0, ms); }
    // How many times the statistics were read (for tests of the rate limit).
    int refreshCount() const { return m_refreshCount; }

    // The labels of the trends' time axis, left to right: as many as the width fits.
    QStringList timeAxisLabels() const;
    QChart *trendChart() const;

    // Reads the statistics now (unless a read is under way: then once more after it).
    void refresh();

signals:
    void refreshed();

private:
    void scheduleRefresh();
    void showStats(const QJsonObject &stats);

    QPointer<Client::MasterConnection> m_connection;
    LiveFeed *m_feed = nullptr;
    QComboBox *m_range = nullptr;
    QLabel *m_tiles[5] = {};
    QLabel *m_message = nullptr;
    DashboardCharts *m_charts = nullptr;
    QTimer *m_timer = nullptr;
    QElapsedTimer m_sinceRefresh;
    int m_intervalMs = 2000;
    int m_refreshCount = 0;
    bool m_inFlight = false;
    bool m_again = false;
    QJsonObject m_stats;
};

}  // namespace Orrery::Gui
