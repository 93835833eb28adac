import Foundation

/// Decodes an operation's input shape from an `AWSValue`. Errors name the member by its dotted wire
/// path. With `stringScalars` (awsQuery parameters, restJson1 labels, query strings and headers) numbers,
/// booleans and timestamps may arrive as text.
struct AWSValueDecoder {
    var stringScalars = false

    func decode<T: Decodable>(_ type: T.Type, from value: AWSValue) throws(AWSShapeError) -> T {
        do {
            return try ValueDecoder(value: value, codingPath: [], stringScalars: stringScalars).decodeValue(T.self)
        } catch let error as AWSShapeError {
            throw error
        } catch let error as DecodingError {
            // Shapes' own decoders (enums by raw value, ARNs) report in DecodingError's terms.
            switch error {
            case .keyNotFound(let key, let context): throw .missingMember(AWSShapeError.path(context.codingPath, key))
            case .valueNotFound(_, let context): throw .missingMember(AWSShapeError.path(context.codingPath))
            case .typeMismatch(_, let context), .dataCorrupted(let context):
                throw .invalidValue(member: AWSShapeError.path(context.codingPath), reason: context.debugDescription)
            @unknown default: throw .malformed("\(error)")
            }
        } catch {
            throw .malformed("\(error)")
        }
    }
}

private struct ValueDecoder: Decoder {
    let value: AWSValue
    let codingPath: [any CodingKey]
    let stringScalars: Bool
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    var path: String { AWSShapeError.path(codingPath) }

    func wrongType(_ expected: String) -> AWSShapeError {
        .wrongType(member: path.isEmpty ? "body" : path, expected: expected, found: value.kindName)
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        switch value {
        case .structure(let members):
            return KeyedDecodingContainer(KeyedValues<Key>(members: members, decoder: self))
        case .string("") where stringScalars:
            return KeyedDecodingContainer(KeyedValues<Key>(members: [], decoder: self))
        default:
            throw wrongType("a structure")
        }
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        switch value {
        case .list(let items): return UnkeyedValues(items: items, decoder: self)
        case .string("") where stringScalars: return UnkeyedValues(items: [], decoder: self)
        default: throw wrongType("a list")
        }
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer { SingleValue(decoder: self) }

    func child(_ value: AWSValue, key: any CodingKey) -> ValueDecoder {
        ValueDecoder(value: value, codingPath: codingPath + [key], stringScalars: stringScalars)
    }

    /// Dates and blobs have wire forms of their own; everything else decodes itself.
    func decodeValue<T: Decodable>(_ type: T.Type) throws -> T {
        if T.self == Date.self { return try timestamp() as! T }
        if T.self == Data.self { return try blob() as! T }
        return try T(from: self)
    }

    func timestamp() throws -> Date {
        switch value {
        case .timestamp(let date): return date
        case .number(let text):
            guard let seconds = Double(text), seconds.isFinite else { throw wrongType("a timestamp") }
            return Date(timeIntervalSince1970: seconds)
        case .string(let text):
            guard let date = AWSTimestamp.parse(text) else {
                throw AWSShapeError.invalidValue(member: path, reason: "'\(text)' is not a timestamp (epoch seconds or ISO 8601)")
            }
            return date
        default: throw wrongType("a timestamp")
        }
    }

    func blob() throws -> Data {
        switch value {
        case .blob(let data): return data
        case .string(let text):
            guard let data = Data(base64Encoded: text) else { throw AWSShapeError.invalidValue(member: path, reason: "the value is not base64") }
            return data
        default: throw wrongType("a base64 blob")
        }
    }

    func string() throws -> String {
        guard case .string(let text) = value else { throw wrongType("a string") }
        return text
    }

    func bool() throws -> Bool {
        switch value {
        case .bool(let b): return b
        case .string("true") where stringScalars: return true
        case .string("false") where stringScalars: return false
        default: throw wrongType("a boolean")
        }
    }

    func numberText() throws -> String {
        switch value {
        case .number(let text): return text
        case .string(let text) where stringScalars: return text
        default: throw wrongType("a number")
        }
    }

    func integer<T: FixedWidthInteger>(_ type: T.Type) throws -> T {
        let text = try numberText()
        if let v = T(text) { return v }
        // JSON writers may send 10.0 or 1e3 for an integer member.
        if let d = Double(text), d.isFinite, d == d.rounded(), let v = T(exactly: d) { return v }
        throw AWSShapeError.invalidValue(member: path, reason: "'\(text)' is not an integer in range for this member")
    }

    func floating(_ text: String) throws -> Double {
        guard let d = Double(text), d.isFinite || stringScalars else {
            throw AWSShapeError.invalidValue(member: path, reason: "'\(text)' is not a number")
        }
        return d
    }
}

private struct KeyedValues<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let members: [(String, AWSValue)]
    let decoder: ValueDecoder
    var codingPath: [any CodingKey] { decoder.codingPath }
    var allKeys: [Key] { members.compactMap { Key(stringValue: $0.0) } }

    func lookup(_ key: Key) -> AWSValue? {
        guard let found = members.first(where: { $0.0 == key.stringValue })?.1 else { return nil }
        if case .null = found { return nil }
        return found
    }

    func contains(_ key: Key) -> Bool { lookup(key) != nil }

    func required(_ key: Key) throws -> ValueDecoder {
        guard let found = lookup(key) else { throw AWSShapeError.missingMember(AWSShapeError.path(codingPath, key)) }
        return decoder.child(found, key: key)
    }

