/// A vectorised column expression: `col("age") > 50 && col("gender") == "F"`, `col("a") * col("b")`.
public indirect enum Expr: Sendable {
    case column(String)
    case literal(Value)
    case compare(CompareOp, Expr, Expr)
    case arithmetic(ArithmeticOp, Expr, Expr)
    case and(Expr, Expr)
    case or(Expr, Expr)
    case not(Expr)
    case isNull(Expr)
    case isIn(Expr, [Value])

    /// A comparison between two expressions.
    public enum CompareOp: String, Sendable { case eq = "==", ne = "!=", lt = "<", le = "<=", gt = ">", ge = ">=" }
    /// An arithmetic operation on numbers (division by zero gives null).
    public enum ArithmeticOp: String, Sendable { case add = "+", sub = "-", mul = "*", div = "/" }

    public func isNull() -> Expr { .isNull(self) }
    public func isNotNull() -> Expr { .not(.isNull(self)) }
    public func isIn(_ values: [Value]) -> Expr { .isIn(self, values) }
}

/// A column reference in an expression.
public func col(_ name: String) -> Expr { .column(name) }
/// A literal in an expression.
public func lit(_ value: Value) -> Expr { .literal(value) }

public func == (a: Expr, b: Value) -> Expr { .compare(.eq, a, .literal(b)) }
public func != (a: Expr, b: Value) -> Expr { .compare(.ne, a, .literal(b)) }
public func < (a: Expr, b: Value) -> Expr { .compare(.lt, a, .literal(b)) }
public func <= (a: Expr, b: Value) -> Expr { .compare(.le, a, .literal(b)) }
public func > (a: Expr, b: Value) -> Expr { .compare(.gt, a, .literal(b)) }
public func >= (a: Expr, b: Value) -> Expr { .compare(.ge, a, .literal(b)) }
public func == (a: Expr, b: Expr) -> Expr { .compare(.eq, a, b) }
public func != (a: Expr, b: Expr) -> Expr { .compare(.ne, a, b) }
public func < (a: Expr, b: Expr) -> Expr { .compare(.lt, a, b) }
public func <= (a: Expr, b: Expr) -> Expr { .compare(.le, a, b) }
public func > (a: Expr, b: Expr) -> Expr { .compare(.gt, a, b) }
public func >= (a: Expr, b: Expr) -> Expr { .compare(.ge, a, b) }
public func && (a: Expr, b: Expr) -> Expr { .and(a, b) }
public func || (a: Expr, b: Expr) -> Expr { .or(a, b) }
public prefix func ! (a: Expr) -> Expr { .not(a) }
public func + (a: Expr, b: Expr) -> Expr { .arithmetic(.add, a, b) }
public func - (a: Expr, b: Expr) -> Expr { .arithmetic(.sub, a, b) }
public func * (a: Expr, b: Expr) -> Expr { .arithmetic(.mul, a, b) }
public func / (a: Expr, b: Expr) -> Expr { .arithmetic(.div, a, b) }
public func + (a: Expr, b: Value) -> Expr { .arithmetic(.add, a, .literal(b)) }
public func - (a: Expr, b: Value) -> Expr { .arithmetic(.sub, a, .literal(b)) }
public func * (a: Expr, b: Value) -> Expr { .arithmetic(.mul, a, .literal(b)) }
public func / (a: Expr, b: Value) -> Expr { .arithmetic(.div, a, .literal(b)) }

/// An evaluated expression: a numeric vector (NaN = null), a string vector, or a mask (three-valued: nil = unknown).
enum Evaluated {
    case numbers([Double])
    case texts([String?])
    case mask([Bool?])
    case scalar(Value)
}

extension DataFrame {
    /// Rows where `predicate` is true (null comparisons count as false, as in SQL and pandas).
    public func filter(_ predicate: Expr) throws(FrameError) -> DataFrame {
        let m = try mask(predicate)
        return filter(mask: m)
    }

