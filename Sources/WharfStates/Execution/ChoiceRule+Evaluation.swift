import Foundation

extension ChoiceRule {
    /// Whether the rule matches; a Variable that selects nothing is a States.Runtime error except for IsPresent.
    func matches(in scope: PathScope) throws(StatesError) -> Bool {
        switch self {
        case .and(let rules):
            for r in rules where !(try r.matches(in: scope)) { return false }
            return true
        case .or(let rules):
            for r in rules where try r.matches(in: scope) { return true }
            return false
        case .not(let r):
            return !(try r.matches(in: scope))
        case .condition(let t):
            guard let v = try t.evaluate(in: scope) else {
                throw StatesError(StatesError.Name.queryEvaluationError,
                    "\(scope.errorPrefix) The Condition returned nothing (undefined); it must return a boolean.")
            }
            guard case .bool(let b) = v else {
                throw StatesError(StatesError.Name.queryEvaluationError,
                    "\(scope.errorPrefix) The Condition must return a boolean, got \(v.typeName) \(v.serialized()).")
            }
            return b
        case .comparison(let variable, let op, let operand):
            let value = scope.resolve(variable)
            if op == .isPresent {
                guard case .literal(.bool(let want)) = operand else { return false }
                return (value != nil) == want
            }
            guard let value else {
                throw StatesError(StatesError.Name.runtime,
                    "\(scope.errorPrefix) Invalid path '\(variable.text)': The choice state's condition path references an invalid value.")
            }
            let rhs: JSONValue
            switch operand {
            case .literal(let v): rhs = v
            case .path(let p):
                guard let v = scope.resolve(p) else {
                    throw StatesError(StatesError.Name.runtime,
                        "\(scope.errorPrefix) Invalid path '\(p.text)': The choice state's condition path references an invalid value.")
                }
                rhs = v
            }
            return ChoiceRule.compare(value, op, rhs)
        }
    }

    static func compare(_ value: JSONValue, _ op: ComparisonOperator, _ rhs: JSONValue) -> Bool {
        func strings() -> (String, String)? {
            guard case .string(let a) = value, case .string(let b) = rhs else { return nil }
            return (a, b)
        }
        func order(_ a: String, _ b: String) -> Int {
            if a == b { return 0 }
            return a.utf16.lexicographicallyPrecedes(b.utf16) ? -1 : 1
        }
        func numbers() -> Int? {
            guard value.isNumber, rhs.isNumber else { return nil }
            if case .int(let a) = value, case .int(let b) = rhs { return a < b ? -1 : (a > b ? 1 : 0) }
            let a = value.doubleValue!
            let b = rhs.doubleValue!
            return a < b ? -1 : (a > b ? 1 : 0)
        }
        func timestamps() -> Int? {
            guard case .string(let a) = value, case .string(let b) = rhs,
                  let x = Timestamp.parse(a), let y = Timestamp.parse(b) else { return nil }
            return x < y ? -1 : (x > y ? 1 : 0)
        }
        let want = rhs.boolValue ?? false
        switch op {
        case .stringEquals: return strings().map { $0 == $1 } ?? false
        case .stringLessThan: return strings().map { order($0, $1) < 0 } ?? false
        case .stringGreaterThan: return strings().map { order($0, $1) > 0 } ?? false
        case .stringLessThanEquals: return strings().map { order($0, $1) <= 0 } ?? false
        case .stringGreaterThanEquals: return strings().map { order($0, $1) >= 0 } ?? false
        case .stringMatches: return strings().map { globMatch(Array($0), Array($1)) } ?? false
        case .numericEquals: return numbers().map { $0 == 0 } ?? false
        case .numericLessThan: return numbers().map { $0 < 0 } ?? false
        case .numericGreaterThan: return numbers().map { $0 > 0 } ?? false
        case .numericLessThanEquals: return numbers().map { $0 <= 0 } ?? false
        case .numericGreaterThanEquals: return numbers().map { $0 >= 0 } ?? false
        case .booleanEquals:
            guard case .bool(let a) = value, case .bool(let b) = rhs else { return false }
            return a == b
        case .timestampEquals: return timestamps().map { $0 == 0 } ?? false
        case .timestampLessThan: return timestamps().map { $0 < 0 } ?? false
        case .timestampGreaterThan: return timestamps().map { $0 > 0 } ?? false
        case .timestampLessThanEquals: return timestamps().map { $0 <= 0 } ?? false
        case .timestampGreaterThanEquals: return timestamps().map { $0 >= 0 } ?? false
        case .isNull: return value.isNull == want
        case .isPresent: return want
        case .isNumeric: return value.isNumber == want
        case .isString: return (value.stringValue != nil) == want
        case .isBoolean: return (value.boolValue != nil) == want
        case .isTimestamp: return (value.stringValue.flatMap(Timestamp.parse) != nil) == want
        }
    }

    /// StringMatches: `*` matches any run of characters, `\*` a literal star and `\\` a backslash.
    static func globMatch(_ text: [Character], _ pattern: [Character]) -> Bool {
        enum Token { case literal(Character), star }
        var tokens: [Token] = []
        var i = 0
        while i < pattern.count {
            if pattern[i] == "\\", i + 1 < pattern.count {
                tokens.append(.literal(pattern[i + 1]))
                i += 2
            } else if pattern[i] == "*" {
                tokens.append(.star)
                i += 1
            } else {
                tokens.append(.literal(pattern[i]))
                i += 1
            }
        }
        var t = 0
        var p = 0
        var starP = -1
        var starT = 0
        while t < text.count {
            if p < tokens.count, case .literal(let c) = tokens[p], c == text[t] {
                t += 1
                p += 1
            } else if p < tokens.count, case .star = tokens[p] {
                starP = p
                starT = t
                p += 1
            } else if starP >= 0 {
                p = starP + 1
                starT += 1
                t = starT
            } else {
                return false
            }
        }
        while p < tokens.count, case .star = tokens[p] { p += 1 }
        return p == tokens.count
    }
}
