import ArgumentParser
import Foundation

// The entry point maps argument errors to exit code 2 (CONTRACT.md: bad flags are bad input).
if let problem = UnknownCommand.problem(Array(CommandLine.arguments.dropFirst())) {
    Terminal.standardError.write("archadvisor: \(problem)\n")
    exit(2)
}
do {
    var command = try Archadvisor.parseAsRoot()
    try command.run()
} catch let code as ExitCode {
    exit(code.rawValue)
} catch {
    let exitCode = Archadvisor.exitCode(for: error)
    if exitCode == .success {
        // --help, --version
        print(Archadvisor.fullMessage(for: error))
        exit(0)
    }
    Terminal.standardError.write("archadvisor: " + Archadvisor.message(for: error) + "\n")
    if exitCode == .validationFailure {
        Terminal.standardError.write("Run `archadvisor help` for usage.\n")
    }
    exit(2)
}
