import ArchAdvisorCore
#if canImport(Glibc)
import Glibc
#endif

/// The knowledge base the fuzz targets check against: `FUZZ_KB` or `ARCHADVISOR_KB` when
/// set, else the project's `knowledge.sqlite` (found upward from the executable, as the CLI
/// finds it). Loaded once, before the first input.
public let fuzzKnowledgeBase: KnowledgeBase = {
    let explicit = getenv("FUZZ_KB").map { String(cString: $0) }
    let path = KnowledgeBaseLocator.locate(explicit: explicit)
    do {
        return try KnowledgeStore.load(path: path)
    } catch {
        printError("fuzz: cannot load the knowledge base \(path): \(error)\n")
        exit(3)
    }
}()

/// Stops the fuzzer with a message: libFuzzer records the input as a crash.
public func fuzzFail(_ message: String, file: StaticString = #file, line: UInt = #line) -> Never {
    printError("fuzz: invariant broken at \(file):\(line): \(message)\n")
    abort()
}

/// Writes to stderr (fd 2) without touching the C `stderr` global.
public func printError(_ text: String) {
    var text = text
    text.withUTF8 { buf in
        var done = 0
        while done < buf.count {
            let n = write(2, buf.baseAddress! + done, buf.count - done)
            if n <= 0 { return }
            done += n
        }
    }
}
