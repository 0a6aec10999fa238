#pragma once
// itsmctl's subcommands, one translation unit per area; each returns the exit status.

#include <string>
#include <vector>

namespace itsmctl {
int workflow_command(const std::vector<std::string>& args);  // workflow_commands.cpp
int replay_command(const std::vector<std::string>& args);    // workflow_commands.cpp
int report_command(const std::vector<std::string>& args);    // report.cpp
int demo_command(const std::vector<std::string>& args);      // demo.cpp
int audit_command(const std::vector<std::string>& args);     // audit.cpp
int convert_command(const std::vector<std::string>& args);   // convert.cpp
}  // namespace itsmctl
