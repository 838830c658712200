#include "settingsdialog.h"

#include "language.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QSettings>
#include <QVBoxLayout>

using namespace Qt::Literals::StringLiterals;

namespace Orrery::Gui {

SettingsDialog::SettingsDialog(QSettings *settings, const QString &running, QWidget *parent)
    : QDialog(parent)
    , m_settings(settings)
    , m_running(running)
    , m_language(new QComboBox(this))
    , m_note(new QLabel(this))
{
    setWindowTitle(tr("Preferences"));
    for (const InterfaceLanguage &language : interfaceLanguages())
        m_language->addItem(language.code.isEmpty() ? tr("System default") : language.nativeName,
                            language.code);
    const int stored = m_language->findData(languageSetting(*m_settings));
    m_language->setCurrentIndex(qMax(0, stored));

    auto *form = new QFormLayout;
    form->addRow(tr("&Language:"), m_language);
    m_note->setWordWrap(true);
    m_note->setText(tr("The new language is applied when Orrery is started again."));
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    connect(buttons, &QDialogButtonBox::accepted, this, &SettingsDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &SettingsDialog::reject);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_note);
    layout->addStretch(1);
    layout->addWidget(buttons);
    connect(m_language, &QComboBox::currentIndexChanged, this, &SettingsDialog::updateNote);
    updateNote();
}

QString SettingsDialog::chosenLanguage() const
{
    return m_language->currentData().toString();
}

QString SettingsDialog::restartNote() const
{
    return m_note->isHidden() ? QString() : m_note->text();
}

void SettingsDialog::updateNote()
{
    m_note->setVisible(chosenLanguage() != m_running);
}

void SettingsDialog::accept()
{
    const QString chosen = chosenLanguage();
    m_restartNeeded = chosen != m_running;
    setLanguageSetting(*m_settings, chosen);
    QDialog::accept();
}

}  // namespace Orrery::Gui
