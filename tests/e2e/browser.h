// A real headless browser for the e2e tests of `haven export --format
// html`: Debian's chromium, opened on a page with every host name resolving
// nowhere and a network log of each request the page made.
#ifndef HAVEN_TESTS_E2E_BROWSER_H_
#define HAVEN_TESTS_E2E_BROWSER_H_

#include <string>
#include <vector>

#include "tests/e2e/harness.h"

namespace haven::e2e {

// An executable on PATH, or "" when there is none.
std::string FindOnPath(const std::string& name);

// Debian's chromium, or the browser named by HAVEN_E2E_CHROMIUM; "" when
// there is none.
std::string FindChromium();

struct BrowserVisit {
  RunResult run;                           // stdout is the DOM after loading
  std::vector<std::string> page_requests;  // URLs the page asked the network for
  bool net_log_read = false;
};

// Opens `page` in headless Chromium with JavaScript left on (the report must
// not need it, and its policy forbids it), with every host name resolving
// nowhere so nothing can leave the machine, and a network log that records
// each request. A fresh profile and home (named `name` in `home`'s scratch
// space) keep the browser out of the person's own.
BrowserVisit Visit(const std::string& chromium, const TestHome& home, const std::string& page,
                   const std::string& name);

}  // namespace haven::e2e

#endif  // HAVEN_TESTS_E2E_BROWSER_H_
