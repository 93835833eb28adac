import Crypto
import Foundation

extension IntrinsicCall {
    func evaluate(in scope: PathScope, field: String) throws(StatesError) -> JSONValue {
        var args: [JSONValue] = []
        args.reserveCapacity(arguments.count)
        for (i, a) in arguments.enumerated() {
            switch a {
            case .literal(.string(let s)) where !(function == .format && i == 0):
                args.append(.string(IntrinsicCall.unescapeBraces(s)))
            case .literal(let v): args.append(v)
            case .path(let p): args.append(try scope.require(p, field: field))
            case .call(let c): args.append(try c.evaluate(in: scope, field: field))
            }
        }
        return try Intrinsics.apply(function, args, random: scope.random, text: text)
    }
}

/// The implementations of the intrinsic functions, with the spec's argument checks.
enum Intrinsics {
    static func failure(_ text: String, _ why: String) -> StatesError {
        StatesError(StatesError.Name.intrinsicFailure, "Invalid arguments in \(text): \(why)")
    }

    static func apply(_ fn: IntrinsicFunction, _ args: [JSONValue], random: any RandomSource, text: String) throws(StatesError) -> JSONValue {
        func fail(_ why: String) -> StatesError { failure(text, why) }
        func array(_ i: Int) throws(StatesError) -> [JSONValue] {
            guard case .array(let a) = args[i] else { throw fail("argument \(i + 1) must be an array, got \(args[i].typeName)") }
            return a
        }
        func string(_ i: Int) throws(StatesError) -> String {
            guard case .string(let s) = args[i] else { throw fail("argument \(i + 1) must be a string, got \(args[i].typeName)") }
            return s
        }
        func integer(_ i: Int) throws(StatesError) -> Int {
            guard let v = args[i].intValue, args[i].isNumber else { throw fail("argument \(i + 1) must be an integer, got \(args[i].serialized())") }
            return v
        }
        switch fn {
        case .format:
            let template = try string(0)
            return .string(try format(template, Array(args.dropFirst()), fail))
        case .stringToJson:
            let s = try string(0)
            let trimmed = s.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty { return .null }
            do {
                return try JSONValue(parsing: s)
            } catch {
                throw fail("the string is not valid JSON (\(error.message))")
            }
        case .jsonToString:
            return .string(args[0].serialized())
        case .array:
            return .array(args)
        case .arrayPartition:
            let a = try array(0)
            let size = try integer(1)
            guard size > 0 else { throw fail("the chunk size must be greater than 0") }
            var out: [JSONValue] = []
            var i = 0
            let chunk = min(size, max(1, a.count))
            while i < a.count {
                out.append(.array(Array(a[i..<min(i + chunk, a.count)])))
                i += chunk
            }
            return .array(out)
        case .arrayContains:
            return .bool(try array(0).contains(args[1]))
        case .arrayRange:
            let start = try integer(0)
            let end = try integer(1)
            let step = try integer(2)
            guard step != 0 else { throw fail("the step must not be 0") }
            var out: [JSONValue] = []
            var v = start
            while step > 0 ? v <= end : v >= end {
                out.append(.int(v))
                if out.count > 1000 { throw fail("the range would have more than 1000 items") }
                let (next, overflow) = v.addingReportingOverflow(step)
                if overflow { break }
                v = next
            }
            return .array(out)
        case .arrayGetItem:
            let a = try array(0)
            let i = try integer(1)
            guard i >= 0, i < a.count else { throw fail("index \(i) is out of bounds for an array of \(a.count) item(s)") }
            return a[i]
        case .arrayLength:
            return .int(try array(0).count)
        case .arrayUnique:
            var seen = Set<JSONValue>()
            var out: [JSONValue] = []
            for v in try array(0) where seen.insert(v).inserted { out.append(v) }
            return .array(out)
        case .base64Encode:
            let s = try string(0)
            guard s.count <= 10000 else { throw fail("the input must be at most 10000 characters") }
            return .string(Data(s.utf8).base64EncodedString())
        case .base64Decode:
            let s = try string(0)
            guard s.count <= 10000 else { throw fail("the input must be at most 10000 characters") }
            guard let d = Data(base64Encoded: s), let decoded = String(data: d, encoding: .utf8) else {
                throw fail("the input is not valid base64")
            }
            return .string(decoded)
        case .hash:
            let data: String
            if case .string(let s) = args[0] { data = s } else { data = args[0].serialized() }
            guard data.count <= 10000 else { throw fail("the input must be at most 10000 characters") }
            let algorithm = try string(1)
            guard let hex = hashHex(Array(data.utf8), algorithm: algorithm) else {
                throw fail("the hash algorithm must be one of MD5, SHA-1, SHA-256, SHA-384, SHA-512, got '\(algorithm)'")
            }
            return .string(hex)
        case .jsonMerge:
            guard case .object(var a) = args[0] else { throw fail("argument 1 must be an object, got \(args[0].typeName)") }
            guard case .object(let b) = args[1] else { throw fail("argument 2 must be an object, got \(args[1].typeName)") }
            guard case .bool(let deep) = args[2] else { throw fail("argument 3 must be a boolean") }
            guard !deep else { throw fail("only a shallow merge is supported; the third argument must be false") }
            for (k, v) in b { a[k] = v }
            return .object(a)
        case .mathRandom:
            let start = try integer(0)
            let end = try integer(1)
            guard start < end else { throw fail("the start must be less than the end") }
            let r: Double
            if args.count == 3 {
                let seed = try integer(2)
                var g = SplitMix64(seed: UInt64(bitPattern: Int64(seed)))
                r = g.nextDouble()
            } else {
                r = random.nextDouble()
            }
            return .int(min(end - 1, JSONValue.clampedInt((Double(start) + (Double(end) - Double(start)) * r).rounded(.down))))
        case .mathAdd:
            guard let a = args[0].doubleValue else { throw fail("argument 1 must be a number, got \(args[0].typeName)") }
            guard let b = args[1].doubleValue else { throw fail("argument 2 must be a number, got \(args[1].typeName)") }
            if case .int(let x) = args[0], case .int(let y) = args[1] { return .int(x &+ y) }
            return .number(a + b)
        case .stringSplit:
            let s = try string(0)
            let delimiters = Set(try string(1))
            let parts = s.split(whereSeparator: { delimiters.contains($0) })
            return .array(parts.map { .string(String($0)) })
        case .uuid:
            return .string(random.uuid())
        }
    }

