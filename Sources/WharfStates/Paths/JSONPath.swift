import Foundation

/// A compiled JSONPath expression (`$.a.b[0]`, `$..x`, `$[*]`, `$[1:3]`, `$[?(@.n > 1)]`) as used in
/// InputPath, OutputPath, `.$` fields and Choice `Variable`s.
public struct JSONPath: Sendable, Hashable, CustomStringConvertible {
    /// One step of a path.
    public enum Component: Sendable, Hashable {
        case field(String)
        case fields([String])
        case index(Int)
        case indices([Int])
        case wildcard
        case slice(Int?, Int?, Int?)
        case recursive(String?)
        case filter(FilterExpression)
    }

    /// A filter `?(...)`: `@.a.b op literal` or existence `@.a.b`, combined with `&&` and `||`.
    public indirect enum FilterExpression: Sendable, Hashable {
        case exists([Component])
        case compare([Component], String, JSONValue)
        case and(FilterExpression, FilterExpression)
        case or(FilterExpression, FilterExpression)
    }

    /// Which root the path starts from: `$` (the input), `$$` (the context object) or a variable `$name`.
    public enum Root: Sendable, Hashable {
        case input
        case context
        case variable(String)
    }

    public let text: String
    public let root: Root
    public let components: [Component]

    public var description: String { text }

    /// Whether the path selects at most one value (no wildcard, slice, filter or deep scan).
    public var isDefinite: Bool {
        components.allSatisfy {
            switch $0 {
            case .field, .index: return true
            default: return false
            }
        }
    }

    /// Whether it is a Reference Path as the spec defines it (definite, on the input).
    public var isReferencePath: Bool { root == .input && isDefinite }

    public init(_ text: String) throws(PathSyntaxError) {
        self.text = text
        var p = JSONPathParser(text: Array(text.unicodeScalars))
        (root, components) = try p.parse()
    }

    /// Evaluates the path against a root value. Returns nil when a definite path matches nothing.
    public func evaluate(_ value: JSONValue) -> JSONValue? {
        if components.isEmpty { return value }
        if isDefinite {
            var cur = value
            for c in components {
                switch c {
                case .field(let name):
                    guard case .object(let o) = cur, let v = o[name] else { return nil }
                    cur = v
                case .index(let i):
                    guard case .array(let a) = cur else { return nil }
                    let j = i < 0 ? a.count + i : i
                    guard j >= 0, j < a.count else { return nil }
                    cur = a[j]
                default: return nil
                }
            }
            return cur
        }
        var current: [JSONValue] = [value]
        for c in components {
            var next: [JSONValue] = []
            for v in current { JSONPath.apply(c, to: v, into: &next) }
            current = next
        }
        return .array(current)
    }

    static func apply(_ c: Component, to v: JSONValue, into out: inout [JSONValue]) {
        switch c {
        case .field(let name):
            if case .object(let o) = v, let x = o[name] { out.append(x) }
        case .fields(let names):
            if case .object(let o) = v { for n in names { if let x = o[n] { out.append(x) } } }
        case .index(let i):
            if case .array(let a) = v {
                let j = i < 0 ? a.count + i : i
                if j >= 0, j < a.count { out.append(a[j]) }
            }
        case .indices(let idx):
            if case .array(let a) = v {
                for i in idx {
                    let j = i < 0 ? a.count + i : i
                    if j >= 0, j < a.count { out.append(a[j]) }
                }
            }
        case .wildcard:
            switch v {
            case .array(let a): out.append(contentsOf: a)
            case .object(let o): out.append(contentsOf: o.values)
            default: break
            }
        case .slice(let s, let e, let st):
            guard case .array(let a) = v else { return }
            let n = a.count
            let step = st ?? 1
            guard step > 0 else { return }
            var start = s ?? 0
            var end = e ?? n
            if start < 0 { start = max(0, n + start) }
            if end < 0 { end = max(0, n + end) }
            start = min(start, n)
            end = min(end, n)
            var i = start
            while i < end {
                out.append(a[i])
                i += min(step, n)
            }
        case .recursive(let name):
            collectRecursive(v, name, &out)
        case .filter(let f):
            switch v {
            case .array(let a): for x in a where f.matches(x) { out.append(x) }
            case .object(let o): for x in o.values where f.matches(x) { out.append(x) }
            default: break
            }
        }
    }

