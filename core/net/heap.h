#pragma once

namespace Orrery::Net {

// Gives the free pages of the heap back to the system (glibc's malloc_trim(0)); true when it
// released some. Memory a process freed otherwise stays resident until malloc reuses it. Does
// nothing (false) with another C library. For the moments after a burst: a server after many
// TLS handshakes, an agent once it is idle.
bool releaseFreedMemory();

}  // namespace Orrery::Net
