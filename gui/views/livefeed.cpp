#include "livefeed.h"

#include <QHash>
#include <QTimer>

using namespace Qt::Literals::StringLiterals;

namespace Orrery::Gui {

namespace {

// How many feeds hold each topic of one connection; a child of the connection.
class TopicCounts final : public QObject
{
public:
    explicit TopicCounts(QObject *parent) : QObject(parent)
    {
        setObjectName(u"orrery-gui-topic-counts"_s);
    }

    static TopicCounts *of(Client::MasterConnection *connection)
    {
        auto *counts = connection->findChild<TopicCounts *>(u"orrery-gui-topic-counts"_s,
                                                            Qt::FindDirectChildrenOnly);
        return counts ? counts : new TopicCounts(connection);
    }

    QHash<QString, int> held;
};

}  // namespace

LiveFeed::LiveFeed(Client::MasterConnection *connection, QObject *parent)
    : QObject(parent), m_connection(connection)
{
    if (!m_connection)
        return;
    connect(m_connection, &Client::MasterConnection::subscribed, this, &LiveFeed::onSubscribed);
    connect(m_connection, &Client::MasterConnection::stateChanged, this, &LiveFeed::onStateChanged);
    connect(m_connection, &Client::MasterConnection::event, this,
            [this](const QString &topic, const QString &kind, const QJsonObject &data) {
                if (m_topics.contains(topic))
                    emit event(topic, kind, data);
            });
}

LiveFeed::~LiveFeed()
{
    setTopics({});
}

void LiveFeed::setTopics(const QStringList &topics)
{
    if (!m_connection) {
        m_topics = topics;
        return;
    }
    TopicCounts *counts = TopicCounts::of(m_connection);
    QStringList added;
    bool alreadyHeld = true;
    for (const QString &topic : topics) {
        if (m_topics.contains(topic))
            continue;
        if (counts->held[topic]++ == 0) {
            added.append(topic);
            alreadyHeld = false;
        }
    }
    QStringList removed;
    for (const QString &topic : std::as_const(m_topics)) {
        if (topics.contains(topic))
            continue;
        if (--counts->held[topic] <= 0) {
            counts->held.remove(topic);
            removed.append(topic);
        }
    }
    m_topics = topics;
    if (!removed.isEmpty())
        m_connection->unsubscribe(removed);
    if (topics.isEmpty())
        return;
    m_needLoad = true;
    if (!added.isEmpty()) {
        m_connection->subscribe(added);  // subscribed() follows
    } else if (alreadyHeld && m_connection->isConnected()) {
        // Another feed holds every topic: the master sends them already.
        QTimer::singleShot(0, this, [this] { onSubscribed(m_topics); });
    }
}

void LiveFeed::onSubscribed(const QStringList &confirmed)
{
    if (!m_needLoad || m_topics.isEmpty() || !m_connection || !m_connection->isConnected())
        return;
    for (const QString &topic : std::as_const(m_topics)) {
        if (!confirmed.contains(topic))
            return;
    }
    m_needLoad = false;
    emit reloadNeeded();
}

void LiveFeed::onStateChanged(Client::MasterConnection::State state)
{
    if (state != Client::MasterConnection::State::Connected)
        m_needLoad = true;
}

}  // namespace Orrery::Gui
