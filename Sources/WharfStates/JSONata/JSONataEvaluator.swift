import Foundation

/// What JSONata's `$now()`, `$millis()`, `$random()` and `$uuid()` read.
public struct JSONataEnvironment: Sendable {
    public var random: any RandomSource
    public var now: Date

    public init(random: any RandomSource = SystemRandom(), now: Date = Date()) {
        self.random = random
        self.now = now
    }
}

/// A JSONata value during evaluation: undefined, a JSON value, a result sequence or a function.
enum JV {
    case undefined
    case value(JSONValue)
    case seq([JSONValue])
    case function(JSONataFunction)
    case regex(JSONataRegex)

    var json: JSONValue? {
        switch self {
        case .undefined, .function, .regex: return nil
        case .value(let v): return v
        case .seq(let s):
            if s.isEmpty { return nil }
            if s.count == 1 { return s[0] }
            return .array(s)
        }
    }

    var isUndefined: Bool {
        switch self {
        case .function, .regex: return false
        default: return json == nil
        }
    }
    var isFunction: Bool { if case .function = self { return true } else { return false } }

    /// The items a path step maps over.
    var items: [JSONValue] {
        switch self {
        case .undefined, .function, .regex: return []
        case .value(.array(let a)): return a
        case .value(let v): return [v]
        case .seq(let s): return s
        }
    }
}

/// A callable JSONata function: a built-in by name or a lambda with its closure.
final class JSONataFunction: @unchecked Sendable {
    enum Body {
        case builtin(String)
        case lambda([String], JSONataNode, JSONataFrame)
    }

    let body: Body
    init(_ body: Body) { self.body = body }

    var arity: Int {
        switch body {
        case .builtin: return 1
        case .lambda(let p, _, _): return p.count
        }
    }
}

/// A scope of variable bindings.
final class JSONataFrame: @unchecked Sendable {
    let parent: JSONataFrame?
    var values: [String: JV] = [:]

    init(parent: JSONataFrame?) { self.parent = parent }

    func lookup(_ name: String) -> JV? {
        var f: JSONataFrame? = self
        while let cur = f {
            if let v = cur.values[name] { return v }
            f = cur.parent
        }
        return nil
    }
}

final class JSONataEvaluator {
    let environment: JSONataEnvironment
    let root: JSONValue
    var depth = 0

    init(environment: JSONataEnvironment, root: JSONValue) {
        self.environment = environment
        self.root = root
    }