    static func collectRecursive(_ v: JSONValue, _ name: String?, _ out: inout [JSONValue]) {
        switch v {
        case .object(let o):
            if let name {
                if let x = o[name] { out.append(x) }
            } else {
                out.append(contentsOf: o.values)
            }
            for x in o.values { collectRecursive(x, name, &out) }
        case .array(let a):
            if name == nil { out.append(contentsOf: a) }
            for x in a { collectRecursive(x, name, &out) }
        default: break
        }
    }
}

extension JSONPath.FilterExpression {
    func matches(_ item: JSONValue) -> Bool {
        switch self {
        case .exists(let comps):
            return JSONPath.select(comps, item) != nil
        case .compare(let comps, let op, let literal):
            guard let v = JSONPath.select(comps, item) else { return false }
            switch op {
            case "==": return v == literal
            case "!=": return v != literal
            default:
                if let a = v.doubleValue, let b = literal.doubleValue {
                    switch op {
                    case "<": return a < b
                    case "<=": return a <= b
                    case ">": return a > b
                    case ">=": return a >= b
                    default: return false
                    }
                }
                if let a = v.stringValue, let b = literal.stringValue {
                    switch op {
                    case "<": return a < b
                    case "<=": return a <= b
                    case ">": return a > b
                    case ">=": return a >= b
                    default: return false
                    }
                }
                return false
            }
        case .and(let a, let b): return a.matches(item) && b.matches(item)
        case .or(let a, let b): return a.matches(item) || b.matches(item)
        }
    }
}

extension JSONPath {
    static func select(_ comps: [Component], _ v: JSONValue) -> JSONValue? {
        var cur = v
        for c in comps {
            switch c {
            case .field(let n):
                guard let x = cur[n] else { return nil }
                cur = x
            case .index(let i):
                guard case .array(let a) = cur else { return nil }
                let j = i < 0 ? a.count + i : i
                guard j >= 0, j < a.count else { return nil }
                cur = a[j]
            default: return nil
            }
        }
        return cur
    }

    /// Writes `value` at this reference path inside `target`, creating objects on the way (ResultPath).
    func write(_ value: JSONValue, into target: JSONValue) -> JSONValue? {
        guard root == .input else { return nil }
        return JSONPath.write(value, into: target, components[...])
    }

    private static func write(_ value: JSONValue, into target: JSONValue, _ comps: ArraySlice<Component>) -> JSONValue? {
        guard let first = comps.first else { return value }
        switch first {
        case .field(let name):
            var o: JSONObject
            switch target {
            case .object(let existing): o = existing
            default: return nil
            }
            let child = o[name] ?? .emptyObject
            guard let updated = write(value, into: child, comps.dropFirst()) else { return nil }
            o[name] = updated
            return .object(o)
        case .index(let i):
            guard case .array(var a) = target else { return nil }
            let j = i < 0 ? a.count + i : i
            guard j >= 0, j < a.count else { return nil }
            guard let updated = write(value, into: a[j], comps.dropFirst()) else { return nil }
            a[j] = updated
            return .array(a)
        default:
            return nil
        }
    }
}

/// A syntax error in a path or an intrinsic function call, with the offending text.
public struct PathSyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}

struct JSONPathParser {
    let text: [Unicode.Scalar]
    var pos = 0
    var depth = 0

    init(text: [Unicode.Scalar]) { self.text = text }

    var source: String { String(String.UnicodeScalarView(text)) }

