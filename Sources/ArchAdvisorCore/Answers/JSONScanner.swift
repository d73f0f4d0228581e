extension AnswerReader {
    /// A cursor over raw JSON bytes.
    struct Parser {
        let base: UnsafePointer<UInt8>?
        let count: Int
        var index = 0

        init(base: UnsafePointer<UInt8>?, count: Int) {
            self.base = base
            self.count = count
        }

        struct StringRange {
            var start: Int
            var count: Int
            var escaped: Bool
            var nonASCII: Bool
        }

        enum IntegerScan {
            case value(Int)
            case overflow(String)
            case notInteger
        }

        @inline(__always) func byte(_ i: Int) -> UInt8 { base![i] }

        @inline(__always) func peek() -> UInt8 { index < count ? base![index] : 0 }

        @inline(__always) mutating func skipWhitespace() {
            while index < count {
                let c = base![index]
                if c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 { index += 1 } else { return }
            }
        }

        /// Scans a string starting at the opening quote; leaves the cursor after the closing one.
        mutating func scanString() throws(SyntaxError) -> StringRange {
            let open = index
            index += 1
            let start = index
            var escaped = false
            var nonASCII = false
            // Fast path over printable ASCII, 8 bytes at a time: stops at the first byte that
            // may be '"', '\\', a control character or non-ASCII (a false stop only hands the
            // rest to the loop below, which decides byte by byte).
            if let p = base {
                let ones: UInt64 = 0x0101_0101_0101_0101
                while index + 8 <= count {
                    let w = UInt64(littleEndian: UnsafeRawPointer(p + index).loadUnaligned(as: UInt64.self))
                    let quote = w ^ (ones &* 0x22), backslash = w ^ (ones &* 0x5C)
                    let marks = (((quote &- ones) & ~quote) | ((backslash &- ones) & ~backslash) | (w &- ones &* 0x20) | w) & (ones &* 0x80)
                    if marks != 0 {
                        // The lowest mark is a true one: jump to it; a closing quote ends the string here.
                        index += marks.trailingZeroBitCount >> 3
                        if p[index] == UInt8(ascii: "\"") {
                            index += 1
                            return StringRange(start: start, count: index - 1 - start, escaped: false, nonASCII: false)
                        }
                        break
                    }
                    index += 8
                }
                while index < count {
                    let c = p[index]
                    if c == UInt8(ascii: "\"") {
                        index += 1
                        return StringRange(start: start, count: index - 1 - start, escaped: false, nonASCII: false)
                    }
                    if c == UInt8(ascii: "\\") || c < 0x20 || c >= 0x80 { break }
                    index += 1
                }
            }
            while index < count {
                let c = base![index]
                if c == UInt8(ascii: "\"") {
                    let range = StringRange(start: start, count: index - start, escaped: escaped, nonASCII: nonASCII)
                    index += 1
                    if nonASCII && !isValidUTF8(range) {
                        throw SyntaxError(at: start, key: nil, kind: .custom("a string is not valid UTF-8; answer files must be UTF-8"))
                    }
                    return range
                }
                if c == UInt8(ascii: "\\") {
                    escaped = true
                    index += 1
                    guard index < count else { break }
                    let e = base![index]
                    switch e {
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"), UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                        break
                    case UInt8(ascii: "u"):
                        guard index + 4 < count, (1...4).allSatisfy({ Parser.hexValue(base![index + $0]) != nil }) else {
                            throw SyntaxError(at: index - 1, key: nil, kind: .badEscape)
                        }
                        index += 4
                    default:
                        throw SyntaxError(at: index - 1, key: nil, kind: .badEscape)
                    }
                } else if c < 0x20 {
                    throw SyntaxError(at: index, key: nil, kind: .controlInString)
                } else if c >= 0x80 {
                    nonASCII = true
                }
                index += 1
            }
            throw SyntaxError(at: open, key: nil, kind: .unterminatedString)
        }

        @inline(__always) func equals(_ r: StringRange, _ bytes: [UInt8]) -> Bool {
            guard r.count == bytes.count else { return false }
            return bytes.withUnsafeBufferPointer { b in
                memcmp(base! + r.start, b.baseAddress!, r.count) == 0
            }
        }

        /// Whether the string's bytes equal the `r.count` bytes at `bytes`.
        @inline(__always) func equals(_ r: StringRange, _ bytes: UnsafePointer<UInt8>) -> Bool {
            memcmp(base! + r.start, bytes, r.count) == 0
        }

        func isValidUTF8(_ r: StringRange) -> Bool {
            let buffer = UnsafeBufferPointer(start: base! + r.start, count: r.count)
            return String(validating: buffer, as: UTF8.self) != nil
        }

        static func hexValue(_ c: UInt8) -> UInt32? {
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(c - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt32(c - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt32(c - UInt8(ascii: "A") + 10)
            default: nil
            }
        }

        /// The string's text with escapes decoded (slow path: errors and escaped keys).
        func decodeString(_ r: StringRange, start: Int) -> String {
            guard let base else { return "" }
            let raw = UnsafeBufferPointer(start: base + r.start, count: r.count)
            if !r.escaped { return String(decoding: raw, as: UTF8.self) }
            var scalars = String.UnicodeScalarView()
            var bytes: [UInt8] = []
            var i = 0
            func flush() {
                scalars.append(contentsOf: String(decoding: bytes, as: UTF8.self).unicodeScalars)
                bytes.removeAll()
            }
            var pendingHigh: UInt32?
            while i < raw.count {
                let c = raw[i]
                if c != UInt8(ascii: "\\") { bytes.append(c); i += 1; continue }
                flush()
                let e = i + 1 < raw.count ? raw[i + 1] : 0
                i += 2
                switch e {
                case UInt8(ascii: "n"): scalars.append("\n")
                case UInt8(ascii: "t"): scalars.append("\t")
                case UInt8(ascii: "r"): scalars.append("\r")
                case UInt8(ascii: "b"): scalars.append("\u{8}")
                case UInt8(ascii: "f"): scalars.append("\u{c}")
                case UInt8(ascii: "u"):
                    var v: UInt32 = 0
                    for k in 0..<4 where i + k < raw.count { v = v << 4 | (Parser.hexValue(raw[i + k]) ?? 0) }
                    i += 4
                    if (0xD800...0xDBFF).contains(v) { pendingHigh = v; continue }
                    if (0xDC00...0xDFFF).contains(v), let high = pendingHigh {
                        v = 0x10000 + ((high - 0xD800) << 10) + (v - 0xDC00)
                    }
                    pendingHigh = nil
                    scalars.append(Unicode.Scalar(v) ?? "\u{FFFD}")
                default: scalars.append(Unicode.Scalar(e))
                }
            }
            flush()
            return String(scalars)
        }

        /// Matches `true` followed by a delimiter (one 4-byte compare).
        @inline(__always) mutating func matchTrue() -> Bool {
            guard index + 4 <= count,
                  UInt32(littleEndian: UnsafeRawPointer(base! + index).loadUnaligned(as: UInt32.self)) == 0x6575_7274 // "true"
            else { return false }
            if index + 4 < count, Parser.isWordByte(base![index + 4]) { return false }
            index += 4
            return true
        }

        /// Matches `false` followed by a delimiter.
        @inline(__always) mutating func matchFalse() -> Bool {
            guard index + 5 <= count,
                  UInt32(littleEndian: UnsafeRawPointer(base! + index).loadUnaligned(as: UInt32.self)) == 0x736C_6166, // "fals"
                  base![index + 4] == UInt8(ascii: "e")
            else { return false }
            if index + 5 < count, Parser.isWordByte(base![index + 5]) { return false }
            index += 5
            return true
        }

        /// A key that is not a question and is ignored: `x-...` or `$schema` (unescaped).
        @inline(__always) func isIgnoredKey(_ r: StringRange) -> Bool {
            if r.count >= 2 && base![r.start] == UInt8(ascii: "x") && base![r.start + 1] == UInt8(ascii: "-") { return true }
            // `$schema`, and the keys `archadvisor check` reads: `current` and `waivers`.
            return r.count == 7 && (memcmp(base! + r.start, "$schema", 7) == 0 || memcmp(base! + r.start, "current", 7) == 0
                || memcmp(base! + r.start, "waivers", 7) == 0)
        }

        /// Matches a literal (`true`, `false`, `null`) followed by a delimiter.
        mutating func matchLiteral(_ word: StaticString) -> Bool {
            let n = word.utf8CodeUnitCount
            guard index + n <= count, memcmp(base! + index, word.utf8Start, n) == 0 else { return false }
            if index + n < count, Parser.isWordByte(base![index + n]) { return false }
            index += n
            return true
        }

        static func isWordByte(_ c: UInt8) -> Bool {
            (c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z")) || (c >= UInt8(ascii: "A") && c <= UInt8(ascii: "Z"))
                || (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9")) || c == UInt8(ascii: ".") || c == UInt8(ascii: "_")
        }

        /// Scans an integer; `.notInteger` (cursor unchanged) for fractions, exponents and
        /// malformed numbers, which the caller then reports by type.
        @inline(__always) mutating func scanInteger() -> IntegerScan {
            let start = index
            var negative = false
            if base![index] == UInt8(ascii: "-") { negative = true; index += 1 }
            let digitsStart = index
            var value = 0
            var overflow = false
            while index < count {
                let c = base![index]
                guard c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") else { break }
                let d = Int(c &- UInt8(ascii: "0"))
                if !overflow {
                    let (m, o1) = value.multipliedReportingOverflow(by: 10)
                    let (s, o2) = negative ? m.subtractingReportingOverflow(d) : m.addingReportingOverflow(d)
                    if o1 || o2 { overflow = true } else { value = s }
                }
                index += 1
            }
            let digits = index - digitsStart
            if digits == 0 || (digits > 1 && base![digitsStart] == UInt8(ascii: "0")) {
                index = start
                return .notInteger
            }
            if index < count {
                let c = base![index]
                if c == UInt8(ascii: ".") || c == UInt8(ascii: "e") || c == UInt8(ascii: "E") {
                    index = start
                    return .notInteger
                }
            }
            if overflow {
                return .overflow(String(decoding: UnsafeBufferPointer(start: base! + start, count: index - start), as: UTF8.self))
            }
            return .value(value)
        }

        /// Skips any JSON value, checking its syntax, up to ``AnswerReader/maxDepth``.
        mutating func skipValue(depth: Int, key: String?) throws(SyntaxError) {
            guard depth < AnswerReader.maxDepth else { throw SyntaxError(at: index, key: key, kind: .tooDeep) }
            guard index < count else { throw SyntaxError(at: index, key: key, kind: .expected("a value")) }
            let c = base![index]
            switch c {
            case UInt8(ascii: "\""):
                do { _ = try scanString() } catch { var e = error; e.key = e.key ?? key; throw e }
            case UInt8(ascii: "{"):
                index += 1
                skipWhitespace()
                if peek() == UInt8(ascii: "}") { index += 1; return }
                while true {
                    guard peek() == UInt8(ascii: "\"") else { throw SyntaxError(at: index, key: key, kind: .expected("a quoted key")) }
                    do { _ = try scanString() } catch { var e = error; e.key = e.key ?? key; throw e }
                    skipWhitespace()
                    guard peek() == UInt8(ascii: ":") else { throw SyntaxError(at: index, key: key, kind: .expected("':'")) }
                    index += 1
                    skipWhitespace()
                    try skipValue(depth: depth + 1, key: key)
                    skipWhitespace()
                    if peek() == UInt8(ascii: ",") { index += 1; skipWhitespace(); continue }
                    if peek() == UInt8(ascii: "}") { index += 1; return }
                    throw SyntaxError(at: index, key: key, kind: .expected("',' or '}'"))
                }
            case UInt8(ascii: "["):
                index += 1
                skipWhitespace()
                if peek() == UInt8(ascii: "]") { index += 1; return }
                while true {
                    try skipValue(depth: depth + 1, key: key)
                    skipWhitespace()
                    if peek() == UInt8(ascii: ",") { index += 1; skipWhitespace(); continue }
                    if peek() == UInt8(ascii: "]") { index += 1; return }
                    throw SyntaxError(at: index, key: key, kind: .expected("',' or ']'"))
                }
            case UInt8(ascii: "t"):
                if !matchLiteral("true") { throw SyntaxError(at: index, key: key, kind: .expected("a value")) }
            case UInt8(ascii: "f"):
                if !matchLiteral("false") { throw SyntaxError(at: index, key: key, kind: .expected("a value")) }
            case UInt8(ascii: "n"):
                if !matchLiteral("null") { throw SyntaxError(at: index, key: key, kind: .expected("a value")) }
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                try skipNumber(key: key)
            default:
                throw SyntaxError(at: index, key: key, kind: .expected("a value"))
            }
        }

        /// Skips a number per the JSON grammar.
        mutating func skipNumber(key: String?) throws(SyntaxError) {
            let start = index
            func digits() -> Int {
                let s = index
                while index < count, base![index] >= UInt8(ascii: "0"), base![index] <= UInt8(ascii: "9") { index += 1 }
                return index - s
            }
            if peek() == UInt8(ascii: "-") { index += 1 }
            let intStart = index
            let n = digits()
            guard n > 0, !(n > 1 && base![intStart] == UInt8(ascii: "0")) else {
                throw SyntaxError(at: start, key: key, kind: .expected("a number"))
            }
            if peek() == UInt8(ascii: ".") {
                index += 1
                guard digits() > 0 else { throw SyntaxError(at: index, key: key, kind: .expected("digits after '.'")) }
            }
            if peek() == UInt8(ascii: "e") || peek() == UInt8(ascii: "E") {
                index += 1
                if peek() == UInt8(ascii: "+") || peek() == UInt8(ascii: "-") { index += 1 }
                guard digits() > 0 else { throw SyntaxError(at: index, key: key, kind: .expected("digits in the exponent")) }
            }
            if index < count, Parser.isWordByte(base![index]) {
                throw SyntaxError(at: index, key: key, kind: .expected("',' or '}' after a number"))
            }
        }

        /// A short description of a value for an error message: `"five"`, `null`, `5.5`, `an object`.
        func describeValue(from start: Int, to end: Int) -> String {
            guard start < end, let base else { return "nothing" }
            switch base[start] {
            case UInt8(ascii: "{"): return "an object"
            case UInt8(ascii: "["): return "a list"
            case UInt8(ascii: "\""):
                let text = String(decoding: UnsafeBufferPointer(start: base + start, count: min(end - start, 60)), as: UTF8.self)
                return "the string " + text + (end - start > 60 ? "…" : "")
            default:
                return String(decoding: UnsafeBufferPointer(start: base + start, count: min(end - start, 60)), as: UTF8.self)
            }
        }

        static func describeStart(_ c: UInt8) -> String {
            switch c {
            case UInt8(ascii: "["): "a list"
            case UInt8(ascii: "\""): "a string"
            case UInt8(ascii: "t"), UInt8(ascii: "f"): "a boolean"
            case UInt8(ascii: "n"): "null"
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): "a number"
            case UInt8(ascii: "{"): "'{'"
            case 0x20...0x7E: "'\(Character(Unicode.Scalar(c)))'"
            default: "the byte 0x" + String(c, radix: 16, uppercase: true)
            }
        }

        /// 1-based line and column of byte offset `i`.
        func lineColumn(_ i: Int) -> (Int, Int) {
            guard let base else { return (1, 1) }
            var line = 1, column = 1
            for k in 0..<min(i, count) {
                if base[k] == 0x0A { line += 1; column = 1 } else if base[k] & 0xC0 != 0x80 { column += 1 }
            }
            return (line, column)
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#elseif canImport(Musl)
import Musl
#endif
