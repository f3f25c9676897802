#include "tessera/runtime/cluster.hpp"

#include "tessera/error.hpp"
#include "tessera/runtime/worker.hpp"

namespace tessera {

int exit_code_for_current_exception() {
  try {
    throw;
  } catch (const InputError&) {
    return exit_code::bad_input;
  } catch (const Interrupted& e) {
    return e.resumable() ? exit_code::resumable : exit_code::signalled(e.signal());
  } catch (const TaskError& e) {
    return e.input_error() ? exit_code::bad_input : exit_code::failure;
  } catch (...) {
    return exit_code::failure;
  }
}

int run_cluster(const boost::mpi::communicator& world, const KernelRegistry& kernels,
                const std::function<int(Client&)>& driver, ClientOptions options) {
  if (world.rank() != 0) return Worker(world, kernels).run();
  Client client(world, kernels, options);
  int code;
  try {
    code = driver(client);
  } catch (...) {
    client.shutdown(exit_code_for_current_exception());
    throw;
  }
  client.shutdown(code);
  return code;
}

}  // namespace tessera
