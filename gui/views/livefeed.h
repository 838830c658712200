#pragma once

#include <client/masterconnection.h>

#include <QJsonObject>
#include <QObject>
#include <QPointer>
#include <QStringList>

namespace Orrery::Gui {

// A view's share of the master connection's event topics: subscribes to its topics (counted
// per connection, so two views on "runs" or on the same "output:<id>" do not unsubscribe each
// other), passes on the events of those topics only, and says when the view must read the
// current state through REST: once the master confirmed the subscriptions after the feed
// started or the connection came back (events of the time between are not replayed, see
// docs/protocol.md "Clients").
class LiveFeed final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(LiveFeed)

public:
    LiveFeed(Client::MasterConnection *connection, QObject *parent);
    ~LiveFeed() override;

    Client::MasterConnection *connection() const { return m_connection; }
    // Replaces the topics; reloadNeeded() follows once the new ones are confirmed.
    void setTopics(const QStringList &topics);
    QStringList topics() const { return m_topics; }

signals:
    void reloadNeeded();
    void event(const QString &topic, const QString &kind, const QJsonObject &data);

private:
    void onSubscribed(const QStringList &confirmed);
    void onStateChanged(Client::MasterConnection::State state);

    QPointer<Client::MasterConnection> m_connection;
    QStringList m_topics;
    bool m_needLoad = true;
};

}  // namespace Orrery::Gui