    func fail(_ why: String) -> PathSyntaxError {
        PathSyntaxError(message: "invalid JSONPath '\(source)': \(why)")
    }

    var atEnd: Bool { pos >= text.count }
    func peek(_ off: Int = 0) -> Unicode.Scalar? { pos + off < text.count ? text[pos + off] : nil }

    static func isNameChar(_ c: Unicode.Scalar) -> Bool {
        switch c {
        case ".", "[", "]", " ", "\t", "\n", "(", ")", ",", "'", "\"", "=", "!", "<", ">", "&", "|", "@", "?", "*":
            return false
        default: return true
        }
    }

    mutating func parse() throws(PathSyntaxError) -> (JSONPath.Root, [JSONPath.Component]) {
        guard peek() == "$" else { throw fail("a path must start with '$'") }
        pos += 1
        var root = JSONPath.Root.input
        if peek() == "$" {
            pos += 1
            root = .context
        } else if let c = peek(), JSONPathParser.isNameChar(c) {
            let name = readName()
            root = .variable(name)
        }
        let comps = try parseComponents(stopAtFilterEnd: false)
        guard atEnd else { throw fail("unexpected '\(peek()!)' at position \(pos + 1)") }
        return (root, comps)
    }

    mutating func readName() -> String {
        var s = String.UnicodeScalarView()
        while let c = peek(), JSONPathParser.isNameChar(c) {
            s.append(c)
            pos += 1
        }
        return String(s)
    }

    mutating func parseComponents(stopAtFilterEnd: Bool) throws(PathSyntaxError) -> [JSONPath.Component] {
        var comps: [JSONPath.Component] = []
        while let c = peek() {
            if c == "." {
                pos += 1
                if peek() == "." {
                    pos += 1
                    if peek() == "*" {
                        pos += 1
                        comps.append(.recursive(nil))
                    } else if peek() == "[" {
                        comps.append(.recursive(nil))
                    } else {
                        let name = readName()
                        if name.isEmpty { throw fail("expected a name after '..'") }
                        comps.append(.recursive(name))
                    }
                } else if peek() == "*" {
                    pos += 1
                    comps.append(.wildcard)
                } else {
                    let name = readName()
                    if name.isEmpty { throw fail("expected a field name after '.'") }
                    if name == "length()" { throw fail("functions are not supported") }
                    comps.append(.field(name))
                }
            } else if c == "[" {
                pos += 1
                comps.append(try parseBracket())
            } else {
                if stopAtFilterEnd { return comps }
                throw fail("unexpected '\(c)' at position \(pos + 1)")
            }
        }
        return comps
    }

    mutating func skipSpaces() { while peek() == " " { pos += 1 } }

    mutating func parseQuoted() throws(PathSyntaxError) -> String {
        let quote = peek()!
        pos += 1
        var s = String.UnicodeScalarView()
        while let c = peek(), c != quote {
            if c == "\\", let n = peek(1) {
                s.append(n)
                pos += 2
                continue
            }
            s.append(c)
            pos += 1
        }
        guard peek() == quote else { throw fail("unterminated quoted name") }
        pos += 1
        return String(s)
    }

    mutating func parseInt() -> Int? {
        var s = ""
        if peek() == "-" {
            s.append("-")
            pos += 1
        }
        while let c = peek(), ("0"..."9").contains(c) {
            s.unicodeScalars.append(c)
            pos += 1
        }
        return Int(s)
    }