    func evaluate(_ node: JSONataNode, _ context: JV, _ frame: JSONataFrame) throws(JSONataError) -> JV {
        depth += 1
        defer { depth -= 1 }
        if depth > 400 { throw JSONataError("the expression recursed too deeply") }
        switch node {
        case .number(let n): return .value(.number(n))
        case .string(let s): return .value(.string(s))
        case .bool(let b): return .value(.bool(b))
        case .null: return .value(.null)
        case .regex(let pattern, let flags): return .regex(try JSONataRegex(pattern: pattern, flags: flags))
        case .placeholder: throw JSONataError("partial application with '?' is not supported")
        case .name(let n):
            var out: [JSONValue] = []
            var single: JSONValue? = nil
            var count = 0
            for item in context.items {
                if case .object(let o) = item, let v = o[n] {
                    count += 1
                    single = v
                    if case .array(let a) = v { out.append(contentsOf: a) } else { out.append(v) }
                }
            }
            if count == 1, let single, case .array = single { return .value(single) }
            if count == 1, case .value = context { return single.map { .value($0) } ?? .undefined }
            return .seq(out)
        case .variable(let name):
            if name.isEmpty { return context }
            if name == "$" { return .value(root) }
            if let v = frame.lookup(name) { return v }
            if JSONataEvaluator.builtins.contains(name) { return .function(JSONataFunction(.builtin(name))) }
            return .undefined
        case .wildcard:
            var out: [JSONValue] = []
            for item in context.items {
                if case .object(let o) = item {
                    for v in o.values {
                        if case .array(let a) = v { out.append(contentsOf: a) } else { out.append(v) }
                    }
                }
            }
            return .seq(out)
        case .descendants:
            var out: [JSONValue] = []
            for item in context.items { JSONataEvaluator.descend(item, &out) }
            return .seq(out)
        case .path(let steps):
            var cur = try evaluate(steps[0], context, frame)
            for step in steps.dropFirst() {
                var collected: [JV] = []
                for item in cur.items {
                    let r = try evaluate(step, .value(item), frame)
                    if !r.isUndefined { collected.append(r) }
                }
                if collected.count == 1, case .value(.array) = collected[0] {
                    cur = collected[0]
                    continue
                }
                var out: [JSONValue] = []
                for r in collected {
                    switch r {
                    case .value(.array(let a)): out.append(contentsOf: a)
                    case .value(let v): out.append(v)
                    case .seq(let s): out.append(contentsOf: s)
                    default: break
                    }
                }
                cur = .seq(out)
            }
            return cur
        case .filter(let base, let pred):
            let items = try evaluate(base, context, frame).items
            var out: [JSONValue] = []
            if case .number(let n) = pred {
                var idx = JSONValue.clampedInt(n.rounded(.down))
                if idx < 0 { idx += items.count }
                if idx >= 0, idx < items.count { out.append(items[idx]) }
                return .seq(out)
            }
            for (i, item) in items.enumerated() {
                let r = try evaluate(pred, .value(item), frame)
                if case .value(let v) = r, v.isNumber, let d = v.doubleValue {
                    var idx = JSONValue.clampedInt(d.rounded(.down))
                    if idx < 0 { idx += items.count }
                    if idx == i { out.append(item) }
                } else if JSONataEvaluator.truthy(r) {
                    out.append(item)
                }
            }
            return .seq(out)
        case .unary(_, let operand):
            let v = try evaluate(operand, context, frame)
            guard let j = v.json else { return .undefined }
            guard let d = j.doubleValue, j.isNumber else { throw JSONataError("the operand of '-' must be a number") }
            return .value(.number(-d))
        case .binary(let op, let l, let r):
            return try binary(op, l, r, context, frame)
        case .condition(let c, let t, let e):
            if JSONataEvaluator.truthy(try evaluate(c, context, frame)) { return try evaluate(t, context, frame) }
            if let e { return try evaluate(e, context, frame) }
            return .undefined
        case .array(let items):
            var out: [JSONValue] = []
            for item in items {
                if case .range(let lo, let hi) = item {
                    let a = try evaluate(lo, context, frame).json
                    let b = try evaluate(hi, context, frame).json
                    guard let a, let b else { continue }
                    guard let x = a.intValue, let y = b.intValue, a.isNumber, b.isNumber else {
                        throw JSONataError("the bounds of a range must be integers")
                    }
                    if Double(y) - Double(x) > 10_000_000 { throw JSONataError("the range is too large") }
                    if x <= y { for k in x...y { out.append(.int(k)) } }
                    continue
                }
                let v = try evaluate(item, context, frame)
                if case .array = item, let j = v.json {
                    out.append(j)
                    continue
                }
                switch v {
                case .value(.array(let a)): out.append(contentsOf: a)
                case .value(let j): out.append(j)
                case .seq(let s): out.append(contentsOf: s)
                default: break
                }
            }
            return .value(.array(out))
        case .range:
            throw JSONataError("a range '..' is only allowed inside an array constructor")
        case .object(let pairs):
            return .value(.object(try buildObject(pairs, context, frame)))
        case .groupBy(let base, let pairs):
            let items = try evaluate(base, context, frame).items
            var groups: [String: [JSONValue]] = [:]
            var order: [(String, JSONataNode)] = []
            for (kn, vn) in pairs {
                for item in items {
                    let k = try evaluate(kn, .value(item), frame)
                    guard let ks = k.json else { continue }
                    guard case .string(let key) = ks else { throw JSONataError("the key of an object must be a string, got \(ks.typeName)") }
                    if groups[key] == nil { order.append((key, vn)) }
                    groups[key, default: []].append(item)
                }
            }
            var o = JSONObject()
            for (key, vn) in order {
                let g = groups[key]!
                let v = try evaluate(vn, g.count == 1 ? .value(g[0]) : .seq(g), frame)
                if let j = v.json { o[key] = j }
            }
            return .value(.object(o))
        case .call(let callee, let argNodes):
            let f = try evaluate(callee, context, frame)
            guard case .function(let fn) = f else {
                throw JSONataError("attempted to invoke a non-function\(JSONataEvaluator.describe(callee))")
            }
            var args: [JV] = []
            for a in argNodes { args.append(try evaluate(a, context, frame)) }
            return try call(fn, args, context: context)
        case .lambda(let params, let body):
            return .function(JSONataFunction(.lambda(params, body, frame)))
        case .block(let items):
            let inner = JSONataFrame(parent: frame)
            var last = JV.undefined
            for item in items { last = try evaluate(item, context, inner) }
            return last
        case .bind(let name, let value):
            let v = try evaluate(value, context, frame)
            frame.values[name] = v
            return v
        case .apply(let lhs, let rhs):
            let v = try evaluate(lhs, context, frame)
            if case .call(let callee, let argNodes) = rhs {
                guard case .function(let fn) = try evaluate(callee, context, frame) else {
                    throw JSONataError("the right side of '~>' must be a function")
                }
                var args: [JV] = [v]
                for a in argNodes { args.append(try evaluate(a, context, frame)) }
                return try call(fn, args, context: context)
            }
            guard case .function(let fn) = try evaluate(rhs, context, frame) else {
                throw JSONataError("the right side of '~>' must be a function")
            }
            return try call(fn, [v], context: context)
        case .sort(let base, let terms):
            let items = try evaluate(base, context, frame).items
            var keyed: [([JSONValue?], JSONValue)] = []
            for item in items {
                var keys: [JSONValue?] = []
                for (t, _) in terms { keys.append(try evaluate(t, .value(item), frame).json) }
                keyed.append((keys, item))
            }
            for t in terms.indices {
                let keys = keyed.compactMap { $0.0[t] }
                if !(keys.allSatisfy { $0.isNumber } || keys.allSatisfy { $0.stringValue != nil }) {
                    throw JSONataError("sort keys must all be numbers or all be strings")
                }
            }
            let sorted = keyed.enumerated().sorted { (a: (offset: Int, element: ([JSONValue?], JSONValue)), b: (offset: Int, element: ([JSONValue?], JSONValue))) -> Bool in
                for (i, (_, asc)) in terms.enumerated() {
                    let c = JSONataEvaluator.compareForSort(a.element.0[i], b.element.0[i])
                    if c != 0 { return asc ? c < 0 : c > 0 }
                }
                return a.offset < b.offset
            }
            return .seq(sorted.map { $0.element.1 })
        }
    }