    func decodeNil(forKey key: Key) throws -> Bool { lookup(key) == nil }
    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try required(key).bool() }
    func decode(_ type: String.Type, forKey key: Key) throws -> String { try required(key).string() }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double { let d = try required(key); return try d.floating(try d.numberText()) }
    func decode(_ type: Float.Type, forKey key: Key) throws -> Float { let d = try required(key); return Float(try d.floating(try d.numberText())) }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try required(key).integer(Int.self) }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try required(key).integer(Int8.self) }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try required(key).integer(Int16.self) }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try required(key).integer(Int32.self) }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try required(key).integer(Int64.self) }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try required(key).integer(UInt.self) }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try required(key).integer(UInt8.self) }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try required(key).integer(UInt16.self) }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try required(key).integer(UInt32.self) }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try required(key).integer(UInt64.self) }
    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T { try required(key).decodeValue(T.self) }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
        try required(key).container(keyedBy: NestedKey.self)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer { try required(key).unkeyedContainer() }
    func superDecoder() throws -> any Decoder { decoder }
    func superDecoder(forKey key: Key) throws -> any Decoder { try required(key) }
}

private struct IndexKey: CodingKey {
    let intValue: Int?
    var stringValue: String { String(intValue ?? 0) }
    init(_ index: Int) { intValue = index }
    init?(stringValue: String) { intValue = Int(stringValue) }
    init?(intValue: Int) { self.intValue = intValue }
}

private struct UnkeyedValues: UnkeyedDecodingContainer {
    let items: [AWSValue]
    let decoder: ValueDecoder
    var currentIndex = 0
    var codingPath: [any CodingKey] { decoder.codingPath }
    var count: Int? { items.count }
    var isAtEnd: Bool { currentIndex >= items.count }

    init(items: [AWSValue], decoder: ValueDecoder) {
        self.items = items
        self.decoder = decoder
    }

    mutating func next() throws -> ValueDecoder {
        guard !isAtEnd else { throw AWSShapeError.malformed("the list '\(decoder.path)' has fewer items than expected") }
        defer { currentIndex += 1 }
        return decoder.child(items[currentIndex], key: IndexKey(currentIndex + 1))
    }

    mutating func decodeNil() throws -> Bool {
        guard !isAtEnd, case .null = items[currentIndex] else { return false }
        currentIndex += 1
        return true
    }

    mutating func decode(_ type: Bool.Type) throws -> Bool { try next().bool() }
    mutating func decode(_ type: String.Type) throws -> String { try next().string() }
    mutating func decode(_ type: Double.Type) throws -> Double { let d = try next(); return try d.floating(try d.numberText()) }
    mutating func decode(_ type: Float.Type) throws -> Float { let d = try next(); return Float(try d.floating(try d.numberText())) }
    mutating func decode(_ type: Int.Type) throws -> Int { try next().integer(Int.self) }
    mutating func decode(_ type: Int8.Type) throws -> Int8 { try next().integer(Int8.self) }
    mutating func decode(_ type: Int16.Type) throws -> Int16 { try next().integer(Int16.self) }
    mutating func decode(_ type: Int32.Type) throws -> Int32 { try next().integer(Int32.self) }
    mutating func decode(_ type: Int64.Type) throws -> Int64 { try next().integer(Int64.self) }
    mutating func decode(_ type: UInt.Type) throws -> UInt { try next().integer(UInt.self) }
    mutating func decode(_ type: UInt8.Type) throws -> UInt8 { try next().integer(UInt8.self) }
    mutating func decode(_ type: UInt16.Type) throws -> UInt16 { try next().integer(UInt16.self) }
    mutating func decode(_ type: UInt32.Type) throws -> UInt32 { try next().integer(UInt32.self) }
    mutating func decode(_ type: UInt64.Type) throws -> UInt64 { try next().integer(UInt64.self) }
    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T { try next().decodeValue(T.self) }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
        try next().container(keyedBy: NestedKey.self)
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer { try next().unkeyedContainer() }
    mutating func superDecoder() throws -> any Decoder { try next() }
}

private struct SingleValue: SingleValueDecodingContainer {
    let decoder: ValueDecoder
    var codingPath: [any CodingKey] { decoder.codingPath }

    func decodeNil() -> Bool { if case .null = decoder.value { return true } else { return false } }
    func decode(_ type: Bool.Type) throws -> Bool { try decoder.bool() }
    func decode(_ type: String.Type) throws -> String { try decoder.string() }
    func decode(_ type: Double.Type) throws -> Double { try decoder.floating(try decoder.numberText()) }
    func decode(_ type: Float.Type) throws -> Float { Float(try decoder.floating(try decoder.numberText())) }
    func decode(_ type: Int.Type) throws -> Int { try decoder.integer(Int.self) }
    func decode(_ type: Int8.Type) throws -> Int8 { try decoder.integer(Int8.self) }
    func decode(_ type: Int16.Type) throws -> Int16 { try decoder.integer(Int16.self) }
    func decode(_ type: Int32.Type) throws -> Int32 { try decoder.integer(Int32.self) }
    func decode(_ type: Int64.Type) throws -> Int64 { try decoder.integer(Int64.self) }
    func decode(_ type: UInt.Type) throws -> UInt { try decoder.integer(UInt.self) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try decoder.integer(UInt8.self) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try decoder.integer(UInt16.self) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try decoder.integer(UInt32.self) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try decoder.integer(UInt64.self) }
    func decode<T: Decodable>(_ type: T.Type) throws -> T { try decoder.decodeValue(T.self) }
}
