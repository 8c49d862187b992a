// Storage for large arrays read at random: the screening index's scan arrays
// and the supply-chain passes' per-part and per-edge arrays. On Linux a block
// of 2 MB or more is aligned to 2 MB and marked MADV_HUGEPAGE before anything
// touches it, so the kernel backs it with huge pages where it can: with 4 KB
// pages each random read of a 100+ MB array also misses the TLB (a page walk).
// Smaller blocks, and other systems, get plain malloc. The advice is only a
// hint: without transparent huge pages nothing changes but the alignment.
#ifndef CORDON_BASE_HUGE_PAGES_H_
#define CORDON_BASE_HUGE_PAGES_H_

#include <cstddef>
#include <cstdlib>
#include <new>
#include <vector>

#ifdef __linux__
#include <sys/mman.h>
#endif

namespace cordon {

template <typename T>
struct HugePageAllocator {
  using value_type = T;
  HugePageAllocator() = default;
  template <typename U>
  HugePageAllocator(const HugePageAllocator<U>&) {}  // NOLINT: allocator rebinding

  T* allocate(size_t n) {
    const size_t bytes = n * sizeof(T);
    void* p = nullptr;
#ifdef __linux__
    constexpr size_t kHuge = size_t{2} << 20;
    if (bytes >= kHuge) {
      const size_t size = (bytes + kHuge - 1) / kHuge * kHuge;
      p = std::aligned_alloc(kHuge, size);
      if (p != nullptr) madvise(p, size, MADV_HUGEPAGE);
    } else {
      p = std::malloc(bytes == 0 ? 1 : bytes);
    }
#else
    p = std::malloc(bytes == 0 ? 1 : bytes);
#endif
    if (p == nullptr) throw std::bad_alloc();
    return static_cast<T*>(p);
  }
  void deallocate(T* p, size_t) { std::free(p); }

  template <typename U>
  bool operator==(const HugePageAllocator<U>&) const {
    return true;
  }
};

template <typename T>
using BigVector = std::vector<T, HugePageAllocator<T>>;

// For a std::unique_ptr<T[], FreeDeleter> holding HugePageAllocator<T>().allocate(n).
struct FreeDeleter {
  void operator()(void* p) const { std::free(p); }
};

}  // namespace cordon

#endif  // CORDON_BASE_HUGE_PAGES_H_