    static func describe(_ n: JSONataNode) -> String {
        if case .variable(let name) = n { return " '$\(name)'" }
        return ""
    }

    static func descend(_ v: JSONValue, _ out: inout [JSONValue]) {
        switch v {
        case .object(let o):
            for x in o.values {
                if case .array = x {} else { out.append(x) }
                descend(x, &out)
            }
        case .array(let a):
            for x in a {
                if case .array = x {} else { out.append(x) }
                descend(x, &out)
            }
        default: break
        }
    }

    func buildObject(_ pairs: [(JSONataNode, JSONataNode)], _ context: JV, _ frame: JSONataFrame) throws(JSONataError) -> JSONObject {
        var o = JSONObject()
        for (kn, vn) in pairs {
            guard let k = try evaluate(kn, context, frame).json else { continue }
            guard case .string(let key) = k else { throw JSONataError("the key of an object must be a string, got \(k.typeName)") }
            let v = try evaluate(vn, context, frame)
            if let j = v.json { o[key] = j }
        }
        return o
    }

    static func truthy(_ v: JV) -> Bool {
        switch v {
        case .undefined, .function, .regex: return false
        case .seq(let s): return s.contains { truthy(.value($0)) }
        case .value(let j):
            switch j {
            case .null: return false
            case .bool(let b): return b
            case .int(let i): return i != 0
            case .double(let d): return d != 0
            case .string(let s): return !s.isEmpty
            case .array(let a): return a.contains { truthy(.value($0)) }
            case .object(let o): return !o.isEmpty
            }
        }
    }

