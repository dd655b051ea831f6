// haven completion bash|zsh: completion scripts generated from the command
// tree itself, so they never fall behind the commands.
#include <iostream>
#include <map>
#include <sstream>

#include "cli/context.h"

namespace haven::cli {
namespace {

// "path words" ("" for top level, "remote" for `haven remote`) -> words.
void Collect(const CLI::App* app, const std::string& path,
             std::map<std::string, std::vector<std::string>>* words) {
  auto& list = (*words)[path];
  for (const CLI::App* sub : app->get_subcommands({})) {
    list.push_back(sub->get_name());
    Collect(sub, path.empty() ? sub->get_name() : path + " " + sub->get_name(), words);
  }
  for (const CLI::Option* opt : app->get_options()) {
    for (const auto& name : opt->get_lnames()) list.push_back("--" + name);
  }
}

std::string Bash(const std::map<std::string, std::vector<std::string>>& words) {
  std::ostringstream out;
  out << "# bash completion for haven; source it or put it in "
         "/usr/share/bash-completion/completions/haven\n"
      << "_haven() {\n"
      << "  local cur=${COMP_WORDS[COMP_CWORD]} path=\"\" w i\n"
      << "  for ((i = 1; i < COMP_CWORD; i++)); do\n"
      << "    w=${COMP_WORDS[i]}\n"
      << "    [[ $w == -* ]] && continue\n"
      << "    case \"${path:+$path }$w\" in\n";
  for (const auto& [path, list] : words) {
    if (!path.empty()) out << "      \"" << path << "\") path=\"" << path << "\" ;;\n";
  }
  out << "    esac\n  done\n  local choices\n  case \"$path\" in\n";
  for (const auto& [path, list] : words) {
    out << "    \"" << path << "\") choices=\"";
    for (size_t i = 0; i < list.size(); ++i) out << (i ? " " : "") << list[i];
    out << "\" ;;\n";
  }
  out << "  esac\n  COMPREPLY=($(compgen -W \"$choices\" -- \"$cur\"))\n}\n"
      << "complete -F _haven haven\n";
  return out.str();
}

std::string Zsh(const std::map<std::string, std::vector<std::string>>& words) {
  // zsh runs bash completion functions through bashcompinit.
  return "#compdef haven\n# zsh completion for haven; put it on $fpath as _haven\n"
         "autoload -U +X bashcompinit && bashcompinit\n" +
         Bash(words);
}

}  // namespace

void RegisterCompletionCommand(CLI::App& app, Context& ctx) {
  auto shell = std::make_shared<std::string>();
  auto* completion = app.add_subcommand("completion", "Print a shell completion script");
  completion->add_option("shell", *shell, "bash or zsh")
      ->required()
      ->check(CLI::IsMember({"bash", "zsh"}));
  completion->callback([&ctx, &app, shell] {
    ctx.action = [&app, shell]() -> absl::Status {
      std::map<std::string, std::vector<std::string>> words;
      Collect(&app, "", &words);
      std::cout << (*shell == "bash" ? Bash(words) : Zsh(words));
      return absl::OkStatus();
    };
  });
}

}  // namespace haven::cli