    static func format(_ template: String, _ values: [JSONValue], _ fail: (String) -> StatesError) throws(StatesError) -> String {
        var out = ""
        var next = 0
        var chars = template.makeIterator()
        while let c = chars.next() {
            if c == Character(IntrinsicCall.escapedOpenBrace) {
                out.append("{")
                continue
            }
            if c == Character(IntrinsicCall.escapedCloseBrace) {
                out.append("}")
                continue
            }
            if c == "{" {
                guard chars.next() == "}" else { throw fail("the template may only contain '{}' placeholders") }
                guard next < values.count else { throw fail("the template has more placeholders than arguments") }
                switch values[next] {
                case .string(let s): out += s
                case .array, .object: throw fail("argument \(next + 2) must be a string, number, boolean or null")
                default: out += values[next].serialized()
                }
                next += 1
                continue
            }
            out.append(c)
        }
        guard next == values.count else { throw fail("the template has fewer placeholders than arguments") }
        return out
    }

    static func hashHex(_ bytes: [UInt8], algorithm: String) -> String? {
        let digest: [UInt8]
        switch algorithm {
        case "MD5": digest = Array(Insecure.MD5.hash(data: bytes))
        case "SHA-1": digest = Array(Insecure.SHA1.hash(data: bytes))
        case "SHA-256": digest = Array(SHA256.hash(data: bytes))
        case "SHA-384": digest = Array(SHA384.hash(data: bytes))
        case "SHA-512": digest = Array(SHA512.hash(data: bytes))
        default: return nil
        }
        let hex = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(digest.count * 2)
        for b in digest {
            out.append(hex[Int(b >> 4)])
            out.append(hex[Int(b & 0xF)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
