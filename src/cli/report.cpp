#include <cstdio>
#include <exception>
#include <string>

#include "commands.hpp"
#include "tessera/error.hpp"
#include "tessera/runtime/cluster.hpp"

namespace tessera::cli {

int report_current_exception() {
  std::string line;
  const char* kind = "error: ";
  try {
    throw;
  } catch (const Interrupted& e) {
    line = e.what();  // not an error: the run was stopped, and says how to go on
    kind = "";
  } catch (const TaskError& e) {
    // A task that rejected the user's data speaks for itself; anything else names the task too.
    line = e.input_error() ? e.message() : e.what();
  } catch (const std::exception& e) {
    line = e.what();
  } catch (...) {
    line = "unknown error";
  }
  // One line, whatever the message held.
  for (char& c : line)
    if (c == '\n') c = ' ';
  std::fprintf(stderr, "tessera: %s%s\n", kind, line.c_str());
  std::fflush(stderr);
  return exit_code_for_current_exception();
}

}  // namespace tessera::cli
