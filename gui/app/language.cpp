#include "language.h"

#include <QCoreApplication>
#include <QLibraryInfo>
#include <QSettings>
#include <QTranslator>

using namespace Qt::Literals::StringLiterals;

namespace Orrery::Gui {

namespace {
const QString kLanguageKey = u"ui/language"_s;
}  // namespace

QList<InterfaceLanguage> interfaceLanguages()
{
    return {{QString(), QString()}, {u"en"_s, u"English"_s}, {u"zh_CN"_s, u"简体中文"_s}};
}

QString languageSetting(const QSettings &settings)
{
    return settings.value(kLanguageKey).toString();
}

void setLanguageSetting(QSettings &settings, const QString &code)
{
    if (code.isEmpty())
        settings.remove(kLanguageKey);
    else
        settings.setValue(kLanguageKey, code);
}

QLocale chooseInterfaceLocale(const QString &commandLine, const QString &setting,
                              const QLocale &system)
{
    if (!commandLine.isEmpty())
        return QLocale(commandLine);
    if (!setting.isEmpty()) {
        for (const InterfaceLanguage &language : interfaceLanguages()) {
            if (language.code == setting)
                return QLocale(setting);
        }
    }
    return system;
}

Translators::Translators(const QLocale &locale)
    : m_qt(std::make_unique<QTranslator>()), m_orrery(std::make_unique<QTranslator>())
{
    if (m_qt->load(locale, u"qtbase"_s, u"_"_s, QLibraryInfo::path(QLibraryInfo::TranslationsPath)))
        QCoreApplication::installTranslator(m_qt.get());
    if (m_orrery->load(locale, u"orrery"_s, u"_"_s, u":/i18n"_s))
        QCoreApplication::installTranslator(m_orrery.get());
}

Translators::~Translators()
{
    QCoreApplication::removeTranslator(m_orrery.get());
    QCoreApplication::removeTranslator(m_qt.get());
}

QString Translators::orreryFile() const
{
    return m_orrery->filePath();
}

}  // namespace Orrery::Gui
