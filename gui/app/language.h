#pragma once

#include <QList>
#include <QLocale>
#include <QString>

#include <memory>

class QSettings;
class QTranslator;

namespace Orrery::Gui {

// The interface's language: what the user may choose in the settings, how the choice is
// stored, and the translators the application starts with. The language is applied at start,
// before any window exists; a new choice takes effect at the next start.
struct InterfaceLanguage
{
    QString code;        // the stored value: empty = follow the system, "en", "zh_CN"
    QString nativeName;  // shown as the language names itself ("简体中文"); empty for the system
};

// The choices, the system's first.
QList<InterfaceLanguage> interfaceLanguages();

// The stored choice (QSettings key "ui/language"); empty = the system's.
QString languageSetting(const QSettings &settings);
void setLanguageSetting(QSettings &settings, const QString &code);

// The locale the interface starts in: the command line's --lang, else the stored choice when
// it is one of interfaceLanguages(), else the system's locale.
QLocale chooseInterfaceLocale(const QString &commandLine, const QString &setting,
                              const QLocale &system);

// Qt's own and Orrery's translations for `locale` (Orrery's from :/i18n/orrery_<lang>.qm),
// installed on the application while this object lives.
class Translators final
{
public:
    explicit Translators(const QLocale &locale);
    ~Translators();
    Translators(const Translators &) = delete;
    Translators &operator=(const Translators &) = delete;

    // The file Orrery's strings came from (":/i18n/orrery_zh_CN.qm"), empty when none was
    // loaded (English is the source language).
    QString orreryFile() const;

private:
    std::unique_ptr<QTranslator> m_qt;
    std::unique_ptr<QTranslator> m_orrery;
};

}  // namespace Orrery::Gui
