#pragma once

// Internal to Orrery::Config: a small block-style YAML writer with full control over
// quoting, so that the canonical output is stable and reads back to the same values.

#include <QByteArray>
#include <QString>

namespace Orrery::Config::Internal {

class YamlWriter
{
public:
    // `key: value` where value is already YAML (a number, a quoted string...).
    void raw(int indent, const QString &key, const QString &yamlValue);
    // `key: value` choosing plain, double-quoted or a literal block for multi-line text.
    void string(int indent, const QString &key, const QString &value);
    // `key: "value"` always double-quoted (cron strings).
    void quoted(int indent, const QString &key, const QString &value);
    // `key:` opening a nested map or list.
    void open(int indent, const QString &key);
    // The next line written starts a list item (`- `) two columns left of its indent.
    void beginItem() { m_item = true; }

    QByteArray data() const { return m_out; }

    static QString scalar(const QString &value);  // plain when safe, else double-quoted
    static QString doubleQuoted(const QString &value);

private:
    void line(int indent, const QString &text);

    QByteArray m_out;
    bool m_item = false;
};

}  // namespace Orrery::Config::Internal