    /// Rows whose flag is true.
    public func filter(mask: [Bool]) -> DataFrame {
        precondition(mask.count == rowCount, "mask has \(mask.count) flags for \(rowCount) rows")
        var idx: [Int] = []
        idx.reserveCapacity(rowCount)
        mask.withUnsafeBufferPointer { m in for i in 0..<m.count where m[i] { idx.append(i) } }
        return take(idx)
    }

    /// Rows for which the closure returns true (row-wise; prefer an `Expr` for speed).
    public func filter(_ isIncluded: ([String: Value]) throws -> Bool) rethrows -> DataFrame {
        var idx: [Int] = []
        for i in 0..<rowCount where try isIncluded(row(i)) { idx.append(i) }
        return take(idx)
    }

    /// The predicate evaluated per row.
    public func mask(_ predicate: Expr) throws(FrameError) -> [Bool] {
        switch try evaluate(predicate) {
        case .mask(let m): return m.map { $0 ?? false }
        case .scalar(.bool(let b)): return Array(repeating: b, count: rowCount)
        default: throw FrameError(.invalidArgument, "the filter expression is not a condition", field: "predicate")
        }
    }

    /// A new (or replaced) column computed from an expression: numbers give a double column, conditions a bool column.
    public func with(_ name: String, _ expr: Expr) throws(FrameError) -> DataFrame {
        var f = self
        let column: Column
        switch try evaluate(expr) {
        case .numbers(let d): column = Column(name, d.map { $0.isNaN ? nil : $0 })
        case .texts(let t): column = Column(name, t)
        case .mask(let m): column = Column(name, m)
        case .scalar(let v): column = Column(name, values: Array(repeating: v, count: rowCount))
        }
        try f.setColumn(column)
        return f
    }

    func evaluate(_ e: Expr) throws(FrameError) -> Evaluated {
        switch e {
        case .literal(let v): return .scalar(v)
        case .column(let name):
            let c = try column(name)
            switch c.type {
            case .string, .categorical, .json: return .texts(c.strings())
            case .bool: return .mask((0..<c.count).map { c.isNull($0) ? nil : (c[$0] == .bool(true)) })
            case .list: throw FrameError(.typeMismatch, "list column '\(name)' cannot be used in an expression", field: name)
            default: return .numbers(try c.doubles())
            }
        case .isNull(let inner):
            switch try evaluate(inner) {
            case .numbers(let d): return .mask(d.map { $0.isNaN })
            case .texts(let t): return .mask(t.map { $0 == nil })
            case .mask(let m): return .mask(m.map { $0 == nil })
            case .scalar(let v): return .scalar(.bool(v.isNull))
            }
        case .not(let inner):
            let m = try broadcastMask(evaluate(inner))
            return .mask(m.map { $0.map { !$0 } })
        case .and(let a, let b), .or(let a, let b):
            let x = try broadcastMask(evaluate(a)), y = try broadcastMask(evaluate(b))
            var isAnd = false
            if case .and = e { isAnd = true }
            return .mask(zip(x, y).map { p, q in
                if isAnd {
                    if p == false || q == false { return false }
                    if p == nil || q == nil { return nil }
                    return true
                }
                if p == true || q == true { return true }
                if p == nil || q == nil { return nil }
                return false
            })
        case .isIn(let inner, let values):
            switch try evaluate(inner) {
            case .numbers(let d):
                let set = Set(values.compactMap(\.doubleValue))
                return .mask(d.map { $0.isNaN ? nil : set.contains($0) })
            case .texts(let t):
                let set = Set(values.map(\.description))
                return .mask(t.map { $0.map { set.contains($0) } })
            case .mask(let m):
                let set = Set(values.compactMap { v -> Bool? in if case .bool(let b) = v { return b }; return nil })
                return .mask(m.map { $0.map { set.contains($0) } })
            case .scalar(let v): return .scalar(.bool(values.contains(v)))
            }
        case .arithmetic(let op, let a, let b):
            let x = try numbers(evaluate(a), e), y = try numbers(evaluate(b), e)
            var out = [Double](repeating: 0, count: rowCount)
            for i in 0..<rowCount {
                switch op {
                case .add: out[i] = x[i] + y[i]
                case .sub: out[i] = x[i] - y[i]
                case .mul: out[i] = x[i] * y[i]
                case .div: out[i] = y[i] == 0 ? .nan : x[i] / y[i]
                }
            }
            return .numbers(out)
        case .compare(let op, let a, let b):
            let x = try evaluate(a), y = try evaluate(b)
            return .mask(try compare(op, x, y, e))
        }
    }

