// The golden-case runner (contract §4): facts in, expected answer out.
#ifndef CORDON_CASES_CASE_RUNNER_H_
#define CORDON_CASES_CASE_RUNNER_H_

#include <string>
#include <vector>

#include "cordon/base/status.h"
#include "cordon/engine/engine.h"

namespace cordon {

struct CaseResult {
  std::string file;
  std::string name;
  bool passed = false;
  std::vector<std::string> failures;  // one line per expectation that did not hold
};

// Collects *.json case files from files and folders (recursively), sorted.
Result<std::vector<std::string>> FindCaseFiles(const std::vector<std::string>& paths);

// Runs one case file. A file that is not a case at all is a Status error;
// a case whose expectation fails is a CaseResult with passed = false.
Result<CaseResult> RunCase(const Engine& engine, const std::string& path);

}  // namespace cordon

#endif  // CORDON_CASES_CASE_RUNNER_H_
