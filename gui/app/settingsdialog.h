#pragma once

#include <QDialog>

class QComboBox;
class QLabel;
class QSettings;

namespace Orrery::Gui {

// Edit > Preferences: the interface language (the system's, English, 简体中文), stored in the
// settings on OK. The running window keeps its language: the dialog says that the choice
// applies at the next start.
class SettingsDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SettingsDialog)

public:
    // `settings` is read now and written on accept() (not owned); `running` is the choice the
    // interface started with ("" = the system's).
    SettingsDialog(QSettings *settings, const QString &running, QWidget *parent = nullptr);

    QComboBox *languageBox() const { return m_language; }
    // The language chosen in the box ("" = the system's).
    QString chosenLanguage() const;
    // Shown while the chosen language differs from the running one.
    QString restartNote() const;
    // After accept(): the chosen language is not the running one; it applies at the next start.
    bool restartNeeded() const { return m_restartNeeded; }

    void accept() override;

private:
    void updateNote();

    QSettings *m_settings;
    QString m_running;
    QComboBox *m_language;
    QLabel *m_note;
    bool m_restartNeeded = false;
};

}  // namespace Orrery::Gui
