#include "editortestutils.h"

#include <config/pipelinefile.h>
#include <editor/graphscene.h>
#include <editor/graphview.h>
#include <editor/pipelinedocument.h>
#include <mainwindow.h>

#include <QApplication>
#include <QDockWidget>
#include <QLineEdit>
#include <QMenuBar>
#include <QRegularExpression>
#include <QSettings>
#include <QTemporaryDir>
#include <QTest>
#include <QTranslator>

using namespace Orrery;
using namespace Orrery::Editor;
using namespace EditorTest;
using namespace Qt::Literals::StringLiterals;

class tst_MainWindow : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void openEditSaveReopen();
    void findCentresAndSelects();
    void directionAndWindowStateAreRemembered();
    void chineseTranslationIsComplete();

private:
    QTemporaryDir m_dir;
    std::unique_ptr<QSettings> m_settings;
};

void tst_MainWindow::init()
{
    QVERIFY(m_dir.isValid());
    m_settings
            = std::make_unique<QSettings>(m_dir.filePath(u"settings.ini"_s), QSettings::IniFormat);
    m_settings->clear();
}

void tst_MainWindow::openEditSaveReopen()
{
    Gui::MainWindow window(m_settings.get());
    window.show();
    window.activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(&window));
    QVERIFY(window.openFile(seedPipelinePath(), true));
    QCOMPARE(window.document()->jobCount(), 3);
    QVERIFY(window.windowTitle().startsWith(u"pipeline.yaml"_s));
    QVERIFY(!window.isWindowModified());
    QVERIFY(!window.openFile(m_dir.filePath(u"missing.yaml"_s), true));
    QCOMPARE(window.document()->jobCount(), 3);

    // Ctrl+J adds a job (the graph has the focus), Ctrl+Z takes it back, Ctrl+Y redoes it.
    window.view()->setFocus();
    QTest::keyClick(&window, Qt::Key_J, Qt::ControlModifier);
    QCOMPARE(window.document()->jobCount(), 4);
    QVERIFY(window.isWindowModified());
    QTest::keyClick(&window, Qt::Key_Z, Qt::ControlModifier);
    QCOMPARE(window.document()->jobCount(), 3);
    QTest::keyClick(&window, Qt::Key_Y, Qt::ControlModifier);
    QCOMPARE(window.document()->jobCount(), 4);

    const QString path = m_dir.filePath(u"saved.yaml"_s);
    QVERIFY(window.saveFile(path));
    QVERIFY(!window.isWindowModified());
    QCOMPARE(Config::loadPipeline(path).value(), window.document()->pipeline());
}

void tst_MainWindow::findCentresAndSelects()
{
    Gui::MainWindow window(m_settings.get());
    window.show();
    window.activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(&window));
    QVERIFY(window.openFile(seedPipelinePath(), true));
    auto *find = window.findChild<QLineEdit *>(u"findJob"_s);
    QVERIFY(find);
    QTest::keyClick(&window, Qt::Key_F, Qt::ControlModifier);
    QTRY_VERIFY(find->hasFocus());
    QTest::keyClicks(find, u"transform"_s);
    QTest::keyClick(find, Qt::Key_Return);
    const JobId id = window.document()->idOf(u"data_transform"_s);
    QCOMPARE(window.scene()->currentJob(), id);
}

void tst_MainWindow::directionAndWindowStateAreRemembered()
{
    {
        Gui::MainWindow window(m_settings.get());
        window.show();
        // (above the minimum height that the Runs and Dashboard pages need)
        window.resize(1000, 720);
        QAction *topDown = nullptr;
        for (QAction *a : window.findChildren<QAction *>()) {
            if (a->text() == u"Lay out &top down"_s)
                topDown = a;
        }
        QVERIFY(topDown);
        topDown->trigger();
        QCOMPARE(window.scene()->direction(), LayoutDirection::TopToBottom);
        // The editor's panels make room for the other pages and come back with the editor.
        auto *inspector = window.findChild<QDockWidget *>(u"inspectorDock"_s);
        auto *undo = window.findChild<QDockWidget *>(u"undoDock"_s);
        QVERIFY(inspector && undo);
        undo->hide();
        window.showPage(Gui::MainWindow::Page::Runs);
        QVERIFY(!inspector->isVisible());
        window.showPage(Gui::MainWindow::Page::Editor);
        QVERIFY(inspector->isVisible());
        QVERIFY(!undo->isVisible());
        undo->show();
        window.showPage(Gui::MainWindow::Page::Dashboard);  // closed on another page
        window.close();
    }
    QCOMPARE(m_settings->value(u"editor/direction"_s).toString(), u"tb"_s);
    Gui::MainWindow again(m_settings.get());
    QCOMPARE(again.scene()->direction(), LayoutDirection::TopToBottom);
    QCOMPARE(again.size(), QSize(1000, 720));
}

void tst_MainWindow::chineseTranslationIsComplete()
{
    QTranslator translator;
    QVERIFY(translator.load(QLocale(QLocale::Chinese, QLocale::China), u"orrery"_s, u"_"_s,
                            u":/i18n"_s));
    QVERIFY(QCoreApplication::installTranslator(&translator));
    {
        Gui::MainWindow window(m_settings.get());
        const QList<QAction *> menus = window.menuBar()->actions();
        QCOMPARE(menus.size(), 4);
        QCOMPARE(menus.at(0)->text(), u"文件(&F)"_s);
        QCOMPARE(menus.at(2)->text(), u"视图(&V)"_s);
        QCOMPARE(menus.at(3)->text(), u"主控(&M)"_s);
        QCOMPARE(window.connectionStatus(), u"离线"_s);
        // Every action has a Chinese text: none is left in English.
        for (QAction *a : window.findChildren<QAction *>()) {
            const QString text = a->text();
            if (text.isEmpty() || a->isSeparator() || text == u"YAML"_s)
                continue;
            static const QRegularExpression latinWord(u"^[A-Za-z&' .…]+$"_s);
            QVERIFY2(!latinWord.match(text).hasMatch(), qPrintable(text));
        }
    }
    QCoreApplication::removeTranslator(&translator);
}

QTEST_MAIN(tst_MainWindow)
#include "tst_mainwindow.moc"