    private func broadcastMask(_ v: Evaluated) throws(FrameError) -> [Bool?] {
        switch v {
        case .mask(let m): return m
        case .scalar(.bool(let b)): return Array(repeating: b, count: rowCount)
        default: throw FrameError(.invalidArgument, "a logical operator needs conditions on both sides", field: "predicate")
        }
    }

    private func numbers(_ v: Evaluated, _ e: Expr) throws(FrameError) -> [Double] {
        switch v {
        case .numbers(let d): return d
        case .mask(let m): return m.map { $0.map { $0 ? 1 : 0 } ?? .nan }
        case .scalar(let s):
            guard let d = s.doubleValue ?? (s.isNull ? .nan : nil) else {
                throw FrameError(.typeMismatch, "'\(s)' is not a number in \(e)", field: "expression")
            }
            return Array(repeating: d, count: rowCount)
        case .texts: throw FrameError(.typeMismatch, "arithmetic on a text column in \(e)", field: "expression")
        }
    }

    private func compare(_ op: Expr.CompareOp, _ x: Evaluated, _ y: Evaluated, _ e: Expr) throws(FrameError) -> [Bool?] {
        func test<T: Comparable>(_ a: T, _ b: T) -> Bool {
            switch op {
            case .eq: return a == b
            case .ne: return a != b
            case .lt: return a < b
            case .le: return a <= b
            case .gt: return a > b
            case .ge: return a >= b
            }
        }
        switch (x, y) {
        case (.texts(let a), .texts(let b)):
            return zip(a, b).map { p, q in p.flatMap { p in q.map { test(p, $0) } } }
        case (.texts(let a), .scalar(let s)), (.scalar(let s), .texts(let a)):
            if s.isNull { return a.map { _ in nil } }
            let lit = s.description
            let flip: Bool = { if case .scalar = x { return true }; return false }()
            return a.map { $0.map { flip ? test(lit, $0) : test($0, lit) } }
        default:
            let a = try numbers(coerceDates(x, y), e), b = try numbers(coerceDates(y, x), e)
            return (0..<rowCount).map { i in a[i].isNaN || b[i].isNaN ? nil : test(a[i], b[i]) }
        }
    }

    /// A string literal compared with a date or timestamp column is read as a date.
    private func coerceDates(_ v: Evaluated, _ other: Evaluated) -> Evaluated {
        if case .scalar(.string(let s)) = v, let d = CivilDate.parse(s) { return .scalar(d) }
        return v
    }
}

extension Expr: CustomStringConvertible {
    public var description: String {
        switch self {
        case .column(let n): return "col(\(n))"
        case .literal(let v): return v.jsonText
        case .compare(let op, let a, let b): return "(\(a) \(op.rawValue) \(b))"
        case .arithmetic(let op, let a, let b): return "(\(a) \(op.rawValue) \(b))"
        case .and(let a, let b): return "(\(a) && \(b))"
        case .or(let a, let b): return "(\(a) || \(b))"
        case .not(let a): return "!\(a)"
        case .isNull(let a): return "\(a).isNull"
        case .isIn(let a, let v): return "\(a) in \(v)"
        }
    }
}
