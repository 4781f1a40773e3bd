// The liaison binary: every command lives in src/cli/.
#include "cli/commands.h"

int main(int argc, char** argv) { return liaison::cli::RunMain(argc, argv); }
