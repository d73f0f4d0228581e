import ArgumentParser
import ArchAdvisorCore

/// `archadvisor evalute x.json`: the parser alone would report "unexpected arguments";
/// this names the command most likely meant.
enum UnknownCommand {
    /// The one-line problem with the command words of `arguments` (without the program
    /// name), or nil when they are known (the parser then handles everything).
    static func problem(_ arguments: [String], root: ParsableCommand.Type = Archadvisor.self) -> String? {
        var command = root
        var path = ""
        for (i, word) in arguments.enumerated() {
            // `archadvisor help COMMAND...` names commands too.
            if i == 0, word == "help", command == root { continue }
            let subcommands = command.configuration.subcommands
            // Options and the arguments of a leaf command are the parser's.
            guard !subcommands.isEmpty, !word.hasPrefix("-") else { return nil }
            if let next = subcommands.first(where: { $0._commandName == word || $0.configuration.aliases.contains(word) }) {
                command = next
                path += word + " "
                continue
            }
            let names = subcommands.map { $0._commandName }
            if let meant = Suggest.likely(word, in: names) {
                return "unknown command '\(path)\(word)' (did you mean '\(path)\(meant)'?)"
            }
            return "unknown command '\(path)\(word)'; expected one of \(names.joined(separator: ", ")) (see `archadvisor \(path)--help`)"
        }
        return nil
    }
}
