#include "heap.h"

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace Orrery::Net {

bool releaseFreedMemory()
{
#if defined(__GLIBC__)
    return malloc_trim(0) != 0;
#else
    return false;
#endif
}

}  // namespace Orrery::Net
