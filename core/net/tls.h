#pragma once

#include <model/result.h>

#include <QSslConfiguration>
#include <QString>

namespace Orrery::Net {

// The master's side of TLS: its certificate chain and key, and for mutual TLS the CA that
// signs agent certificates.
struct ServerTlsFiles
{
    QString certificate;  // PEM, the server certificate (chain) — master.crt
    QString privateKey;   // PEM (PKCS#8 or traditional), unencrypted — master.key
    QString clientCa;     // PEM; empty = no client certificates are asked for
    // Mutual TLS for agents (needs clientCa): the handshake asks every peer for a certificate
    // but does not require one, since clients with API tokens share the ports; the master
    // refuses an agent whose certificate verifyClientCertificate() (pki.h) does not accept.
    bool requireClientCertificate = false;
};

// The client's side: the CA it pins (only certificates signed by it are accepted, the
// system store is not used) and, for mutual TLS, its own certificate and key.
struct ClientTlsFiles
{
    QString ca;           // PEM; required
    QString certificate;  // PEM; empty = no client certificate
    QString privateKey;   // PEM; required with certificate
};

// TLS 1.2 or newer. Io errors name the file (file = path) and say what is wrong with it
// (missing, unreadable, not a PEM certificate/key, key does not match the certificate).
Result<QSslConfiguration> serverTlsConfiguration(const ServerTlsFiles &files);
Result<QSslConfiguration> clientTlsConfiguration(const ClientTlsFiles &files);

}  // namespace Orrery::Net
