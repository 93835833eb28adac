import Foundation

/// A syntax or evaluation error of a JSONata expression.
public struct JSONataError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// A node of a parsed JSONata expression.
indirect enum JSONataNode: Sendable {
    case number(Double)
    case string(String)
    case bool(Bool)
    case null
    case regex(String, String)
    case name(String)
    case variable(String)
    case wildcard
    case descendants
    case path([JSONataNode])
    case filter(JSONataNode, JSONataNode)
    case unary(String, JSONataNode)
    case binary(String, JSONataNode, JSONataNode)
    case condition(JSONataNode, JSONataNode, JSONataNode?)
    case array([JSONataNode])
    case range(JSONataNode, JSONataNode)
    case object([(JSONataNode, JSONataNode)])
    case groupBy(JSONataNode, [(JSONataNode, JSONataNode)])
    case call(JSONataNode, [JSONataNode])
    case lambda([String], JSONataNode)
    case block([JSONataNode])
    case bind(String, JSONataNode)
    case apply(JSONataNode, JSONataNode)
    case sort(JSONataNode, [(JSONataNode, Bool)])
    case placeholder
}

struct JSONataToken: Sendable {
    enum Kind: Sendable, Equatable { case number, string, name, variable, op, regex, end }
    var kind: Kind
    var text: String
    var number: Double = 0
    var position: Int
}

struct JSONataLexer {
    let chars: [Character]
    var pos = 0

    init(_ s: String) { chars = Array(s) }

    static let operators: [String] = [
        "..", ":=", "!=", "<=", ">=", "~>", "**", "?:", "??",
        ".", "[", "]", "{", "}", "(", ")", ",", "@", "#", ";", ":", "?", "+", "-", "*", "/", "%", "|", "=", "<", ">", "^", "&",
    ]

