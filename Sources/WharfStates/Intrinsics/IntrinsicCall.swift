import Foundation

/// A parsed intrinsic function call such as `States.Format('Hi {}', $.name)`.
public struct IntrinsicCall: Sendable, Hashable {
    /// One argument: a literal, a path (`$.x`, `$$.x`, `$var`) or a nested call.
    public indirect enum Argument: Sendable, Hashable {
        case literal(JSONValue)
        case path(JSONPath)
        case call(IntrinsicCall)
    }

    public let function: IntrinsicFunction
    public let arguments: [Argument]
    public let text: String

    /// Private-use stand-ins for `\{` and `\}` inside string literals.
    static let escapedOpenBrace: Unicode.Scalar = "\u{E000}"
    static let escapedCloseBrace: Unicode.Scalar = "\u{E001}"

    /// A literal string with its escaped braces turned back into braces.
    static func unescapeBraces(_ s: String) -> String {
        guard s.unicodeScalars.contains(where: { $0 == escapedOpenBrace || $0 == escapedCloseBrace }) else { return s }
        var out = String.UnicodeScalarView()
        for c in s.unicodeScalars {
            switch c {
            case escapedOpenBrace: out.append("{")
            case escapedCloseBrace: out.append("}")
            default: out.append(c)
            }
        }
        return String(out)
    }

    /// Whether a `.$` field value is an intrinsic call rather than a path.
    static func looksLikeCall(_ s: String) -> Bool { s.hasPrefix("States.") }

    public init(parsing text: String) throws(PathSyntaxError) {
        var p = IntrinsicParser(text: Array(text.unicodeScalars), source: text)
        let call = try p.parseCall()
        p.skipSpaces()
        guard p.atEnd else { throw p.fail("unexpected text after the closing parenthesis") }
        self = call
    }

    init(function: IntrinsicFunction, arguments: [Argument], text: String) {
        self.function = function
        self.arguments = arguments
        self.text = text
    }
}

/// The intrinsic functions of the Amazon States Language, with their argument-count limits.
public enum IntrinsicFunction: String, Sendable, Hashable, CaseIterable {
    case format = "States.Format"
    case stringToJson = "States.StringToJson"
    case jsonToString = "States.JsonToString"
    case array = "States.Array"
    case arrayPartition = "States.ArrayPartition"
    case arrayContains = "States.ArrayContains"
    case arrayRange = "States.ArrayRange"
    case arrayGetItem = "States.ArrayGetItem"
    case arrayLength = "States.ArrayLength"
    case arrayUnique = "States.ArrayUnique"
    case base64Encode = "States.Base64Encode"
    case base64Decode = "States.Base64Decode"
    case hash = "States.Hash"
    case jsonMerge = "States.JsonMerge"
    case mathRandom = "States.MathRandom"
    case mathAdd = "States.MathAdd"
    case stringSplit = "States.StringSplit"
    case uuid = "States.UUID"

    var arity: ClosedRange<Int> {
        switch self {
        case .format: return 1...Int.max
        case .array: return 0...Int.max
        case .stringToJson, .jsonToString, .arrayLength, .arrayUnique, .base64Encode, .base64Decode: return 1...1
        case .arrayPartition, .arrayContains, .arrayGetItem, .hash, .mathAdd, .stringSplit: return 2...2
        case .arrayRange, .jsonMerge: return 3...3
        case .mathRandom: return 2...3
        case .uuid: return 0...0
        }
    }
}

struct IntrinsicParser {
    let text: [Unicode.Scalar]
    let source: String
    var pos = 0
    var depth = 0

    var atEnd: Bool { pos >= text.count }
    func peek() -> Unicode.Scalar? { pos < text.count ? text[pos] : nil }

    func fail(_ why: String) -> PathSyntaxError {
        PathSyntaxError(message: "invalid intrinsic function call '\(source)': \(why)")
    }

    mutating func skipSpaces() { while let c = peek(), c == " " || c == "\t" || c == "\n" { pos += 1 } }

    mutating func parseCall() throws(PathSyntaxError) -> IntrinsicCall {
        skipSpaces()
        let start = pos
        var name = ""
        while let c = peek(), c != "(", c != " " {
            name.unicodeScalars.append(c)
            pos += 1
        }
        guard let fn = IntrinsicFunction(rawValue: name) else {
            throw fail("unknown function '\(name)'")
        }
        skipSpaces()
        guard peek() == "(" else { throw fail("expected '(' after \(name)") }
        pos += 1
        var args: [IntrinsicCall.Argument] = []
        skipSpaces()
        if peek() == ")" {
            pos += 1
        } else {
            while true {
                args.append(try parseArgument())
                skipSpaces()
                if peek() == "," {
                    pos += 1
                    continue
                }
                if peek() == ")" {
                    pos += 1
                    break
                }
                throw fail("expected ',' or ')' in the arguments of \(name)")
            }
        }
        guard fn.arity.contains(args.count) else {
            let expected = fn.arity.lowerBound == fn.arity.upperBound
                ? "\(fn.arity.lowerBound)"
                : fn.arity.upperBound == Int.max ? "at least \(fn.arity.lowerBound)" : "\(fn.arity.lowerBound) to \(fn.arity.upperBound)"
            throw fail("\(name) takes \(expected) argument(s), got \(args.count)")
        }
        let text = String(String.UnicodeScalarView(self.text[start..<pos]))
        return IntrinsicCall(function: fn, arguments: args, text: text)
    }

    mutating func parseArgument() throws(PathSyntaxError) -> IntrinsicCall.Argument {
        skipSpaces()
        guard let c = peek() else { throw fail("unexpected end in the arguments") }
        if c == "'" {
            pos += 1
            var s = String.UnicodeScalarView()
            while let d = peek(), d != "'" {
                if d == "\\", pos + 1 < text.count {
                    let n = text[pos + 1]
                    // Escaped braces become stand-ins so States.Format can tell them from `{}` placeholders.
                    switch n {
                    case "{": s.append(IntrinsicCall.escapedOpenBrace)
                    case "}": s.append(IntrinsicCall.escapedCloseBrace)
                    default: s.append(n)
                    }
                    pos += 2
                    continue
                }
                s.append(d)
                pos += 1
            }
            guard peek() == "'" else { throw fail("unterminated string literal") }
            pos += 1
            return .literal(.string(String(s)))
        }
        if c == "$" {
            var depth = 0
            var s = String.UnicodeScalarView()
            var quote: Unicode.Scalar? = nil
            while let d = peek() {
                if let q = quote {
                    if d == q { quote = nil }
                } else if d == "'" || d == "\"" {
                    quote = d
                } else if d == "[" || d == "(" {
                    depth += 1
                } else if d == "]" || d == ")" {
                    if depth == 0 { break }
                    depth -= 1
                } else if d == ",", depth == 0 {
                    break
                } else if d == " ", depth == 0 {
                    break
                }
                s.append(d)
                pos += 1
            }
            return .path(try JSONPath(String(s)))
        }
        if c == "S" {
            depth += 1
            defer { depth -= 1 }
            if depth > 100 { throw fail("calls are nested too deeply") }
            return .call(try parseCall())
        }
        var s = ""
        while let d = peek(), d != ",", d != ")", d != " " {
            s.unicodeScalars.append(d)
            pos += 1
        }
        switch s {
        case "true": return .literal(.bool(true))
        case "false": return .literal(.bool(false))
        case "null": return .literal(.null)
        default:
            if let i = Int(s) { return .literal(.int(i)) }
            if let d = Double(s), s.first != "." { return .literal(.double(d)) }
            throw fail("invalid argument '\(s)'")
        }
    }
}
