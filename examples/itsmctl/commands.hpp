#pragma once
// itsmctl's subcommands, one translation unit per area; each returns the exit status.

#include <string>
#include <vector>

namespace itsmctl {
int workflow_command(const std::vector<std::string>& args);  // workflow_commands.cpp
int replay_command(const std::vector<std::string>& args);    // workflow_commands.cpp
}  // namespace itsmctl
