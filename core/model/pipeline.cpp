#include "pipeline.h"

namespace Orrery {

int Pipeline::indexOf(const QString &jobName) const
{
    for (int i = 0; i < jobs.size(); ++i) {
        if (jobs.at(i).name == jobName)
            return i;
    }
    return -1;
}

const Job *Pipeline::job(const QString &jobName) const
{
    const int i = indexOf(jobName);
    return i < 0 ? nullptr : &jobs.at(i);
}

Job *Pipeline::job(const QString &jobName)
{
    const int i = indexOf(jobName);
    return i < 0 ? nullptr : &jobs[i];
}

} // namespace Orrery
