#include <model/spelling.h>

#include <QElapsedTimer>
#include <QRandomGenerator>
#include <QTest>

#include <algorithm>
#include <vector>

using namespace Orrery;
using namespace Qt::Literals::StringLiterals;

class tst_Spelling : public QObject
{
    Q_OBJECT

private slots:
    void editDistance_data();
    void editDistance();
    void editDistanceMatchesFullTable();
    void editDistanceOfLongNamesIsCheap();
    void closestMatch_data();
    void closestMatch();
};

// The whole (n+1) x (m+1) optimal-string-alignment table, case-insensitive.
static int fullDistance(const QString &a, const QString &b)
{
    const QString x = a.toCaseFolded();
    const QString y = b.toCaseFolded();
    const qsizetype n = x.size();
    const qsizetype m = y.size();
    std::vector<std::vector<int>> d(size_t(n) + 1, std::vector<int>(size_t(m) + 1));
    for (qsizetype i = 0; i <= n; ++i)
        d[size_t(i)][0] = int(i);
    for (qsizetype j = 0; j <= m; ++j)
        d[0][size_t(j)] = int(j);
    for (qsizetype i = 1; i <= n; ++i) {
        for (qsizetype j = 1; j <= m; ++j) {
            const size_t si = size_t(i);
            const size_t sj = size_t(j);
            int v = std::min({d[si - 1][sj] + 1, d[si][sj - 1] + 1,
                              d[si - 1][sj - 1] + (x.at(i - 1) == y.at(j - 1) ? 0 : 1)});
            if (i > 1 && j > 1 && x.at(i - 1) == y.at(j - 2) && x.at(i - 2) == y.at(j - 1))
                v = std::min(v, d[si - 2][sj - 2] + 1);
            d[si][sj] = v;
        }
    }
    return d[size_t(n)][size_t(m)];
}

void tst_Spelling::editDistance_data()
{
    QTest::addColumn<QString>("a");
    QTest::addColumn<QString>("b");
    QTest::addColumn<int>("limit");
    QTest::addColumn<int>("distance");

    QTest::newRow("equal") << u"retries"_s << u"retries"_s << 2 << 0;
    QTest::newRow("case-only") << u"Retries"_s << u"retries"_s << 2 << 0;
    QTest::newRow("transposition") << u"retires"_s << u"retries"_s << 2 << 1;
    QTest::newRow("deletion") << u"extrct"_s << u"extract"_s << 2 << 1;
    QTest::newRow("two-edits") << u"xtrct"_s << u"extract"_s << 2 << 2;
    QTest::newRow("over-limit") << u"xtrt"_s << u"extract"_s << 2 << 3;
    QTest::newRow("length-gap-over-limit") << u"a"_s << u"abcdef"_s << 2 << 3;
    QTest::newRow("empty-vs-word") << QString() << u"ab"_s << 2 << 2;
    QTest::newRow("zero-limit") << u"ab"_s << u"ac"_s << 0 << 1;
    QTest::newRow("large-limit") << u"kitten"_s << u"sitting"_s << 100 << 3;
}

void tst_Spelling::editDistance()
{
    QFETCH(QString, a);
    QFETCH(QString, b);
    QFETCH(int, limit);
    QFETCH(int, distance);

    QCOMPARE(Orrery::editDistance(a, b, limit), distance);
    QCOMPARE(Orrery::editDistance(b, a, limit), distance);
}

// The banded computation agrees with the full table on random short words over a small
// alphabet (many near misses and transpositions).
void tst_Spelling::editDistanceMatchesFullTable()
{
    QRandomGenerator rng(20240503);
    const auto word = [&rng] {
        QString w;
        const int length = int(rng.bounded(9));
        for (int i = 0; i < length; ++i)
            w.append(QChar(u"abcAB"[rng.bounded(5)]));
        return w;
    };
    for (int round = 0; round < 20000; ++round) {
        const QString a = word();
        const QString b = word();
        const int limit = int(rng.bounded(5));
        const int expected = std::min(fullDistance(a, b), limit + 1);
        if (Orrery::editDistance(a, b, limit) != expected) {
            QFAIL(qPrintable(u"editDistance('%1', '%2', %3) = %4, expected %5"_s.arg(a, b)
                                     .arg(limit)
                                     .arg(Orrery::editDistance(a, b, limit))
                                     .arg(expected)));
        }
    }
}

// Two 200,000-character names that differ in one place: the band keeps this linear (the full
// table would be 4e10 cells).
void tst_Spelling::editDistanceOfLongNamesIsCheap()
{
    const QString a(200000, u'x');
    QString b = a;
    b[100000] = u'y';
    QElapsedTimer timer;
    timer.start();
    QCOMPARE(Orrery::editDistance(a, b, 2), 1);
    QCOMPARE(Orrery::editDistance(a, a + u"zzz"_s, 2), 3);
    QCOMPARE(Orrery::closestMatch(a, QStringList{b}), b);
    QVERIFY2(timer.elapsed() < 5000, qPrintable(QString::number(timer.elapsed())));
}

void tst_Spelling::closestMatch_data()
{
    QTest::addColumn<QString>("word");
    QTest::addColumn<QStringList>("candidates");
    QTest::addColumn<QString>("match");

    QTest::newRow("typo") << u"retires"_s << QStringList{u"retries"_s, u"timeout"_s}
                          << u"retries"_s;
    QTest::newRow("case-differs") << u"Retries"_s << QStringList{u"retries"_s} << u"retries"_s;
    QTest::newRow("closest-wins") << u"repor"_s << QStringList{u"reports"_s, u"report"_s}
                                  << u"report"_s;
    QTest::newRow("too-far") << u"xtrt"_s << QStringList{u"extract"_s} << QString();
    QTest::newRow("short-words-are-not-guessed") << u"cd"_s << QStringList{u"ab"_s} << QString();
    QTest::newRow("more-than-a-third") << u"abcd"_s << QStringList{u"abxy"_s} << QString();
    QTest::newRow("equal-is-passed-over")
            << u"load"_s << QStringList{u"load"_s, u"laod"_s} << u"laod"_s;
    QTest::newRow("no-candidates") << u"load"_s << QStringList{} << QString();
    QTest::newRow("far-candidate-does-not-hide-later-one")
            << u"ab"_s << QStringList{u"xb"_s, u"abc"_s} << u"abc"_s;
}

void tst_Spelling::closestMatch()
{
    QFETCH(QString, word);
    QFETCH(QStringList, candidates);
    QFETCH(QString, match);

    QCOMPARE(Orrery::closestMatch(word, candidates), match);
}

QTEST_APPLESS_MAIN(tst_Spelling)

#include "tst_spelling.moc"
