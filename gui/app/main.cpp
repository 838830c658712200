#include "mainwindow.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QLibraryInfo>
#include <QLocale>
#include <QSettings>
#include <QTimer>
#include <QTranslator>

using namespace Qt::Literals::StringLiterals;

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    QApplication::setOrganizationName(u"Orrery"_s);
    QApplication::setApplicationName(u"orrery"_s);
    QApplication::setApplicationVersion(QStringLiteral(ORRERY_VERSION));

    // The language is chosen before any window exists: --lang, else the system locale.
    QStringList args = QApplication::arguments();
    QLocale locale;
    for (int i = 1; i < args.size(); ++i) {
        if (args.at(i).startsWith(u"--lang="_s))
            locale = QLocale(args.at(i).mid(7));
        else if (args.at(i) == u"--lang"_s && i + 1 < args.size())
            locale = QLocale(args.at(i + 1));
    }
    QLocale::setDefault(locale);
    QTranslator qtTranslator;
    if (qtTranslator.load(locale, u"qtbase"_s, u"_"_s,
                          QLibraryInfo::path(QLibraryInfo::TranslationsPath)))
        QApplication::installTranslator(&qtTranslator);
    QTranslator translator;
    if (translator.load(locale, u"orrery"_s, u"_"_s, u":/i18n"_s))
        QApplication::installTranslator(&translator);

    QCommandLineParser parser;
    parser.setApplicationDescription(
            QApplication::translate("main", "Orrery: design and watch job pipelines."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addOption({u"lang"_s,
                      QApplication::translate("main", "Language of the interface (en, zh_CN)."),
                      u"locale"_s});
    parser.addOption({u"screenshot"_s,
                      QApplication::translate("main",
                                              "Save a picture of the window to <png> and quit "
                                              "(for the documentation)."),
                      u"png"_s});
    parser.addPositionalArgument(u"file"_s,
                                 QApplication::translate("main", "A pipeline YAML file to open."),
                                 u"[file]"_s);
    parser.process(app);

    QSettings settings;
    Orrery::Gui::MainWindow window(&settings);
    window.show();
    if (!parser.positionalArguments().isEmpty())
        window.openFile(parser.positionalArguments().first());
    if (parser.isSet(u"screenshot"_s)) {
        const QString png = parser.value(u"screenshot"_s);
        QTimer::singleShot(300, &window, [&window, png] {
            const bool saved = window.grab().save(png);
            QCoreApplication::exit(saved ? 0 : 1);
        });
    }
    return QApplication::exec();
}