    mutating func tokens() throws(JSONataError) -> [JSONataToken] {
        var out: [JSONataToken] = []
        while true {
            while pos < chars.count, chars[pos].isWhitespace { pos += 1 }
            if pos + 1 < chars.count, chars[pos] == "/", chars[pos + 1] == "*" {
                pos += 2
                while pos + 1 < chars.count, !(chars[pos] == "*" && chars[pos + 1] == "/") { pos += 1 }
                guard pos + 1 < chars.count else { throw JSONataError("unterminated comment") }
                pos += 2
                continue
            }
            guard pos < chars.count else {
                out.append(JSONataToken(kind: .end, text: "", position: pos))
                return out
            }
            let start = pos
            let c = chars[pos]
            if c == "/", let prev = out.last, !JSONataLexer.endsOperand(prev) {
                pos += 1
                var pattern = ""
                while pos < chars.count, chars[pos] != "/" {
                    if chars[pos] == "\\", pos + 1 < chars.count {
                        pattern.append(chars[pos])
                        pos += 1
                    }
                    pattern.append(chars[pos])
                    pos += 1
                }
                guard pos < chars.count else { throw JSONataError("unterminated regular expression at position \(start + 1)") }
                pos += 1
                var flags = ""
                while pos < chars.count, chars[pos] == "i" || chars[pos] == "m" { flags.append(chars[pos]); pos += 1 }
                out.append(JSONataToken(kind: .regex, text: pattern + "/" + flags, position: start))
                continue
            }
            if c == "\"" || c == "'" {
                pos += 1
                var s = ""
                while pos < chars.count, chars[pos] != c {
                    if chars[pos] == "\\", pos + 1 < chars.count {
                        pos += 1
                        switch chars[pos] {
                        case "n": s.append("\n")
                        case "t": s.append("\t")
                        case "r": s.append("\r")
                        case "b": s.append("\u{08}")
                        case "f": s.append("\u{0C}")
                        case "u":
                            guard pos + 4 < chars.count, let v = UInt32(String(chars[(pos + 1)...(pos + 4)]), radix: 16),
                                  let u = Unicode.Scalar(v) else { throw JSONataError("invalid \\u escape at position \(pos)") }
                            s.append(Character(u))
                            pos += 4
                        default: s.append(chars[pos])
                        }
                        pos += 1
                        continue
                    }
                    s.append(chars[pos])
                    pos += 1
                }
                guard pos < chars.count else { throw JSONataError("unterminated string literal at position \(start + 1)") }
                pos += 1
                out.append(JSONataToken(kind: .string, text: s, position: start))
                continue
            }
            if c == "`" {
                pos += 1
                var s = ""
                while pos < chars.count, chars[pos] != "`" { s.append(chars[pos]); pos += 1 }
                guard pos < chars.count else { throw JSONataError("unterminated quoted name at position \(start + 1)") }
                pos += 1
                out.append(JSONataToken(kind: .name, text: s, position: start))
                continue
            }
            if c.isNumber, c.isASCII {
                var s = ""
                while pos < chars.count, chars[pos].isASCII, chars[pos].isNumber { s.append(chars[pos]); pos += 1 }
                if pos + 1 < chars.count, chars[pos] == ".", chars[pos + 1].isASCII, chars[pos + 1].isNumber {
                    s.append(".")
                    pos += 1
                    while pos < chars.count, chars[pos].isASCII, chars[pos].isNumber { s.append(chars[pos]); pos += 1 }
                }
                if pos < chars.count, chars[pos] == "e" || chars[pos] == "E" {
                    var t = "e"
                    var p = pos + 1
                    if p < chars.count, chars[p] == "+" || chars[p] == "-" { t.append(chars[p]); p += 1 }
                    if p < chars.count, chars[p].isASCII, chars[p].isNumber {
                        while p < chars.count, chars[p].isASCII, chars[p].isNumber { t.append(chars[p]); p += 1 }
                        s += t
                        pos = p
                    }
                }
                out.append(JSONataToken(kind: .number, text: s, number: Double(s) ?? 0, position: start))
                continue
            }
            if c == "$" {
                pos += 1
                var s = ""
                if pos < chars.count, chars[pos] == "$" {
                    s = "$"
                    pos += 1
                } else {
                    while pos < chars.count, chars[pos].isLetter || chars[pos].isNumber || chars[pos] == "_" { s.append(chars[pos]); pos += 1 }
                }
                out.append(JSONataToken(kind: .variable, text: s, position: start))
                continue
            }
            if let op = JSONataLexer.operators.first(where: { matches($0) }) {
                pos += op.count
                out.append(JSONataToken(kind: .op, text: op, position: start))
                continue
            }
            if c.isLetter || c == "_" {
                var s = ""
                while pos < chars.count, chars[pos].isLetter || chars[pos].isNumber || chars[pos] == "_" { s.append(chars[pos]); pos += 1 }
                out.append(JSONataToken(kind: .name, text: s, position: start))
                continue
            }
            throw JSONataError("unexpected character '\(c)' at position \(start + 1)")
        }
    }

    func matches(_ op: String) -> Bool {
        var p = pos
        for ch in op {
            guard p < chars.count, chars[p] == ch else { return false }
            p += 1
        }
        return true
    }

    static func endsOperand(_ t: JSONataToken) -> Bool {
        switch t.kind {
        case .name: return !["and", "or", "in"].contains(t.text)
        case .number, .string, .variable, .regex: return true
        case .op: return t.text == ")" || t.text == "]" || t.text == "}"
        case .end: return false
        }
    }
}

/// A Pratt parser for JSONata.
struct JSONataParser {
    var tokens: [JSONataToken]
    var i = 0
    var depth = 0

    init(_ source: String) throws(JSONataError) {
        var lexer = JSONataLexer(source)
        tokens = try lexer.tokens()
    }

    var current: JSONataToken { tokens[i] }

    func isOp(_ s: String) -> Bool { current.kind == .op && current.text == s }