    mutating func parseBracket() throws(PathSyntaxError) -> JSONPath.Component {
        skipSpaces()
        guard let c = peek() else { throw fail("unterminated '['") }
        var comp: JSONPath.Component
        if c == "*" {
            pos += 1
            comp = .wildcard
        } else if c == "'" || c == "\"" {
            var names = [try parseQuoted()]
            skipSpaces()
            while peek() == "," {
                pos += 1
                skipSpaces()
                guard peek() == "'" || peek() == "\"" else { throw fail("expected a quoted name") }
                names.append(try parseQuoted())
                skipSpaces()
            }
            comp = names.count == 1 ? .field(names[0]) : .fields(names)
        } else if c == "?" {
            pos += 1
            guard peek() == "(" else { throw fail("expected '(' after '?'") }
            pos += 1
            let f = try parseFilterOr()
            skipSpaces()
            guard peek() == ")" else { throw fail("expected ')' to close the filter") }
            pos += 1
            comp = .filter(f)
        } else if c == ":" || c == "-" || ("0"..."9").contains(c) {
            var first: Int? = nil
            if c != ":" {
                guard let v = parseInt() else { throw fail("invalid index") }
                first = v
            }
            skipSpaces()
            if peek() == ":" {
                pos += 1
                skipSpaces()
                let end = (peek() == "]" || peek() == ":") ? nil : parseInt()
                var step: Int? = nil
                if peek() == ":" {
                    pos += 1
                    step = peek() == "]" ? nil : parseInt()
                }
                comp = .slice(first, end, step)
            } else if peek() == "," {
                var idx = [first!]
                while peek() == "," {
                    pos += 1
                    skipSpaces()
                    guard let v = parseInt() else { throw fail("invalid index") }
                    idx.append(v)
                    skipSpaces()
                }
                comp = .indices(idx)
            } else {
                comp = .index(first!)
            }
        } else {
            throw fail("unexpected '\(c)' after '['")
        }
        skipSpaces()
        guard peek() == "]" else { throw fail("expected ']'") }
        pos += 1
        return comp
    }

    mutating func parseFilterOr() throws(PathSyntaxError) -> JSONPath.FilterExpression {
        var lhs = try parseFilterAnd()
        skipSpaces()
        while peek() == "|", peek(1) == "|" {
            pos += 2
            let rhs = try parseFilterAnd()
            lhs = .or(lhs, rhs)
            skipSpaces()
        }
        return lhs
    }

    mutating func parseFilterAnd() throws(PathSyntaxError) -> JSONPath.FilterExpression {
        var lhs = try parseFilterAtom()
        skipSpaces()
        while peek() == "&", peek(1) == "&" {
            pos += 2
            let rhs = try parseFilterAtom()
            lhs = .and(lhs, rhs)
            skipSpaces()
        }
        return lhs
    }

    mutating func parseFilterAtom() throws(PathSyntaxError) -> JSONPath.FilterExpression {
        skipSpaces()
        if peek() == "(" {
            pos += 1
            depth += 1
            defer { depth -= 1 }
            if depth > 100 { throw fail("the filter is nested too deeply") }
            let e = try parseFilterOr()
            skipSpaces()
            guard peek() == ")" else { throw fail("expected ')'") }
            pos += 1
            return e
        }
        guard peek() == "@" else { throw fail("a filter must test '@'") }
        pos += 1
        let comps = try parseComponents(stopAtFilterEnd: true)
        for c in comps {
            switch c {
            case .field, .index: continue
            default: throw fail("filter paths must be simple")
            }
        }
        skipSpaces()
        var op = ""
        while let c = peek(), "=!<>".unicodeScalars.contains(c) {
            op.unicodeScalars.append(c)
            pos += 1
        }
        if op.isEmpty { return .exists(comps) }
        guard ["==", "!=", "<", "<=", ">", ">="].contains(op) else { throw fail("unknown operator '\(op)'") }
        skipSpaces()
        let literal: JSONValue
        if peek() == "'" || peek() == "\"" {
            literal = .string(try parseQuoted())
        } else {
            var s = ""
            while let c = peek(), c != ")", c != " ", c != "&", c != "|" {
                s.unicodeScalars.append(c)
                pos += 1
            }
            guard let v = try? JSONValue(parsing: s) else { throw fail("invalid literal '\(s)' in a filter") }
            literal = v
        }
        return .compare(comps, op, literal)
    }
}
