#pragma once

#include <QString>

namespace Orrery::Master {

// A node's secret from enrolment. The master keeps only "sha256:<salt>:<hash>" (base64 of a
// 16-byte random salt and of SHA-256(salt || credential)); the agent keeps the plaintext.
QString newCredential();
QString hashCredential(const QString &credential);
// Constant-time comparison against a stored hash; false for an empty or malformed hash.
bool verifyCredential(const QString &credential, const QString &storedHash);

}  // namespace Orrery::Master