    mutating func expect(_ s: String) throws(JSONataError) {
        guard isOp(s) else { throw unexpected(expected: "'\(s)'") }
        i += 1
    }

    func unexpected(expected: String) -> JSONataError {
        if current.kind == .end { return JSONataError("expected \(expected) but the expression ended") }
        return JSONataError("expected \(expected) but found '\(current.text)' at position \(current.position + 1)")
    }

    mutating func parseAll() throws(JSONataError) -> JSONataNode {
        let n = try parseExpression(0)
        guard current.kind == .end else { throw JSONataError("unexpected '\(current.text)' at position \(current.position + 1)") }
        return n
    }

    func bindingPower(_ t: JSONataToken) -> Int {
        if t.kind == .name {
            switch t.text {
            case "and": return 30
            case "or": return 25
            case "in": return 40
            default: return 0
            }
        }
        guard t.kind == .op else { return 0 }
        switch t.text {
        case ".": return 75
        case "[": return 80
        case "{": return 70
        case "(": return 80
        case "^": return 80
        case "*", "/", "%": return 60
        case "+", "-": return 50
        case "&": return 50
        case "=", "!=", "<", "<=", ">", ">=": return 40
        case "~>": return 40
        case "?": return 20
        case "?:", "??": return 20
        case ":=": return 10
        default: return 0
        }
    }

    mutating func parseExpression(_ rbp: Int) throws(JSONataError) -> JSONataNode {
        depth += 1
        defer { depth -= 1 }
        if depth > 200 { throw JSONataError("the expression is nested too deeply") }
        var left = try parsePrefix()
        while bindingPower(current) > rbp {
            left = try parseInfix(left)
        }
        return left
    }

    mutating func parsePrefix() throws(JSONataError) -> JSONataNode {
        let t = current
        i += 1
        switch t.kind {
        case .number: return .number(t.number)
        case .string: return .string(t.text)
        case .regex:
            let parts = t.text.split(separator: "/", omittingEmptySubsequences: false)
            return .regex(parts.dropLast().joined(separator: "/"), String(parts.last ?? ""))
        case .variable: return .variable(t.text)
        case .end: throw JSONataError("unexpected end of the expression")
        case .name:
            switch t.text {
            case "true": return .bool(true)
            case "false": return .bool(false)
            case "null": return .null
            case "function", "λ":
                if isOp("(") { return try parseLambda() }
                return .name(t.text)
            default: return .name(t.text)
            }
        case .op:
            switch t.text {
            case "-":
                let operand = try parseExpression(70)
                if case .number(let n) = operand { return .number(-n) }
                return .unary("-", operand)
            case "*": return .wildcard
            case "**": return .descendants
            case "?": return .placeholder
            case "(":
                var items: [JSONataNode] = []
                while !isOp(")") {
                    items.append(try parseExpression(0))
                    if isOp(";") { i += 1 } else { break }
                }
                try expect(")")
                return .block(items)
            case "[":
                var items: [JSONataNode] = []
                if !isOp("]") {
                    while true {
                        let item = try parseExpression(0)
                        if isOp("..") {
                            i += 1
                            let hi = try parseExpression(0)
                            items.append(.range(item, hi))
                        } else {
                            items.append(item)
                        }
                        if isOp(",") { i += 1 } else { break }
                    }
                }
                try expect("]")
                return .array(items)
            case "{":
                return .object(try parseObjectBody())
            default:
                throw JSONataError("unexpected '\(t.text)' at position \(t.position + 1)")
            }
        }
    }

    mutating func parseObjectBody() throws(JSONataError) -> [(JSONataNode, JSONataNode)] {
        var pairs: [(JSONataNode, JSONataNode)] = []
        if !isOp("}") {
            while true {
                let k = try parseExpression(0)
                try expect(":")
                let v = try parseExpression(0)
                pairs.append((k, v))
                if isOp(",") { i += 1 } else { break }
            }
        }
        try expect("}")
        return pairs
    }

