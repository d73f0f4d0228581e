import Foundation

/// Saves the answers at the end of `ask`: never overwrites a file without the user's
/// confirmation; without a terminal, a file that exists gets a fresh name instead.
struct AnswerSaver {
    let console: QuestionnaireConsole
    let files: AnswerFileStore
    let text: QuestionnaireText
    let options: AskSession.Options
    /// The answers the session started from (`--answers`), as saved.
    var startingJSON: String?

    var command: String { "archadvisor ask" }

    /// After the last question: to `--save`, or where the user says on a terminal.
    func saveFinished(_ json: String) -> AskSession.Status {
        var target: String
        if let path = options.savePath {
            target = path
        } else if let original = options.answersPath {
            if json == startingJSON {
                console.write(text.message("\(original) already holds these answers."))
                return .finished(savedTo: original)
            }
            guard console.isInteractive else {
                console.write(text.message("Not overwriting \(original), the answers file this session started from."))
                target = fresh(original)
                return save(json, to: target)
            }
            let dropped = options.answersFileExtraKeys.isEmpty ? ""
                : " (its \(options.answersFileExtraKeys.joined(separator: ", ")) would not be kept)"
            console.write("\nUpdate \(original) with these answers\(dropped)? [y/N] ")
            let reply = console.readLine(for: .overwrite(original))
            guard case .line(let yes) = reply else { return interruptedWhileSaving(json, reply) }
            if ["y", "yes"].contains(yes.trimmingCharacters(in: .whitespaces).lowercased()) {
                do throws(AnswerFileStoreError) {
                    try files.write(json, to: original, overwrite: true)
                    console.write(text.message("Saved the answers to \(original)."))
                    return .finished(savedTo: original)
                } catch {
                    console.write(text.message("Cannot write \(original): \(error)."))
                }
            }
            guard let chosen = askPath(suggested: fresh(original)) else { return .finished(savedTo: nil) }
            guard case .line(let path) = chosen else { return interruptedWhileSaving(json, chosen) }
            target = path
        } else if console.isInteractive {
            guard let chosen = askPath(suggested: fresh(options.suggestedSaveName)) else { return .finished(savedTo: nil) }
            guard case .line(let path) = chosen else { return interruptedWhileSaving(json, chosen) }
            target = path
        } else {
            console.write(text.message("The answers were not saved; add --save FILE to keep them."))
            return .finished(savedTo: nil)
        }
        return save(json, to: target)
    }

    /// Writes to `target`, never replacing a file without a yes on a terminal (without
    /// one, a file that exists gets a fresh name); asks again on a terminal when it
    /// cannot write.
    func save(_ json: String, to path: String) -> AskSession.Status {
        var target = path
        while true {
            let failure: AnswerFileStoreError
            do throws(AnswerFileStoreError) {
                try files.write(json, to: target, overwrite: false)
                console.write(text.message("Saved the answers to \(target)."))
                return .finished(savedTo: target)
            } catch {
                failure = error
            }
            if case .cannotWrite(let reason) = failure {
                console.write(text.message("Cannot write \(target): \(reason)."))
                guard console.isInteractive else {
                    let path = savePartial(json, announce: false)
                    return path == nil ? .saveFailed : .finished(savedTo: path)
                }
                guard let chosen = askPath(suggested: options.suggestedSaveName) else { return .finished(savedTo: nil) }
                guard case .line(let path) = chosen else { return interruptedWhileSaving(json, chosen) }
                target = path
                continue
            }
            // The file exists.
            guard console.isInteractive else {
                console.write(text.message("\(target) exists; not overwriting it."))
                target = fresh(target)
                continue
            }
            console.write("\n\(target) exists. Overwrite it? [y/N] ")
            let reply = console.readLine(for: .overwrite(target))
            guard case .line(let yes) = reply else { return interruptedWhileSaving(json, reply) }
            if ["y", "yes"].contains(yes.trimmingCharacters(in: .whitespaces).lowercased()) {
                do throws(AnswerFileStoreError) {
                    try files.write(json, to: target, overwrite: true)
                    console.write(text.message("Saved the answers to \(target)."))
                    return .finished(savedTo: target)
                } catch {
                    console.write(text.message("Cannot write \(target): \(error)."))
                }
            }
            guard let chosen = askPath(suggested: fresh(target)) else { return .finished(savedTo: nil) }
            guard case .line(let path) = chosen else { return interruptedWhileSaving(json, chosen) }
            target = path
        }
    }

    /// Asks for a file name on a terminal: `.line(path)`, nil for "do not save", or the
    /// interruption or end of input that came instead.
    func askPath(suggested: String) -> ConsoleInput? {
        console.write("\nSave the answers to a file? Name [\(suggested)], or \"no\": ")
        switch console.readLine(for: .saveName) {
        case .line(let l):
            let t = l.trimmingCharacters(in: .whitespaces)
            if ["no", "n", "-"].contains(t.lowercased()) {
                console.write(text.message("The answers were not saved."))
                return nil
            }
            return .line(t.isEmpty ? suggested : t)
        case let other:
            return other
        }
    }

    func interruptedWhileSaving(_ json: String, _ input: ConsoleInput) -> AskSession.Status {
        let path = savePartial(json)
        return input == .interrupted ? .interrupted(savedTo: path) : .endOfInput(savedTo: path)
    }

    /// Part-way: to `--save` (or a fresh name beside it), else the first writable resume
    /// path. Returns where it went and prints how to continue.
    @discardableResult
    func savePartial(_ json: String, announce: Bool = true) -> String? {
        let candidates = (options.savePath.map { [$0] } ?? []) + options.resumePaths
        for candidate in candidates {
            var target = candidate
            while true {
                do throws(AnswerFileStoreError) {
                    try files.write(json, to: target, overwrite: false)
                    console.write(text.message("Saved the answers given to \(target)."))
                    if announce { console.write("Continue with: \(command) --answers \(target)\n") }
                    return target
                } catch {
                    guard error == .exists else {
                        console.write(text.message("Cannot write \(target): \(error)."))
                        break
                    }
                    target = fresh(target)
                }
            }
        }
        console.write(text.message("The answers could not be saved anywhere."))
        return nil
    }

    func fresh(_ path: String) -> String {
        files.exists(path) ? AskSession.freshName(for: path, exists: files.exists) : path
    }
}
