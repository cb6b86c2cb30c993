// flexmail: thin main; everything is in the flexmail_app library.
#include <iostream>

#include "daemon/cli.h"

int main(int argc, char** argv) {
  flexmail::SystemClock clock;
  return flexmail::RunCli(argc, argv, std::cout, std::cerr, clock);
}
