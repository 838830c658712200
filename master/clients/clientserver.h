#pragma once

#include <QObject>
#include <QString>

#include <memory>

namespace Orrery {
class Store;
namespace Net {
class Channel;
}
}  // namespace Orrery

namespace Orrery::Master {

class Engine;
class RestApi;

struct ClientServerOptions
{
    // A client whose unsent outgoing data (events and responses the network has not taken
    // yet) passes this many bytes is dropped with close code 1008 and reason "slow_client".
    qint64 maxQueuedBytes = 8 * 1024 * 1024;
    // Every session's token is checked again this often (besides every request and
    // subscription), so a revoked token stops receiving events too. 0 = only on use.
    int tokenRecheckMs = 30000;
};

// The master's side of client connections (the GUI, tools) on the agent port. A connection's
// first message says what the peer is: `auth` makes it a client session, anything else
// (`hello`, `enrol`) hands the connection and that message to Engine::attachAgent.
//
// A session answers `request` with RestApi::handle() (the same routes, roles and audit as
// HTTPS, with the session's token checked again on every call, so a revoked token stops at
// once) and pushes `event`s for the topics it subscribed to, built from the Engine's signals
// with the REST API's JSON views.
//
// Single-threaded, in the Engine's thread. Engine and RestApi must outlive it.
class ClientServer final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ClientServer)

public:
    ClientServer(Engine &engine, RestApi &api, const ClientServerOptions &options,
                 QObject *parent = nullptr);
    ~ClientServer() override;

    // Connect WssServer::connected here (instead of Engine::attachAgent).
    void attachChannel(Net::Channel *channel);

    // Authenticated client sessions open now.
    int sessionCount() const;

signals:
    // A session ended (closed by either side, dropped as slow); for logs and tests.
    void sessionClosed(const QString &user, const QString &reason);

private:
    struct Private;
    std::unique_ptr<Private> d;
};

}  // namespace Orrery::Master
