#include "language.h"
#include "mainwindow.h"

#include <connect/connectionmanager.h>
#include <connect/runoverlay.h>
#include <connect/serverprofile.h>

#include <QApplication>
#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QHash>
#include <QLocale>
#include <QSettings>
#include <QTimer>

using namespace Qt::Literals::StringLiterals;

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    QApplication::setOrganizationName(u"Orrery"_s);
    QApplication::setApplicationName(u"orrery"_s);
    QApplication::setApplicationVersion(QStringLiteral(ORRERY_VERSION));

    // The language is chosen before any window exists: --lang, else the one chosen in the
    // preferences, else the system's.
    QSettings settings;
    const QStringList args = QApplication::arguments();
    QString lang;
    for (int i = 1; i < args.size(); ++i) {
        if (args.at(i).startsWith(u"--lang="_s))
            lang = args.at(i).mid(7);
        else if (args.at(i) == u"--lang"_s && i + 1 < args.size())
            lang = args.at(i + 1);
    }
    const QLocale locale = Orrery::Gui::chooseInterfaceLocale(
            lang, Orrery::Gui::languageSetting(settings), QLocale::system());
    QLocale::setDefault(locale);
    const Orrery::Gui::Translators translators(locale);

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
    parser.addOption({u"server"_s,
                      QApplication::translate("main",
                                              "Connect to this master (wss://host:port) with the "
                                              "API token in the environment variable "
                                              "ORRERY_TOKEN, instead of the last server used."),
                      u"url"_s});
    parser.addOption({u"ca-file"_s,
                      QApplication::translate("main", "With --server: trust the CA in this file."),
                      u"pem"_s});
    parser.addOption({u"fingerprint"_s,
                      QApplication::translate("main",
                                              "With --server: trust the certificate with this "
                                              "SHA-256 fingerprint."),
                      u"sha256"_s});
    parser.addOption(
            {u"show-run"_s,
             QApplication::translate("main", "Show the states of this pipeline run on the graph."),
             u"id"_s});
    parser.addOption({u"view"_s,
                      QApplication::translate("main",
                                              "The page to show first: editor, jobs, runs, nodes "
                                              "or dashboard."),
                      u"page"_s});
    parser.addPositionalArgument(u"file"_s,
                                 QApplication::translate("main", "A pipeline YAML file to open."),
                                 u"[file]"_s);
    parser.process(app);

    Orrery::Gui::MainWindow window(&settings);
    window.show();
    if (!parser.positionalArguments().isEmpty())
        window.openFile(parser.positionalArguments().first());

    using Page = Orrery::Gui::MainWindow::Page;
    const QHash<QString, Page> pages{{u"editor"_s, Page::Editor},
                                     {u"jobs"_s, Page::Jobs},
                                     {u"runs"_s, Page::Runs},
                                     {u"nodes"_s, Page::Nodes},
                                     {u"dashboard"_s, Page::Dashboard}};
    if (parser.isSet(u"view"_s)) {
        const QString page = parser.value(u"view"_s);
        if (!pages.contains(page)) {
            qCritical("orrery: --view: one of editor, jobs, runs, nodes, dashboard");
            return 2;
        }
        window.showPage(pages.value(page));
    }

    Orrery::Connect::ConnectionManager *manager = window.connectionManager();
    if (parser.isSet(u"server"_s)) {
        const auto profile = Orrery::Connect::makeProfile(QString(), parser.value(u"server"_s),
                                                          parser.value(u"ca-file"_s),
                                                          parser.value(u"fingerprint"_s));
        if (!profile) {
            qCritical("orrery: --%s: %s", qPrintable(profile.error().file),
                      qPrintable(profile.error().message));
            return 2;
        }
        const auto started = manager->connectTo(*profile, qEnvironmentVariable("ORRERY_TOKEN"));
        if (!started) {
            qCritical("orrery: %s", qPrintable(started.error().message));
            return 2;
        }
    } else {
        manager->connectToLastUsed();
    }
    const qint64 showRun = parser.value(u"show-run"_s).toLongLong();
    if (showRun > 0) {
        QObject::connect(manager, &Orrery::Connect::ConnectionManager::connected, &window,
                         [&window, showRun] {
                             if (window.overlay()->pipelineRunId() != showRun)
                                 window.showPipelineRun(showRun);
                         });
    }

    if (parser.isSet(u"screenshot"_s)) {
        // Once what was asked for is there (connected, the run's states drawn), or after 15 s.
        const QString png = parser.value(u"screenshot"_s);
        const bool online = parser.isSet(u"server"_s);
        auto *poll = new QTimer(&window);
        auto *clock = new QElapsedTimer;
        clock->start();
        QObject::connect(
                poll, &QTimer::timeout, &window, [&window, poll, clock, png, online, showRun] {
                    const bool ready = (!online || window.connection()->isConnected())
                                       && (showRun <= 0 || !window.overlay()->jobs().isEmpty());
                    if (!ready && clock->elapsed() < 15000)
                        return;
                    poll->stop();
                    delete clock;
                    // Let the last events paint.
                    QTimer::singleShot(500, &window, [&window, png] {
                        const bool saved = window.grab().save(png);
                        QCoreApplication::exit(saved ? 0 : 1);
                    });
                });
        poll->start(100);
    }
    return QApplication::exec();
}
