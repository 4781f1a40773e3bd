// Runs a fuzz target's entry point over every file of its seed corpus, so the
// corpus is an ordinary test in every build (gcc included) and a crash found
// by the fuzzer stays fixed once its input is added to the corpus.
//
// Usage: NAME_replay PATH...   (files, or directories searched recursively)
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {

bool RunFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::cerr << "cannot read " << path << "\n";
    return false;
  }
  std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  // A copy in its own allocation, so ASan catches reads past the end.
  std::vector<uint8_t> input(bytes.begin(), bytes.end());
  LLVMFuzzerTestOneInput(input.data(), input.size());
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  size_t files = 0;
  for (int i = 1; i < argc; ++i) {
    std::filesystem::path root(argv[i]);
    std::error_code ec;
    if (std::filesystem::is_directory(root, ec)) {
      std::vector<std::filesystem::path> paths;
      for (const auto& e : std::filesystem::recursive_directory_iterator(root)) {
        if (e.is_regular_file()) paths.push_back(e.path());
      }
      std::sort(paths.begin(), paths.end());
      for (const auto& p : paths) {
        if (!RunFile(p)) return 1;
        ++files;
      }
    } else {
      if (!RunFile(root)) return 1;
      ++files;
    }
  }
  if (files == 0) {
    std::cerr << "no corpus files given\n";
    return 1;
  }
  std::cout << "ran " << files << " corpus files\n";
  return 0;
}
