#pragma once

#include <model/result.h>

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QString>

namespace Orrery::Protocol {

// The protocol version this build sends.
inline constexpr int kCurrentVersion = 1;
// Every version this build accepts ("v"), oldest first.
const QList<int> &supportedVersions();

struct Limits
{
    qsizetype maxMessageBytes = 1024 * 1024;  // a frame longer than this is refused unparsed
    int maxDepth = 32;                        // arrays/objects nested deeper are refused unparsed
};

// {"v": 1, "type": "...", "id": "...", "re": "...", "body": {...}}; "re" (the id of the message
// this one answers) is optional and left out when empty.
struct Envelope
{
    int version = kCurrentVersion;
    QString type;
    QString id;
    QString re;
    QJsonObject body;

    friend bool operator==(const Envelope &, const Envelope &) = default;
};

// Parses and checks one frame: its size and nesting depth, the JSON, the envelope fields, the
// version, the type, and the body against the type's schema (see messages.h). Errors carry
// the field path in Error::file ("body.exit_code", "v") and, for Syntax, the 1-based byte
// offset in Error::column. Unknown keys are ignored, in the envelope and in bodies.
Result<Envelope> decode(const QByteArray &frame, const Limits &limits = {});

// Compact JSON, keys in sorted order.
QByteArray encode(const Envelope &envelope);

// The "id" of a frame that decode() refused, when it can still be read (the frame is within
// the limits, is a JSON object and has a string id); otherwise empty. For the "re" of the
// error reply.
QString readableId(const QByteArray &frame, const Limits &limits = {});

}  // namespace Orrery::Protocol
