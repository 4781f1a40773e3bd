#include "common/huge_page_allocator.h"

#include <sys/mman.h>

#include <cstdlib>

namespace liaison {

void* AllocateHugePageMemory(size_t bytes) {
  const size_t rounded = (bytes + kHugePageSize - 1) / kHugePageSize * kHugePageSize;
  void* p = std::aligned_alloc(kHugePageSize, rounded);
  if (p == nullptr) throw std::bad_alloc();
#ifdef MADV_HUGEPAGE
  // Advice only: a kernel without transparent huge pages refuses it, and
  // the memory is then used in ordinary pages.
  (void)madvise(p, rounded, MADV_HUGEPAGE);
#endif
  return p;
}

void FreeHugePageMemory(void* p) { std::free(p); }

}  // namespace liaison
