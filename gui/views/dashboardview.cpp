#include "dashboardview.h"

#include "livefeed.h"
#include "viewformat.h"

#include <QBarSeries>
#include <QBarSet>
#include <QCategoryAxis>
#include <QChart>
#include <QChartView>
#include <QComboBox>
#include <QFontMetrics>
#include <QFrame>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QJsonArray>
#include <QLabel>
#include <QLineSeries>
#include <QTimeZone>
#include <QTimer>
#include <QUrl>
#include <QVBoxLayout>
#include <QValueAxis>

using namespace Qt::Literals::StringLiterals;

namespace Orrery::Gui {

// The two charts: success rate and mean duration per bucket, and runs per bucket.
class DashboardCharts final : public QWidget
{
public:
    explicit DashboardCharts(QWidget *parent) : QWidget(parent)
    {
        m_trend = new QChart;
        m_trend->setTitle(DashboardView::tr("Success rate and mean duration"));
        m_rate = new QLineSeries(m_trend);
        m_rate->setName(DashboardView::tr("Success rate (%)"));
        m_duration = new QLineSeries(m_trend);
        m_duration->setName(DashboardView::tr("Mean duration (s)"));
        // Points too: an hour with runs between empty hours is a single point.
        m_rate->setPointsVisible(true);
        m_duration->setPointsVisible(true);
        m_trend->addSeries(m_rate);
        m_trend->addSeries(m_duration);
        m_trendX = new QCategoryAxis(m_trend);
        m_rateY = new QValueAxis(m_trend);
        m_rateY->setRange(0, 100);
        m_rateY->setLabelFormat(u"%d"_s);
        m_durationY = new QValueAxis(m_trend);
        m_durationY->setLabelFormat(u"%.1f"_s);
        m_trend->addAxis(m_trendX, Qt::AlignBottom);
        m_trend->addAxis(m_rateY, Qt::AlignLeft);
        m_trend->addAxis(m_durationY, Qt::AlignRight);
        m_rate->attachAxis(m_trendX);
        m_rate->attachAxis(m_rateY);
        m_duration->attachAxis(m_trendX);
        m_duration->attachAxis(m_durationY);

        m_volume = new QChart;
        m_runs = new QBarSet(DashboardView::tr("Runs"));
        m_abnormal = new QBarSet(DashboardView::tr("Abnormal"));
        m_runs->setColor(QColor(0x42, 0x85, 0xf4));
        m_abnormal->setColor(QColor(0xc6, 0x28, 0x28));
        m_bars = new QBarSeries(m_volume);
        m_bars->append({m_runs, m_abnormal});
        m_volume->addSeries(m_bars);
        m_volumeX = new QCategoryAxis(m_volume);
        m_volumeY = new QValueAxis(m_volume);
        m_volumeY->setLabelFormat(u"%d"_s);
        m_volume->addAxis(m_volumeX, Qt::AlignBottom);
        m_volume->addAxis(m_volumeY, Qt::AlignLeft);
        m_bars->attachAxis(m_volumeX);
        m_bars->attachAxis(m_volumeY);

        for (QChart *chart : {m_trend, m_volume}) {
            chart->legend()->setAlignment(Qt::AlignBottom);
            chart->setMargins(QMargins(4, 4, 4, 4));
            // The time axis labels as many buckets as fit the chart's width.
            connect(chart, &QChart::plotAreaChanged, this, [this] { relabel(); });
        }
        for (QCategoryAxis *axis : {m_trendX, m_volumeX})
            axis->setLabelsPosition(QCategoryAxis::AxisLabelsPositionOnValue);
        auto *trendView = new QChartView(m_trend, this);
        auto *volumeView = new QChartView(m_volume, this);
        for (QChartView *view : {trendView, volumeView}) {
            view->setRenderHint(QPainter::Antialiasing);
            view->setMinimumHeight(220);
        }
        auto *layout = new QVBoxLayout(this);
        layout->setContentsMargins(0, 0, 0, 0);
        layout->addWidget(trendView, 1);
        layout->addWidget(volumeView, 1);
    }

