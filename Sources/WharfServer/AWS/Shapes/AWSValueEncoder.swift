import Foundation

/// Encodes an operation's output shape into an `AWSValue` for the protocol to write. Absent optionals
/// are left out, as AWS leaves them out.
struct AWSValueEncoder {
    func encode<T: Encodable>(_ value: T) throws -> AWSValue {
        let box = ValueBox()
        try ValueEncoder(box: box, codingPath: []).encodeValue(value)
        return box.value ?? .structure([])
    }
}

/// Where one encoded value lands; containers fill theirs in place.
private final class ValueBox {
    var value: AWSValue?
    var members: [(String, ValueBox)]?
    var items: [ValueBox]?

    var resolved: AWSValue {
        if let members { return .structure(members.compactMap { name, box in box.isEmpty ? nil : (name, box.resolved) }) }
        if let items { return .list(items.map(\.resolved)) }
        return value ?? .null
    }

    var isEmpty: Bool { value == nil && members == nil && items == nil }
}

private struct ValueEncoder: Encoder {
    let box: ValueBox
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        if box.members == nil { box.members = [] }
        return KeyedEncodingContainer(KeyedBox<Key>(encoder: self))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        if box.items == nil { box.items = [] }
        return UnkeyedBox(encoder: self)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer { SingleBox(encoder: self) }

    func encodeValue<T: Encodable>(_ value: T) throws {
        switch value {
        case let date as Date: box.value = .timestamp(date)
        case let data as Data: box.value = .blob(data)
        default:
            try value.encode(to: self)
            if box.members != nil || box.items != nil { box.value = box.resolved }
        }
    }
}

private struct KeyedBox<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let encoder: ValueEncoder
    var codingPath: [any CodingKey] { encoder.codingPath }

    func child(_ key: Key) -> ValueEncoder {
        let box = ValueBox()
        encoder.box.members!.append((key.stringValue, box))
        return ValueEncoder(box: box, codingPath: codingPath + [key])
    }

    mutating func encodeNil(forKey key: Key) throws {}
    mutating func encode(_ value: Bool, forKey key: Key) throws { child(key).box.value = .bool(value) }
    mutating func encode(_ value: String, forKey key: Key) throws { child(key).box.value = .string(value) }
    mutating func encode(_ value: Double, forKey key: Key) throws { child(key).box.value = number(value) }
    mutating func encode(_ value: Float, forKey key: Key) throws { child(key).box.value = number(Double(value)) }
    mutating func encode(_ value: Int, forKey key: Key) throws { child(key).box.value = .number(String(value)) }
    mutating func encode(_ value: Int8, forKey key: Key) throws { child(key).box.value = .number(String(value)) }
    mutating func encode(_ value: Int16, forKey key: Key) throws { child(key).box.value = .number(String(value)) }
    mutating func encode(_ value: Int32, forKey key: Key) throws { child(key).box.value = .number(String(value)) }
    mutating func encode(_ value: Int64, forKey key: Key) throws { child(key).box.value = .number(String(value)) }
    mutating func encode(_ value: UInt, forKey key: Key) throws { child(key).box.value = .number(String(value)) }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { child(key).box.value = .number(String(value)) }
    mutating func encode(_ value: UInt16, forKey key: Key) throws { child(key).box.value = .number(String(value)) }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { child(key).box.value = .number(String(value)) }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { child(key).box.value = .number(String(value)) }
    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws { try child(key).encodeValue(value) }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
        child(key).container(keyedBy: NestedKey.self)
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer { child(key).unkeyedContainer() }
    mutating func superEncoder() -> any Encoder { encoder }
    mutating func superEncoder(forKey key: Key) -> any Encoder { child(key) }
}

private struct IndexKey: CodingKey {
    let intValue: Int?
    var stringValue: String { String(intValue ?? 0) }
    init(_ index: Int) { intValue = index }
    init?(stringValue: String) { intValue = Int(stringValue) }
    init?(intValue: Int) { self.intValue = intValue }
}

private struct UnkeyedBox: UnkeyedEncodingContainer {
    let encoder: ValueEncoder
    var codingPath: [any CodingKey] { encoder.codingPath }
    var count: Int { encoder.box.items?.count ?? 0 }

    func child() -> ValueEncoder {
        let box = ValueBox()
        encoder.box.items!.append(box)
        return ValueEncoder(box: box, codingPath: codingPath + [IndexKey(count)])
    }

    mutating func encodeNil() throws { child().box.value = .null }
    mutating func encode(_ value: Bool) throws { child().box.value = .bool(value) }
    mutating func encode(_ value: String) throws { child().box.value = .string(value) }
    mutating func encode(_ value: Double) throws { child().box.value = number(value) }
    mutating func encode(_ value: Float) throws { child().box.value = number(Double(value)) }
    mutating func encode(_ value: Int) throws { child().box.value = .number(String(value)) }
    mutating func encode(_ value: Int64) throws { child().box.value = .number(String(value)) }
    mutating func encode(_ value: Int32) throws { child().box.value = .number(String(value)) }
    mutating func encode<T: Encodable>(_ value: T) throws { try child().encodeValue(value) }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        child().container(keyedBy: NestedKey.self)
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer { child().unkeyedContainer() }
    mutating func superEncoder() -> any Encoder { child() }
}

private struct SingleBox: SingleValueEncodingContainer {
    let encoder: ValueEncoder
    var codingPath: [any CodingKey] { encoder.codingPath }

    mutating func encodeNil() throws { encoder.box.value = .null }
    mutating func encode(_ value: Bool) throws { encoder.box.value = .bool(value) }
    mutating func encode(_ value: String) throws { encoder.box.value = .string(value) }
    mutating func encode(_ value: Double) throws { encoder.box.value = number(value) }
    mutating func encode(_ value: Float) throws { encoder.box.value = number(Double(value)) }
    mutating func encode(_ value: Int) throws { encoder.box.value = .number(String(value)) }
    mutating func encode(_ value: Int8) throws { encoder.box.value = .number(String(value)) }
    mutating func encode(_ value: Int16) throws { encoder.box.value = .number(String(value)) }
    mutating func encode(_ value: Int32) throws { encoder.box.value = .number(String(value)) }
    mutating func encode(_ value: Int64) throws { encoder.box.value = .number(String(value)) }
    mutating func encode(_ value: UInt) throws { encoder.box.value = .number(String(value)) }
    mutating func encode(_ value: UInt8) throws { encoder.box.value = .number(String(value)) }
    mutating func encode(_ value: UInt16) throws { encoder.box.value = .number(String(value)) }
    mutating func encode(_ value: UInt32) throws { encoder.box.value = .number(String(value)) }
    mutating func encode(_ value: UInt64) throws { encoder.box.value = .number(String(value)) }
    mutating func encode<T: Encodable>(_ value: T) throws { try encoder.encodeValue(value) }
}

/// Doubles as JSON numbers; NaN and infinities (which JSON lacks) as the strings AWS uses for them.
private func number(_ value: Double) -> AWSValue {
    if value.isNaN { return .string("NaN") }
    if value.isInfinite { return .string(value > 0 ? "Infinity" : "-Infinity") }
    if value == value.rounded(), abs(value) < 1e15 { return .number(String(Int64(value))) }
    return .number(String(value))
}
