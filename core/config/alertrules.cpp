#include "alertrules.h"

#include "readers.h"
#include "yamlreader.h"

using namespace Qt::Literals::StringLiterals;

namespace Orrery::Config {

QStringList alertChannelNames()
{
    return {u"phone"_s, u"sms"_s, u"email"_s, u"dingtalk"_s, u"wecom"_s, u"slack"_s, u"webhook"_s};
}

QStringList alertSeverityNames()
{
    return {u"critical"_s, u"major"_s, u"warning"_s, u"info"_s};
}

namespace Internal {

static std::optional<AlertRule> readRule(Reader &reader, const YAML::Node &node)
{
    const SourceLocation where = reader.location(node);
    const auto entries = reader.mapEntries(node, where, Tr::tr("an alert rule"),
                                           {u"name"_s, u"condition"_s, u"channels"_s, u"severity"_s,
                                            u"description"_s, u"enabled"_s});
    if (!entries)
        return std::nullopt;
    AlertRule rule;
    rule.location = where;
    bool hasName = false;
    bool hasCondition = false;
    bool hasChannels = false;
    for (const Reader::Entry &e : *entries) {
        if (e.key == u"name"_s) {
            hasName = true;
            if (const auto name = reader.string(e, false, true)) {
                rule.name = name->trimmed();
                rule.location = e.valueLocation;
            }
        } else if (e.key == u"condition"_s) {
            hasCondition = true;
            const auto text = reader.string(e, false);
            if (!text)
                continue;
            rule.conditionText = *text;
            const Result<Condition> c = parseCondition(*text);
            if (c) {
                rule.condition = *c;
            } else {
                Error err = c.error();
                err.message = Tr::tr("in condition: %1").arg(err.message);
                reader.report(err, reader.locationInside(e.value, c.error().column));
            }
        } else if (e.key == u"channels"_s) {
            hasChannels = true;
            if (!e.value.IsSequence()) {
                reader.report(ErrorCode::WrongType,
                              Tr::tr("'channels' must be a list such as [email, dingtalk], "
                                     "not %1")
                                      .arg(Reader::typeName(e.value)),
                              e.valueLocation);
                continue;
            }
            const auto items = reader.sequence(e);
            if (items->isEmpty()) {
                reader.report(ErrorCode::InvalidValue,
                              Tr::tr("'channels' needs at least one of %1")
                                      .arg(quotedList(alertChannelNames())),
                              e.valueLocation);
                continue;
            }
            for (const YAML::Node &item : *items) {
                const SourceLocation at = reader.location(item);
                Reader::Entry itemEntry{u"channels"_s, {}, item, at, at};
                const auto channel = reader.word(itemEntry, alertChannelNames());
                if (!channel)
                    continue;
                if (rule.channels.contains(*channel)) {
                    reader.report(ErrorCode::DuplicateName,
                                  Tr::tr("channel '%1' is listed twice").arg(*channel), at);
                    continue;
                }
                rule.channels.append(*channel);
            }
        } else if (e.key == u"severity"_s) {
            if (const auto w = reader.word(e, alertSeverityNames()))
                rule.severity = *w;
        } else if (e.key == u"description"_s) {
            rule.description = reader.string(e).value_or(QString());
        } else if (e.key == u"enabled"_s) {
            rule.enabled = reader.boolean(e).value_or(true);
        }
    }
    if (!hasName)
        reader.reportMissing(node, u"name"_s, Tr::tr("an alert rule needs a 'name'"), where);
    if (!hasCondition)
        reader.reportMissing(node, u"condition"_s, Tr::tr("an alert rule needs a 'condition'"),
                             where);
    if (!hasChannels)
        reader.reportMissing(node, u"channels"_s,
                             Tr::tr("an alert rule needs 'channels' (a list of %1)")
                                     .arg(quotedList(alertChannelNames())),
                             where);
    if (!hasName)
        return std::nullopt;
    return rule;
}

QList<AlertRule> readAlertRules(Reader &reader)
{
    QList<AlertRule> rules;
    const YAML::Node &root = reader.document().root();
    const auto entries = reader.mapEntries(root, SourceLocation{1, 1},
                                           Tr::tr("an alert rules file"), {u"alert_rules"_s});
    if (!entries)
        return rules;
    if (entries->isEmpty()) {
        reader.reportMissing(root, u"alert_rules"_s,
                             Tr::tr("an alert rules file needs an 'alert_rules' list"),
                             reader.location(root));
        return rules;
    }
    const auto items = reader.sequence(entries->first());
    if (!items)
        return rules;
    for (const YAML::Node &item : *items) {
        auto rule = readRule(reader, item);
        if (!rule)
            continue;
        const bool duplicate
                = std::any_of(rules.cbegin(), rules.cend(),
                              [&rule](const AlertRule &r) { return r.name == rule->name; });
        if (duplicate) {
            reader.report(ErrorCode::DuplicateName,
                          Tr::tr("there is already an alert rule named '%1'").arg(rule->name),
                          rule->location);
            continue;
        }
        rules.append(std::move(*rule));
    }
    return rules;
}

}  // namespace Internal

using namespace Internal;

Result<QList<AlertRule>> parseAlertRules(const QByteArray &yaml, const QString &fileName)
{
    const Result<Document> doc = Document::parse(yaml, fileName);
    if (!doc)
        return doc.error();
    Reader reader(*doc);
    return firstErrorOr(reader, std::optional<QList<AlertRule>>(readAlertRules(reader)));
}

Result<QList<AlertRule>> loadAlertRules(const QString &path)
{
    const Result<QByteArray> bytes = readFileBytes(path);
    if (!bytes)
        return bytes.error();
    return parseAlertRules(*bytes, path);
}

}  // namespace Orrery::Config