    void setBuckets(const QJsonArray &buckets, bool byDay)
    {
        m_volume->setTitle(byDay ? DashboardView::tr("Runs per day")
                                 : DashboardView::tr("Runs per hour"));
        m_starts.clear();
        m_byDay = byDay;
        QList<QPointF> rate;
        QList<QPointF> duration;
        QList<qreal> runs;
        QList<qreal> abnormal;
        double longest = 0;
        double most = 0;
        for (qsizetype i = 0; i < buckets.size(); ++i) {
            const QJsonObject b = buckets.at(i).toObject();
            m_starts.append(instantValue(b.value(u"start"_s)).toLocalTime());
            if (b.value(u"success_rate"_s).isDouble())
                rate.append(QPointF(double(i), b.value(u"success_rate"_s).toDouble() * 100.0));
            if (b.value(u"mean_duration_ms"_s).isDouble()) {
                const double secs = b.value(u"mean_duration_ms"_s).toDouble() / 1000.0;
                duration.append(QPointF(double(i), secs));
                longest = qMax(longest, secs);
            }
            runs.append(b.value(u"runs"_s).toDouble());
            abnormal.append(b.value(u"abnormal"_s).toDouble());
            most = qMax(most, runs.last());
        }
        m_labelled = -1;
        relabel();
        m_rate->replace(rate);
        m_duration->replace(duration);
        m_durationY->setRange(0, longest > 0 ? longest * 1.1 : 1.0);
        m_runs->remove(0, m_runs->count());
        m_runs->append(runs);
        m_abnormal->remove(0, m_abnormal->count());
        m_abnormal->append(abnormal);
        m_volumeY->setRange(0, qMax(1.0, most));
        m_volumeY->applyNiceNumbers();
    }

    // The labels of the time axis (the same on both charts), left to right.
    QStringList timeLabels() const { return m_trendX->categoriesLabels(); }
    QChart *trendChart() const { return m_trend; }

private:
    // Labels the buckets that fit: "14:00" (or "11-26" by day) every so many buckets, at
    // least a label's width and a gap apart.
    void relabel()
    {
        const QString widest = m_byDay ? u"00-00"_s : u"00:00"_s;
        const qreal spacing
                = QFontMetrics(m_trendX->labelsFont()).horizontalAdvance(widest) * 1.6 + 8;
        const qreal width = qMin(m_trend->plotArea().width(), m_volume->plotArea().width());
        const int fit = width > 0 ? int(width / spacing) : 8;
        if (fit == m_labelled)
            return;
        m_labelled = fit;
        const QList<int> labelled = timeAxisLabelBuckets(m_starts, m_byDay, fit);
        for (QCategoryAxis *axis : {m_trendX, m_volumeX}) {
            for (const QString &label : axis->categoriesLabels())
                axis->remove(label);
            axis->setStartValue(-0.5);
            for (const int i : labelled) {
                axis->append(m_starts.at(i).toString(m_byDay ? u"MM-dd"_s : u"HH:mm"_s), double(i));
            }
            axis->setRange(-0.5, qMax<qreal>(0.5, qreal(m_starts.size()) - 0.5));
        }
    }

