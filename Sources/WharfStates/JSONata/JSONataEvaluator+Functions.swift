import Foundation

extension JSONataEvaluator {
    static let builtins: Set<String> = [
        // string
        "string", "length", "substring", "substringBefore", "substringAfter", "uppercase", "lowercase", "trim",
        "pad", "contains", "split", "join", "replace", "base64encode", "base64decode", "encodeUrlComponent",
        "decodeUrlComponent", "encodeUrl", "decodeUrl", "formatBase", "match",
        // numeric
        "number", "abs", "floor", "ceil", "round", "power", "sqrt", "random", "formatNumber", "formatInteger", "parseInteger",
        // aggregation
        "sum", "max", "min", "average", "count",
        // boolean
        "boolean", "not", "exists",
        // array
        "append", "sort", "reverse", "shuffle", "distinct", "zip",
        // object
        "keys", "lookup", "spread", "merge", "each", "sift", "type", "error", "assert",
        // higher order
        "map", "filter", "reduce", "single",
        // date
        "now", "millis", "fromMillis", "toMillis",
        // Step Functions additions
        "partition", "range", "hash", "uuid", "parse",
    ]

    func callBuiltin(_ name: String, _ rawArgs: [JV], context: JV) throws(JSONataError) -> JV {
        var args = rawArgs
        // Functions whose first argument defaults to the context value.
        let contextual: Set<String> = ["string", "length", "substring", "substringBefore", "substringAfter", "uppercase",
                                       "lowercase", "trim", "pad", "contains", "split", "number", "abs", "floor", "ceil",
                                       "round", "sqrt", "boolean", "not", "keys", "base64encode", "base64decode"]
        if contextual.contains(name), args.isEmpty, !context.isUndefined { args = [context] }
        func arg(_ i: Int) -> JSONValue? { i < args.count ? args[i].json : nil }
        func fail(_ why: String) -> JSONataError { JSONataError("$\(name)(): \(why)") }
        func str(_ i: Int) throws(JSONataError) -> String? {
            guard let v = arg(i) else { return nil }
            guard case .string(let s) = v else { throw fail("argument \(i + 1) must be a string, got \(v.typeName)") }
            return s
        }
        func num(_ i: Int) throws(JSONataError) -> Double? {
            guard let v = arg(i) else { return nil }
            guard v.isNumber, let d = v.doubleValue else { throw fail("argument \(i + 1) must be a number, got \(v.typeName)") }
            return d
        }
        func arr(_ i: Int) -> [JSONValue]? {
            guard i < args.count else { return nil }
            if args[i].isUndefined { return nil }
            if case .value(.array(let a)) = args[i] { return a }
            return args[i].items
        }
        func fn(_ i: Int) throws(JSONataError) -> JSONataFunction {
            guard i < args.count, case .function(let f) = args[i] else { throw fail("argument \(i + 1) must be a function") }
            return f
        }
        func numbers(_ i: Int) throws(JSONataError) -> [Double]? {
            guard let a = arr(i) else { return nil }
            var out: [Double] = []
            for v in a {
                guard v.isNumber, let d = v.doubleValue else { throw fail("the array must contain only numbers") }
                out.append(d)
            }
            return out
        }
        func out(_ v: JSONValue?) -> JV { v.map { .value($0) } ?? .undefined }
        func regex(_ i: Int) -> JSONataRegex? {
            if i < args.count, case .regex(let r) = args[i] { return r }
            return nil
        }
        func s(_ x: String) -> JV { .value(.string(x)) }
        func n(_ x: Double) throws(JSONataError) -> JV {
            guard x.isFinite else { throw fail("the result is not a finite number") }
            return .value(.number(x))
        }

        switch name {
        // MARK: string
        case "string":
            guard let v = arg(0) else { return .undefined }
            return s(try JSONataEvaluator.stringify(v))
        case "length":
            guard let x = try str(0) else { return .undefined }
            return .value(.int(x.count))
        case "substring":
            guard let x = try str(0) else { return .undefined }
            let chars = Array(x)
            var start = JSONValue.clampedInt(try num(1) ?? 0)
            if start < 0 { start = max(0, chars.count + start) }
            start = min(start, chars.count)
            var end = chars.count
            if let len = try num(2) { end = min(chars.count, start + max(0, min(chars.count, JSONValue.clampedInt(len)))) }
            return s(String(chars[start..<end]))
        case "substringBefore":
            guard let x = try str(0) else { return .undefined }
            let sep = try str(1) ?? ""
            if let r = x.range(of: sep), !sep.isEmpty { return s(String(x[..<r.lowerBound])) }
            return s(x)
        case "substringAfter":
            guard let x = try str(0) else { return .undefined }
            let sep = try str(1) ?? ""
            if let r = x.range(of: sep), !sep.isEmpty { return s(String(x[r.upperBound...])) }
            return s(x)
        case "uppercase":
            return out(try str(0).map { .string($0.uppercased()) })
        case "lowercase":
            return out(try str(0).map { .string($0.lowercased()) })
        case "trim":
            guard let x = try str(0) else { return .undefined }
            let collapsed = x.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
            return s(collapsed)
        case "pad":
            guard let x = try str(0) else { return .undefined }
            guard let width = try num(1) else { throw fail("argument 2 (width) is required") }
            let padChar = try str(2) ?? " "
            let need = min(1_000_000, JSONValue.clampedInt(abs(width))) - x.count
            if need <= 0 || padChar.isEmpty { return s(x) }
            let padding = String(String(repeating: padChar, count: need).prefix(need))
            return s(width < 0 ? padding + x : x + padding)
        case "contains":
            guard let x = try str(0) else { return .undefined }
            if let r = regex(1) { return .value(.bool(r.contains(x))) }
            guard let p = try str(1) else { throw fail("argument 2 must be a string or a regular expression") }
            return .value(.bool(x.contains(p)))
        case "match":
            guard let x = try str(0) else { return .undefined }
            guard let r = regex(1) else { throw fail("argument 2 must be a regular expression") }
            let found = r.match(x, limit: JSONValue.clampedInt(try num(2) ?? Double(Int32.max)))
            if found.isEmpty { return .undefined }
            return found.count == 1 ? .value(found[0]) : .value(.array(found))
        case "split":
            guard let x = try str(0) else { return .undefined }
            var parts: [JSONValue]
            if let r = regex(1) {
                parts = r.split(x).map { .string($0) }
            } else if let sep = try str(1), sep.isEmpty {
                parts = x.map { .string(String($0)) }
            } else if let sep = try str(1) {
                parts = x.components(separatedBy: sep).map { .string($0) }
            } else {
                throw fail("argument 2 must be a string or a regular expression")
            }
            if let limit = try num(2) { parts = Array(parts.prefix(max(0, JSONValue.clampedInt(limit)))) }
            return .value(.array(parts))
        case "join":
            guard let a = arr(0) else { return .undefined }
            let sep = try str(1) ?? ""
            var strings: [String] = []
            for v in a {
                guard case .string(let x) = v else { throw fail("argument 1 must be an array of strings") }
                strings.append(x)
            }
            return s(strings.joined(separator: sep))
        case "replace":
            guard let x = try str(0) else { return .undefined }
            if let r = regex(1) {
                guard let replacement = try str(2) else { throw fail("argument 3 must be a string") }
                return s(r.replace(x, with: replacement, limit: JSONValue.clampedInt(try num(3) ?? Double(Int32.max))))
            }
            guard let pattern = try str(1) else { throw fail("argument 2 must be a string or a regular expression") }
            guard !pattern.isEmpty else { throw fail("the pattern must not be empty") }
            guard let replacement = try str(2) else { throw fail("argument 3 must be a string") }
            if let limit = try num(3) {
                var result = x
                var count = 0
                var searchStart = result.startIndex
                while count < JSONValue.clampedInt(limit), let r = result.range(of: pattern, range: searchStart..<result.endIndex) {
                    result.replaceSubrange(r, with: replacement)
                    searchStart = result.index(r.lowerBound, offsetBy: replacement.count)
                    count += 1
                }
                return s(result)
            }
            return s(x.replacingOccurrences(of: pattern, with: replacement))
        case "base64encode":
            return out(try str(0).map { .string(Data($0.utf8).base64EncodedString()) })
        case "base64decode":
            guard let x = try str(0) else { return .undefined }
            guard let d = Data(base64Encoded: x), let t = String(data: d, encoding: .utf8) else { throw fail("the string is not valid base64") }
            return s(t)
        case "encodeUrlComponent", "encodeUrl":
            guard let x = try str(0) else { return .undefined }
            var allowed = CharacterSet.alphanumerics.intersection(CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"))
            allowed.insert(charactersIn: name == "encodeUrl" ? "-_.!~*'();/?:@&=+$,#" : "-_.!~*'()")
            return out(x.addingPercentEncoding(withAllowedCharacters: allowed).map { .string($0) })
        case "decodeUrlComponent", "decodeUrl":
            guard let x = try str(0) else { return .undefined }
            guard let d = x.removingPercentEncoding else { throw fail("the string is not valid percent-encoding") }
            return s(d)
        case "formatBase":
            guard let x = try num(0) else { return .undefined }
            let radix = JSONValue.clampedInt(try num(1) ?? 10)
            guard (2...36).contains(radix) else { throw fail("the radix must be between 2 and 36") }
            return s(String(JSONValue.clampedInt(x.rounded()), radix: radix))
        // MARK: numeric
        case "number":
            guard let v = arg(0) else { return .undefined }
            switch v {
            case .int, .double: return .value(v)
            case .bool(let b): return .value(.int(b ? 1 : 0))
            case .string(let x):
                if let i = Int(x) { return .value(.int(i)) }
                if let d = Double(x), d.isFinite { return .value(.number(d)) }
                if x.hasPrefix("0x"), let i = Int(x.dropFirst(2), radix: 16) { return .value(.int(i)) }
                throw fail("unable to cast '\(x)' to a number")
            default: throw fail("unable to cast a \(v.typeName) to a number")
            }
        case "abs": return try num(0).map { x throws(JSONataError) in try n(abs(x)) } ?? .undefined
        case "floor": return try num(0).map { x throws(JSONataError) in try n(x.rounded(.down)) } ?? .undefined
        case "ceil": return try num(0).map { x throws(JSONataError) in try n(x.rounded(.up)) } ?? .undefined
        case "round":
            guard let x = try num(0) else { return .undefined }
            let precision = max(-300, min(300, JSONValue.clampedInt(try num(1) ?? 0)))
            let scale = pow(10.0, Double(precision))
            let scaled = x * scale
            // Round half to even, as JSONata does.
            let r = scaled.rounded(.toNearestOrEven)
            return try n(r / scale)
        case "formatNumber":
            guard let x = try num(0) else { return .undefined }
            guard let picture = try str(1) else { throw fail("argument 2 (picture) must be a string") }
            return s(try JSONataFormatting.formatNumber(x, picture: picture))
        case "formatInteger":
            guard let x = try num(0) else { return .undefined }
            guard let picture = try str(1) else { throw fail("argument 2 (picture) must be a string") }
            return s(try JSONataFormatting.formatInteger(JSONValue.clampedInt(x.rounded(.towardZero)), picture: picture))
        case "parseInteger":
            guard let x = try str(0) else { return .undefined }
            guard let picture = try str(1) else { throw fail("argument 2 (picture) must be a string") }
            return .value(.int(try JSONataFormatting.parseInteger(x, picture: picture)))
        case "power":
            guard let b = try num(0) else { return .undefined }
            guard let e = try num(1) else { throw fail("argument 2 (exponent) is required") }
            return try n(pow(b, e))
        case "sqrt":
            guard let x = try num(0) else { return .undefined }
            guard x >= 0 else { throw fail("the argument must not be negative") }
            return try n(x.squareRoot())
        case "random":
            if let seed = try num(0) {
                var g = SplitMix64(seed: UInt64(bitPattern: Int64(JSONValue.clampedInt(seed))))
                return .value(.double(g.nextDouble()))
            }
            return .value(.double(environment.random.nextDouble()))
        // MARK: aggregation
        case "sum": return try numbers(0).map { x throws(JSONataError) in try n(x.reduce(0, +)) } ?? .undefined
        case "max":
            guard let x = try numbers(0), let m = x.max() else { return .undefined }
            return try n(m)
        case "min":
            guard let x = try numbers(0), let m = x.min() else { return .undefined }
            return try n(m)
        case "average":
            guard let x = try numbers(0), !x.isEmpty else { return .undefined }
            return try n(x.reduce(0, +) / Double(x.count))
        case "count":
            return .value(.int(arr(0)?.count ?? 0))
        // MARK: boolean
        case "boolean":
            guard args.count > 0, !args[0].isUndefined else { return .undefined }
            return .value(.bool(JSONataEvaluator.truthy(args[0])))
        case "not":
            guard args.count > 0, !args[0].isUndefined else { return .undefined }
            return .value(.bool(!JSONataEvaluator.truthy(args[0])))
        case "exists":
            return .value(.bool(args.count > 0 && !args[0].isUndefined))
        // MARK: array
        case "append":
            guard let a = arr(0) else { return out(arr(1).map { .array($0) }) }
            guard let b = arr(1) else { return .value(.array(a)) }
            return .value(.array(a + b))
        case "reverse":
            return out(arr(0).map { .array($0.reversed()) })
        case "shuffle":
            guard var a = arr(0) else { return .undefined }
            if a.count > 1 {
                for i in stride(from: a.count - 1, to: 0, by: -1) {
                    let j = Int(environment.random.nextDouble() * Double(i + 1))
                    a.swapAt(i, j)
                }
            }
            return .value(.array(a))
        case "distinct":
            guard let a = arr(0) else { return .undefined }
            var seen = Set<JSONValue>()
            return .value(.array(a.filter { seen.insert($0).inserted }))
        case "zip":
            let arrays = (0..<args.count).map { arr($0) ?? [] }
            let len = arrays.map(\.count).min() ?? 0
            return .value(.array((0..<len).map { i in .array(arrays.map { $0[i] }) }))
        case "sort":
            guard let a = arr(0) else { return .undefined }
            if args.count > 1 {
                let f = try fn(1)
                // Merge sort with the user's comparator: f(a, b) true means a goes after b.
                return .value(.array(try mergeSort(a) { x, y throws(JSONataError) in
                    JSONataEvaluator.truthy(try call(f, [.value(x), .value(y)], context: context))
                }))
            }
            if a.allSatisfy({ $0.isNumber }) {
                return .value(.array(a.sorted { $0.doubleValue! < $1.doubleValue! }))
            }
            if a.allSatisfy({ $0.stringValue != nil }) {
                return .value(.array(a.sorted { $0.stringValue! < $1.stringValue! }))
            }
            throw fail("the array must contain only numbers or only strings when no comparator is given")
        // MARK: object
        case "keys":
            guard let v = arg(0) else { return .undefined }
            var keys: [String] = []
            var seen = Set<String>()
            for o in (v.arrayValue ?? [v]).compactMap(\.objectValue) {
                for k in o.keys where seen.insert(k).inserted { keys.append(k) }
            }
            return .value(.array(keys.map { .string($0) }))
        case "lookup":
            guard let v = arg(0) else { return .undefined }
            let key = try str(1) ?? ""
            let found = (v.arrayValue ?? [v]).compactMap { $0.objectValue?[key] }
            if found.isEmpty { return .undefined }
            return found.count == 1 ? .value(found[0]) : .seq(found)
        case "spread":
            guard let v = arg(0) else { return .undefined }
            var outList: [JSONValue] = []
            for item in v.arrayValue ?? [v] {
                guard case .object(let o) = item else { outList.append(item); continue }
                for (k, x) in o { outList.append(.object(JSONObject([(k, x)]))) }
            }
            return .value(.array(outList))
        case "merge":
            guard let a = arr(0) else { return .undefined }
            var o = JSONObject()
            for item in a {
                guard case .object(let x) = item else { throw fail("argument 1 must be an array of objects") }
                for (k, v) in x { o[k] = v }
            }
            return .value(.object(o))
        case "each":
            guard let v = arg(0) else { return .undefined }
            guard case .object(let o) = v else { throw fail("argument 1 must be an object") }
            let f = try fn(1)
            var outList: [JSONValue] = []
            for (k, x) in o {
                if let r = try call(f, [.value(x), .value(.string(k)), .value(v)], context: context).json { outList.append(r) }
            }
            return .value(.array(outList))
        case "sift":
            guard let v = arg(0) else { return .undefined }
            guard case .object(let o) = v else { throw fail("argument 1 must be an object") }
            let f = try fn(1)
            var result = JSONObject()
            for (k, x) in o where JSONataEvaluator.truthy(try call(f, [.value(x), .value(.string(k)), .value(v)], context: context)) {
                result[k] = x
            }
            return result.isEmpty ? .undefined : .value(.object(result))
        case "type":
            if args.first?.isFunction == true { return s("function") }
            guard let v = arg(0) else { return .undefined }
            return s(v.typeName)
        case "error":
            throw JSONataError(try str(0) ?? "$error() called")
        case "assert":
            guard let c = arg(0), case .bool(let b) = c else { throw fail("argument 1 must be a boolean") }
            if !b { throw JSONataError(try str(1) ?? "$assert() failed") }
            return .undefined
        // MARK: higher order
        case "map", "filter":
            guard let a = arr(0) else { return .undefined }
            let f = try fn(1)
            var outList: [JSONValue] = []
            for (i, x) in a.enumerated() {
                let callArgs: [JV] = Array([.value(x), .value(.int(i)), .value(.array(a))].prefix(max(1, f.arity)))
                let r = try call(f, callArgs, context: context)
                if name == "map" {
                    if let j = r.json { outList.append(j) }
                } else if JSONataEvaluator.truthy(r) {
                    outList.append(x)
                }
            }
            if outList.isEmpty { return .undefined }
            return outList.count == 1 ? .value(outList[0]) : .value(.array(outList))
        case "single":
            guard let a = arr(0) else { return .undefined }
            var found: [JSONValue] = []
            if args.count > 1 {
                let f = try fn(1)
                for (i, x) in a.enumerated() where JSONataEvaluator.truthy(try call(f, [.value(x), .value(.int(i)), .value(.array(a))], context: context)) {
                    found.append(x)
                }
            } else {
                found = a
            }
            guard found.count == 1 else { throw fail("expected exactly one matching value, found \(found.count)") }
            return .value(found[0])
        case "reduce":
            guard let a = arr(0) else { return .undefined }
            let f = try fn(1)
            var acc: JV
            var start = 0
            if args.count > 2 {
                acc = args[2]
            } else {
                guard !a.isEmpty else { return .undefined }
                acc = .value(a[0])
                start = 1
            }
            for i in start..<a.count {
                acc = try call(f, [acc, .value(a[i])], context: context)
            }
            return acc
        // MARK: date
        case "now":
            return s(JSONataEvaluator.iso8601(environment.now))
        case "millis":
            return .value(.int(Int((environment.now.timeIntervalSince1970 * 1000).rounded(.down))))
        case "fromMillis":
            guard let ms = try num(0) else { return .undefined }
            return s(JSONataEvaluator.iso8601(Date(timeIntervalSince1970: ms / 1000)))
        case "toMillis":
            guard let x = try str(0) else { return .undefined }
            guard let d = Timestamp.parse(x) else { throw fail("'\(x)' is not an ISO 8601 timestamp") }
            return .value(.int(Int((d.timeIntervalSince1970 * 1000).rounded())))
        // MARK: Step Functions additions
        case "partition":
            guard let a = arr(0) else { throw fail("argument 1 must be an array") }
            guard let size = try num(1), size >= 1, size.rounded() == size else { throw fail("argument 2 must be a positive integer") }
            let k = max(1, min(a.count + 1, JSONValue.clampedInt(size)))
            return .value(.array(stride(from: 0, to: a.count, by: k).map { .array(Array(a[$0..<min($0 + k, a.count)])) }))
        case "range":
            guard let start = try num(0), let end = try num(1), let step = try num(2) else { throw fail("start, end and step are required") }
            guard step != 0 else { throw fail("the step must not be 0") }
            var outList: [JSONValue] = []
            var v = start
            while step > 0 ? v <= end : v >= end {
                outList.append(.number(v))
                if outList.count > 1000 { throw fail("the range would have more than 1000 items") }
                v += step
            }
            return .value(.array(outList))
        case "hash":
            guard let v = arg(0) else { throw fail("argument 1 is required") }
            let data: String
            if case .string(let x) = v { data = x } else { data = v.serialized() }
            let algorithm = try str(1) ?? "SHA-256"
            guard let hex = Intrinsics.hashHex(Array(data.utf8), algorithm: algorithm) else {
                throw fail("the algorithm must be one of MD5, SHA-1, SHA-256, SHA-384, SHA-512")
            }
            return s(hex)
        case "uuid":
            return s(environment.random.uuid())
        case "parse":
            guard let x = try str(0) else { throw fail("argument 1 must be a string") }
            do {
                return .value(try JSONValue(parsing: x))
            } catch {
                throw fail("the string is not valid JSON (\(error.message))")
            }
        default:
            throw JSONataError("unknown function $\(name)()")
        }
    }

    func mergeSort(_ a: [JSONValue], _ after: (JSONValue, JSONValue) throws(JSONataError) -> Bool) throws(JSONataError) -> [JSONValue] {
        if a.count < 2 { return a }
        let mid = a.count / 2
        let l = try mergeSort(Array(a[..<mid]), after)
        let r = try mergeSort(Array(a[mid...]), after)
        var out: [JSONValue] = []
        out.reserveCapacity(a.count)
        var i = 0
        var j = 0
        while i < l.count, j < r.count {
            if try after(l[i], r[j]) {
                out.append(r[j])
                j += 1
            } else {
                out.append(l[i])
                i += 1
            }
        }
        out.append(contentsOf: l[i...])
        out.append(contentsOf: r[j...])
        return out
    }

    static func iso8601(_ d: Date) -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        f.timeZone = TimeZone(identifier: "UTC")
        return f.string(from: d)
    }
}