    mutating func parseLambda() throws(JSONataError) -> JSONataNode {
        try expect("(")
        var params: [String] = []
        while current.kind == .variable {
            params.append(current.text)
            i += 1
            if isOp(",") { i += 1 }
        }
        try expect(")")
        if isOp("<") {
            while !isOp(">"), current.kind != .end { i += 1 }
            try expect(">")
        }
        try expect("{")
        let body = try parseExpression(0)
        try expect("}")
        return .lambda(params, body)
    }

    mutating func parseInfix(_ left: JSONataNode) throws(JSONataError) -> JSONataNode {
        let t = current
        let bp = bindingPower(t)
        i += 1
        if t.kind == .name {
            let right = try parseExpression(bp)
            return .binary(t.text, left, right)
        }
        switch t.text {
        case ".":
            let right = try parseExpression(bp)
            var steps: [JSONataNode]
            if case .path(let s) = left { steps = s } else { steps = [left] }
            if case .path(let s) = right { steps += s } else { steps.append(right) }
            return .path(steps)
        case "[":
            if isOp("]") {
                i += 1
                return .filter(left, .bool(true))
            }
            let pred = try parseExpression(0)
            try expect("]")
            return .filter(left, pred)
        case "{":
            return .groupBy(left, try parseObjectBody())
        case "(":
            var args: [JSONataNode] = []
            if !isOp(")") {
                while true {
                    args.append(try parseExpression(0))
                    if isOp(",") { i += 1 } else { break }
                }
            }
            try expect(")")
            return .call(left, args)
        case "^":
            try expect("(")
            var terms: [(JSONataNode, Bool)] = []
            while true {
                var asc = true
                if isOp("<") { i += 1 } else if isOp(">") { i += 1; asc = false }
                terms.append((try parseExpression(0), asc))
                if isOp(",") { i += 1 } else { break }
            }
            try expect(")")
            return .sort(left, terms)
        case "?":
            let then = try parseExpression(0)
            var otherwise: JSONataNode? = nil
            if isOp(":") {
                i += 1
                otherwise = try parseExpression(0)
            }
            return .condition(left, then, otherwise)
        case "?:":
            let right = try parseExpression(bp)
            return .binary("?:", left, right)
        case "??":
            let right = try parseExpression(bp)
            return .binary("??", left, right)
        case ":=":
            guard case .variable(let name) = left else { throw JSONataError("the left side of ':=' must be a variable") }
            let right = try parseExpression(bp - 1)
            return .bind(name, right)
        case "~>":
            let right = try parseExpression(bp)
            return .apply(left, right)
        default:
            let right = try parseExpression(bp)
            return .binary(t.text, left, right)
        }
    }
}

/// A parsed JSONata expression, ready to evaluate many times.
public struct JSONataExpression: Sendable {
    public let source: String
    let root: JSONataNode

    public init(_ source: String) throws(JSONataError) {
        self.source = source
        var p = try JSONataParser(source)
        root = try p.parseAll()
    }

    /// The expression inside a `{% ... %}` string, or nil when the string is not one.
    public static func embeddedSource(_ s: String) -> String? {
        guard s.hasPrefix("{%"), s.hasSuffix("%}"), s.count >= 4 else { return nil }
        return String(s.dropFirst(2).dropLast(2))
    }

    /// Evaluates against an input with variable bindings; nil means the result is undefined.
    public func evaluate(input: JSONValue, bindings: [String: JSONValue] = [:],
                         environment: JSONataEnvironment = JSONataEnvironment()) throws(JSONataError) -> JSONValue? {
        let frame = JSONataFrame(parent: nil)
        for (k, v) in bindings { frame.values[k] = .value(v) }
        let ev = JSONataEvaluator(environment: environment, root: input)
        return try ev.evaluate(root, .value(input), frame).json
    }
}