    QList<QDateTime> m_starts;  // of the buckets shown, local time
    bool m_byDay = false;
    int m_labelled = -1;  // the number of labels that fitted at the last relabel()
    QChart *m_trend = nullptr;
    QLineSeries *m_rate = nullptr;
    QLineSeries *m_duration = nullptr;
    QCategoryAxis *m_trendX = nullptr;
    QValueAxis *m_rateY = nullptr;
    QValueAxis *m_durationY = nullptr;
    QChart *m_volume = nullptr;
    QBarSet *m_runs = nullptr;
    QBarSet *m_abnormal = nullptr;
    QBarSeries *m_bars = nullptr;
    QCategoryAxis *m_volumeX = nullptr;
    QValueAxis *m_volumeY = nullptr;
};

DashboardView::DashboardView(Client::MasterConnection *connection, QWidget *parent)
    : QWidget(parent)
    , m_connection(connection)
    , m_feed(new LiveFeed(connection, this))
    , m_timer(new QTimer(this))
{
    m_timer->setSingleShot(true);
    m_range = new QComboBox(this);
    m_range->addItem(tr("Last 24 hours"), u"24h"_s);
    m_range->addItem(tr("Last 7 days"), u"7d"_s);
    m_message = new QLabel(this);
    m_message->setStyleSheet(u"color: #c62828"_s);
    m_message->hide();

    const QString titles[5] = {tr("Runs today"), tr("Success rate"), tr("Mean duration"),
                               tr("Queue length"), tr("Abnormal runs")};
    const QString hints[5] = {tr("Runs created since midnight"),
                              tr("Successful runs among those that ended by themselves today"),
                              tr("Mean duration of today's finished runs (last attempt)"),
                              tr("Runs waiting for a node now"),
                              tr("Runs that failed, timed out or were lost today")};
    auto *tiles = new QGridLayout;
    for (int i = 0; i < 5; ++i) {
        auto *frame = new QFrame(this);
        frame->setFrameShape(QFrame::StyledPanel);
        frame->setToolTip(hints[i]);
        auto *title = new QLabel(titles[i], frame);
        m_tiles[i] = new QLabel(u"\u2013"_s, frame);
        QFont big = m_tiles[i]->font();
        big.setPointSizeF(big.pointSizeF() * 2.0);
        big.setBold(true);
        m_tiles[i]->setFont(big);
        auto *tileLayout = new QVBoxLayout(frame);
        tileLayout->addWidget(title);
        tileLayout->addWidget(m_tiles[i]);
        tiles->addWidget(frame, 0, i);
    }
    m_charts = new DashboardCharts(this);

    auto *top = new QHBoxLayout;
    top->addWidget(m_message, 1);
    top->addStretch();
    top->addWidget(new QLabel(tr("Trends:"), this));
    top->addWidget(m_range);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addLayout(tiles);
    layout->addWidget(m_charts, 1);

    connect(m_range, &QComboBox::currentIndexChanged, this, &DashboardView::refresh);
    connect(m_timer, &QTimer::timeout, this, &DashboardView::refresh);
    connect(m_feed, &LiveFeed::reloadNeeded, this, &DashboardView::refresh);
    connect(m_feed, &LiveFeed::event, this, [this](const QString &, const QString &kind) {
        if (kind == u"run.changed"_s)
            scheduleRefresh();
    });
    m_feed->setTopics({u"runs"_s});
}

DashboardView::~DashboardView() = default;

QString DashboardView::tileText(Tile tile) const
{
    return m_tiles[int(tile)]->text();
}

QStringList DashboardView::timeAxisLabels() const
{
    return m_charts->timeLabels();
}

QChart *DashboardView::trendChart() const
{
    return m_charts->trendChart();
}

QString DashboardView::range() const
{
    return m_range->currentData().toString();
}

void DashboardView::setRange(const QString &range)
{
    const int index = m_range->findData(range);
    if (index >= 0)
        m_range->setCurrentIndex(index);
}

void DashboardView::scheduleRefresh()
{
    if (m_timer->isActive())
        return;
    const qint64 since = m_sinceRefresh.isValid() ? m_sinceRefresh.elapsed() : m_intervalMs;
    m_timer->start(int(qMax<qint64>(0, m_intervalMs - since)));
}

void DashboardView::refresh()
{
    if (!m_connection)
        return;
    if (m_inFlight) {
        m_again = true;
        return;
    }
    m_timer->stop();
    m_inFlight = true;
    m_sinceRefresh.start();
    ++m_refreshCount;
    const QPointer<DashboardView> self(this);
    const QString requestedRange = range();
    const QString query = u"range=%1&tz=%2"_s.arg(
            requestedRange, QString::fromLatin1(QUrl::toPercentEncoding(
                                    QString::fromUtf8(QTimeZone::systemTimeZoneId()))));
    m_connection->request(
            u"GET"_s, u"/api/v1/stats"_s, QJsonValue(),
            [self, requestedRange](const Client::ApiReply &reply) {
                if (!self)
                    return;
                self->m_inFlight = false;
                if (requestedRange != self->range()) {
                    // The range changed while this answer was on its way: it
                    // would show the old range for a moment, so ask again.
                    self->m_again = false;
                    self->refresh();
                    return;
                }
                if (reply.ok()) {
                    self->m_message->hide();
                    self->showStats(reply.object());
                } else {
                    self->m_message->setText(
                            tr("Could not read the statistics: %1").arg(replyErrorText(reply)));
                    self->m_message->show();
                }
                if (std::exchange(self->m_again, false))
                    self->scheduleRefresh();
                emit self->refreshed();
            },
            query);
}

void DashboardView::showStats(const QJsonObject &stats)
{
    m_stats = stats;
    const auto number = [&stats](const QString &key) { return stats.value(key); };
    m_tiles[int(Tile::TotalRuns)]->setText(QString::number(number(u"total_runs"_s).toInteger()));
    const QJsonValue rate = number(u"success_rate"_s);
    m_tiles[int(Tile::SuccessRate)]->setText(
            rate.isDouble() ? tr("%1 %").arg(rate.toDouble() * 100.0, 0, 'f', 1) : u"\u2013"_s);
    const QJsonValue mean = number(u"mean_duration_ms"_s);
    m_tiles[int(Tile::MeanDuration)]->setText(
            mean.isDouble() ? durationText(qint64(mean.toDouble())) : u"\u2013"_s);
    m_tiles[int(Tile::QueueLength)]->setText(
            QString::number(number(u"queue_length"_s).toInteger()));
    const qint64 abnormal = number(u"abnormal_runs"_s).toInteger();
    m_tiles[int(Tile::AbnormalRuns)]->setText(QString::number(abnormal));
    m_tiles[int(Tile::AbnormalRuns)]->setStyleSheet(abnormal > 0 ? u"color: #c62828"_s : QString());
    m_charts->setBuckets(stats.value(u"buckets"_s).toArray(), stats.value(u"range"_s) == u"7d"_s);
}

}  // namespace Orrery::Gui
