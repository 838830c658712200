#include "node.h"

namespace Orrery {

bool Node::matches(const QMap<QString, QString> &selector) const
{
    for (auto it = selector.cbegin(); it != selector.cend(); ++it) {
        const auto found = labels.constFind(it.key());
        if (found == labels.cend() || found.value() != it.value())
            return false;
    }
    return true;
}

} // namespace Orrery
