// The interface language: which locale the application starts in (--lang, the preference,
// the system), how the preference is stored, and that the chosen locale's translator is the
// one installed.

#include <language.h>

#include <QCoreApplication>
#include <QSettings>
#include <QTemporaryDir>
#include <QTest>

using namespace Orrery::Gui;
using namespace Qt::Literals::StringLiterals;

class tst_Language : public QObject
{
    Q_OBJECT

private slots:
    void choices();
    void chooseInterfaceLocale_data();
    void chooseInterfaceLocale();
    void settingIsStored();
    void settingChoosesTheTranslator_data();
    void settingChoosesTheTranslator();
};

void tst_Language::choices()
{
    QStringList codes;
    for (const InterfaceLanguage &language : interfaceLanguages())
        codes.append(language.code);
    QCOMPARE(codes, (QStringList{QString(), u"en"_s, u"zh_CN"_s}));
    QCOMPARE(interfaceLanguages().at(2).nativeName, u"简体中文"_s);
}

void tst_Language::chooseInterfaceLocale_data()
{
    QTest::addColumn<QString>("commandLine");
    QTest::addColumn<QString>("setting");
    QTest::addColumn<QString>("system");
    QTest::addColumn<QString>("expected");
    QTest::newRow("system-when-nothing-chosen")
            << QString() << QString() << u"zh_CN"_s << u"zh_CN"_s;
    QTest::newRow("setting-over-system") << QString() << u"zh_CN"_s << u"en_US"_s << u"zh_CN"_s;
    QTest::newRow("english-on-a-chinese-system") << QString() << u"en"_s << u"zh_CN"_s << u"en"_s;
    QTest::newRow("command-line-over-setting") << u"en"_s << u"zh_CN"_s << u"zh_CN"_s << u"en"_s;
    QTest::newRow("unknown-setting-is-ignored") << QString() << u"fr"_s << u"en_GB"_s << u"en_GB"_s;
}

void tst_Language::chooseInterfaceLocale()
{
    QFETCH(QString, commandLine);
    QFETCH(QString, setting);
    QFETCH(QString, system);
    QFETCH(QString, expected);
    QCOMPARE(Orrery::Gui::chooseInterfaceLocale(commandLine, setting, QLocale(system)),
             QLocale(expected));
}

void tst_Language::settingIsStored()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QSettings settings(dir.filePath(u"orrery.ini"_s), QSettings::IniFormat);
    QCOMPARE(languageSetting(settings), QString());
    setLanguageSetting(settings, u"zh_CN"_s);
    QCOMPARE(settings.value(u"ui/language"_s).toString(), u"zh_CN"_s);
    QCOMPARE(languageSetting(settings), u"zh_CN"_s);
    setLanguageSetting(settings, QString());  // the system's again: nothing stored
    QVERIFY(!settings.contains(u"ui/language"_s));
}

void tst_Language::settingChoosesTheTranslator_data()
{
    QTest::addColumn<QString>("setting");
    QTest::addColumn<QString>("system");
    QTest::addColumn<QString>("file");
    QTest::addColumn<QString>("fileMenu");
    QTest::newRow("chinese") << u"zh_CN"_s << u"en_US"_s << u":/i18n/orrery_zh_CN.qm"_s
                             << u"文件(&F)"_s;
    QTest::newRow("english-on-a-chinese-system")
            << u"en"_s << u"zh_CN"_s << u":/i18n/orrery_en.qm"_s << u"&File"_s;
    QTest::newRow("system-chinese")
            << QString() << u"zh_CN"_s << u":/i18n/orrery_zh_CN.qm"_s << u"文件(&F)"_s;
}

void tst_Language::settingChoosesTheTranslator()
{
    QFETCH(QString, setting);
    QFETCH(QString, system);
    QFETCH(QString, file);
    QFETCH(QString, fileMenu);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QSettings settings(dir.filePath(u"orrery.ini"_s), QSettings::IniFormat);
    setLanguageSetting(settings, setting);
    const auto translate
            = [] { return QCoreApplication::translate("Orrery::Gui::MainWindow", "&File"); };
    QCOMPARE(translate(), u"&File"_s);
    {
        const Translators translators(Orrery::Gui::chooseInterfaceLocale(
                QString(), languageSetting(settings), QLocale(system)));
        QCOMPARE(translators.orreryFile(), file);
        QCOMPARE(translate(), fileMenu);
    }
    QCOMPARE(translate(), u"&File"_s);  // removed with the translators
}

QTEST_GUILESS_MAIN(tst_Language)
#include "tst_language.moc"