    static func compareForSort(_ x: JSONValue?, _ y: JSONValue?) -> Int {
        guard let x else { return y == nil ? 0 : 1 }
        guard let y else { return -1 }
        if let a = x.doubleValue, let b = y.doubleValue, x.isNumber, y.isNumber { return a < b ? -1 : (a > b ? 1 : 0) }
        if case .string(let a) = x, case .string(let b) = y { return a < b ? -1 : (a > b ? 1 : 0) }
        return 0
    }

    func binary(_ op: String, _ l: JSONataNode, _ r: JSONataNode, _ context: JV, _ frame: JSONataFrame) throws(JSONataError) -> JV {
        switch op {
        case "and":
            if !JSONataEvaluator.truthy(try evaluate(l, context, frame)) { return .value(.bool(false)) }
            return .value(.bool(JSONataEvaluator.truthy(try evaluate(r, context, frame))))
        case "or":
            if JSONataEvaluator.truthy(try evaluate(l, context, frame)) { return .value(.bool(true)) }
            return .value(.bool(JSONataEvaluator.truthy(try evaluate(r, context, frame))))
        case "?:":
            let lv = try evaluate(l, context, frame)
            return JSONataEvaluator.truthy(lv) ? lv : try evaluate(r, context, frame)
        case "??":
            let lv = try evaluate(l, context, frame)
            return lv.isUndefined ? try evaluate(r, context, frame) : lv
        default: break
        }
        let lv = try evaluate(l, context, frame).json
        let rv = try evaluate(r, context, frame).json
        switch op {
        case "+", "-", "*", "/", "%":
            if let lv, !lv.isNumber { throw JSONataError("the left side of the '\(op)' operator must evaluate to a number") }
            if let rv, !rv.isNumber { throw JSONataError("the right side of the '\(op)' operator must evaluate to a number") }
            guard let a = lv?.doubleValue, let b = rv?.doubleValue else { return .undefined }
            let result: Double
            switch op {
            case "+": result = a + b
            case "-": result = a - b
            case "*": result = a * b
            case "/": result = a / b
            default: result = a.truncatingRemainder(dividingBy: b)
            }
            guard result.isFinite else { throw JSONataError("the number \(result) is out of range (the result of '\(op)')") }
            return .value(.number(result))
        case "&":
            return .value(.string(try JSONataEvaluator.stringify(lv) + JSONataEvaluator.stringify(rv)))
        case "=", "!=":
            guard let lv, let rv else { return .value(.bool(false)) }
            return .value(.bool((lv == rv) == (op == "=")))
        case "<", "<=", ">", ">=":
            guard let lv, let rv else { return .value(.bool(false)) }
            let c: Int
            if let a = lv.doubleValue, let b = rv.doubleValue, lv.isNumber, rv.isNumber {
                c = a < b ? -1 : (a > b ? 1 : 0)
            } else if case .string(let a) = lv, case .string(let b) = rv {
                c = a < b ? -1 : (a > b ? 1 : 0)
            } else {
                throw JSONataError("the operands of '\(op)' must both be numbers or both be strings")
            }
            switch op {
            case "<": return .value(.bool(c < 0))
            case "<=": return .value(.bool(c <= 0))
            case ">": return .value(.bool(c > 0))
            default: return .value(.bool(c >= 0))
            }
        case "in":
            guard let lv, let rv else { return .value(.bool(false)) }
            if case .array(let a) = rv { return .value(.bool(a.contains(lv))) }
            return .value(.bool(lv == rv))
        default:
            throw JSONataError("unknown operator '\(op)'")
        }
    }

    /// `$string()` of a value: strings as they are, everything else as compact JSON.
    static func stringify(_ v: JSONValue?) throws(JSONataError) -> String {
        guard let v else { return "" }
        if case .string(let s) = v { return s }
        if case .double(let d) = v, !d.isFinite { throw JSONataError("cannot convert an infinite number to a string") }
        return v.serialized()
    }

    func call(_ fn: JSONataFunction, _ args: [JV], context: JV) throws(JSONataError) -> JV {
        switch fn.body {
        case .builtin(let name):
            return try callBuiltin(name, args, context: context)
        case .lambda(let params, let body, let closure):
            let frame = JSONataFrame(parent: closure)
            for (i, p) in params.enumerated() { frame.values[p] = i < args.count ? args[i] : .undefined }
            return try evaluate(body, context, frame)
        }
    }
}
