import Foundation
@testable import WharfFrame
import WharfJSONText
import WharfStates

/// JSON documents: WharfFrame's parser and record reader, and the WharfStates parser, whose
/// serialization must read back as the same value.
enum JSONTarget {
    static let target = FuzzTarget(name: "json", summary: "JSON values (WharfFrame JSONParser, WharfStates JSONValue round trip)") { buffer in
        let bytes = Array(buffer)
        let text = String(decoding: bytes, as: UTF8.self)
        _ = try? WharfFrame.JSONParser.parse(text)
        if bytes.first(where: { $0 != 0x20 && $0 != 0x0A && $0 != 0x09 && $0 != 0x0D }) == UInt8(ascii: "[") {
            _ = try? JSONReader.read(bytes: bytes)
        }
        guard let value = try? WharfStates.JSONValue(parsing: Data(bytes)) else { return }
        guard isFinite(value) else { return }  // NaN and infinities are written as null, as JavaScript does
        let written = value.serialized()
        guard let again = try? WharfStates.JSONValue(parsing: written) else {
            preconditionFailure("WharfStates wrote JSON it cannot read back: \(written)")
        }
        precondition(value == again, "WharfStates JSON round trip changed \(written)")
    }

    static func isFinite(_ value: WharfStates.JSONValue) -> Bool {
        switch value {
        case .double(let d): return d.isFinite
        case .array(let items): return items.allSatisfy(isFinite)
        case .object(let members): return members.allSatisfy { isFinite($0.1) }
        default: return true
        }
    }
}
