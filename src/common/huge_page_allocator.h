// An allocator for large arrays read at random (an index's per-person
// summaries, per-search scratch marks): allocations of kHugePageMin bytes or
// more are aligned to 2 MiB and offered to the kernel for transparent huge
// pages (madvise MADV_HUGEPAGE), so that reading a million persons' entries
// at random does not also miss the TLB on nearly every read. Smaller
// allocations, and kernels without transparent huge pages, get ordinary
// memory; the advice changes speed, never behaviour.
//
//   std::vector<Summary, HugePageAllocator<Summary>> summaries;
#ifndef LIAISON_COMMON_HUGE_PAGE_ALLOCATOR_H_
#define LIAISON_COMMON_HUGE_PAGE_ALLOCATOR_H_

#include <cstddef>
#include <new>

namespace liaison {

inline constexpr size_t kHugePageSize = size_t{2} << 20;
inline constexpr size_t kHugePageMin = size_t{4} << 20;

// Huge-page-aligned memory of at least `bytes` (rounded up to 2 MiB),
// advised for huge pages; throws std::bad_alloc. Release with
// FreeHugePageMemory.
void* AllocateHugePageMemory(size_t bytes);
void FreeHugePageMemory(void* p);

template <typename T>
class HugePageAllocator {
 public:
  using value_type = T;

  HugePageAllocator() noexcept = default;
  template <typename U>
  HugePageAllocator(const HugePageAllocator<U>&) noexcept {}  // NOLINT: converting

  T* allocate(size_t n) {
    if (n > static_cast<size_t>(-1) / sizeof(T)) throw std::bad_array_new_length();
    const size_t bytes = n * sizeof(T);
    if (bytes >= kHugePageMin) return static_cast<T*>(AllocateHugePageMemory(bytes));
    return static_cast<T*>(::operator new(bytes, std::align_val_t(alignof(T))));
  }
  void deallocate(T* p, size_t n) noexcept {
    if (n * sizeof(T) >= kHugePageMin) {
      FreeHugePageMemory(p);
    } else {
      ::operator delete(p, std::align_val_t(alignof(T)));
    }
  }

  template <typename U>
  bool operator==(const HugePageAllocator<U>&) const noexcept {
    return true;
  }
};

}  // namespace liaison

#endif  // LIAISON_COMMON_HUGE_PAGE_ALLOCATOR_H_
