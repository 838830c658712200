// Edit > Preferences: the language choice is shown, stored on OK (not on Cancel), and the
// window says that it applies at the next start.

#include <mainwindow.h>
#include <settingsdialog.h>

#include <QAction>
#include <QApplication>
#include <QComboBox>
#include <QDialog>
#include <QSettings>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

using namespace Orrery;
using namespace Qt::Literals::StringLiterals;

class tst_SettingsDialog : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void choiceIsStoredOnOk();
    void cancelKeepsTheSetting();
    void windowSaysWhenTheLanguageApplies();

private:
    QTemporaryDir m_dir;
    std::unique_ptr<QSettings> m_settings;
};

void tst_SettingsDialog::init()
{
    QVERIFY(m_dir.isValid());
    m_settings = std::make_unique<QSettings>(m_dir.filePath(u"orrery.ini"_s), QSettings::IniFormat);
    m_settings->clear();
}

void tst_SettingsDialog::choiceIsStoredOnOk()
{
    Gui::SettingsDialog dialog(m_settings.get(), QString());
    QComboBox *box = dialog.languageBox();
    QCOMPARE(box->count(), 3);
    QCOMPARE(box->itemText(0), u"System default"_s);
    QCOMPARE(box->itemText(1), u"English"_s);
    QCOMPARE(box->itemText(2), u"简体中文"_s);
    QCOMPARE(dialog.chosenLanguage(), QString());
    QVERIFY(dialog.restartNote().isEmpty());  // the running language: nothing to say

    box->setCurrentIndex(2);
    QCOMPARE(dialog.chosenLanguage(), u"zh_CN"_s);
    QVERIFY(dialog.restartNote().contains(u"started again"_s));
    QVERIFY(!m_settings->contains(u"ui/language"_s));  // not before OK
    dialog.accept();
    QCOMPARE(dialog.result(), int(QDialog::Accepted));
    QVERIFY(dialog.restartNeeded());
    QCOMPARE(m_settings->value(u"ui/language"_s).toString(), u"zh_CN"_s);

    // Opened again in the Chinese interface: it shows the stored choice, and going back to
    // the system's language needs a restart too.
    Gui::SettingsDialog again(m_settings.get(), u"zh_CN"_s);
    QCOMPARE(again.languageBox()->currentIndex(), 2);
    QVERIFY(again.restartNote().isEmpty());
    again.languageBox()->setCurrentIndex(0);
    QVERIFY(!again.restartNote().isEmpty());
    again.accept();
    QVERIFY(again.restartNeeded());
    QVERIFY(!m_settings->contains(u"ui/language"_s));
}

void tst_SettingsDialog::cancelKeepsTheSetting()
{
    m_settings->setValue(u"ui/language"_s, u"en"_s);
    Gui::SettingsDialog dialog(m_settings.get(), u"en"_s);
    QCOMPARE(dialog.chosenLanguage(), u"en"_s);
    dialog.languageBox()->setCurrentIndex(2);
    dialog.reject();
    QVERIFY(!dialog.restartNeeded());
    QCOMPARE(m_settings->value(u"ui/language"_s).toString(), u"en"_s);
}

void tst_SettingsDialog::windowSaysWhenTheLanguageApplies()
{
    Gui::MainWindow window(m_settings.get());
    window.setInteractive(false);
    window.show();
    auto *action = window.findChild<QAction *>(u"preferences"_s);
    QVERIFY(action);
    QVERIFY(!action->shortcut().isEmpty());

    // Edit > Preferences, choose 简体中文, OK.
    bool answered = false;
    QTimer::singleShot(0, this, [&answered] {
        auto *dialog = qobject_cast<Gui::SettingsDialog *>(QApplication::activeModalWidget());
        if (!dialog)
            return;
        dialog->languageBox()->setCurrentIndex(dialog->languageBox()->findData(u"zh_CN"_s));
        answered = true;
        dialog->accept();
    });
    action->trigger();
    QVERIFY(answered);
    QCOMPARE(m_settings->value(u"ui/language"_s).toString(), u"zh_CN"_s);
    QVERIFY2(window.statusBar()->currentMessage().contains(u"next time Orrery starts"_s),
             qPrintable(window.statusBar()->currentMessage()));
}

QTEST_MAIN(tst_SettingsDialog)
#include "tst_settingsdialog.moc"
