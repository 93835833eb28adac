/// How keys map onto names in the folder: every component is a type letter (`o` object, `d`
/// directory, `p` part) and the key segment with `%`, `/`, `\` and control bytes percent-escaped.
/// No name can be `.`, `..`, hidden, or contain a separator, whatever the key.
enum FolderLayout {
    static let objectsDirectory = "objects"
    static let uploadsDirectory = "uploads"
    static let temporaryDirectory = "tmp"
    static let createdFile = "created"

    /// Linux's limit on one name.
    static let maximumNameLength = 255

    static func escape(_ segment: some Collection<UInt8>, kind: UInt8) -> [UInt8] {
        let hex: [UInt8] = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = [kind]
        out.reserveCapacity(segment.count + 1)
        for b in segment {
            if b < 0x20 || b == 0x7F || b == UInt8(ascii: "%") || b == UInt8(ascii: "/") || b == UInt8(ascii: "\\") {
                out.append(UInt8(ascii: "%"))
                out.append(hex[Int(b >> 4)])
                out.append(hex[Int(b & 0xF)])
            } else {
                out.append(b)
            }
        }
        return out
    }

    /// The segment a name stands for, or nil for names the store did not write.
    static func unescape(_ name: [UInt8]) -> (kind: UInt8, segment: [UInt8])? {
        guard let kind = name.first else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(name.count)
        var i = 1
        while i < name.count {
            let b = name[i]
            if b == UInt8(ascii: "%") {
                guard i + 2 < name.count, let hi = hexValue(name[i + 1]), let lo = hexValue(name[i + 2]) else { return nil }
                out.append(hi << 4 | lo)
                i += 3
            } else {
                out.append(b)
                i += 1
            }
        }
        return (kind, out)
    }

    private static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case 0x30...0x39: c - 0x30
        case 0x41...0x46: c - 0x41 + 10
        case 0x61...0x66: c - 0x61 + 10
        default: nil
        }
    }

    /// The directory names and the object file name for a validated key.
    static func path(for key: String) throws(ObjectStoreError) -> (directories: [String], file: String) {
        let segments = Array(key.utf8).split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false)
        var directories: [String] = []
        for (index, segment) in segments.enumerated() {
            let isLast = index == segments.count - 1
            let name = escape(segment, kind: isLast ? UInt8(ascii: "o") : UInt8(ascii: "d"))
            guard name.count <= maximumNameLength else {
                throw .invalidKey(key, reason: "a path segment is longer than the folder store's \(maximumNameLength - 1)-byte limit")
            }
            if isLast {
                return (directories, String(decoding: name, as: UTF8.self))
            }
            directories.append(String(decoding: name, as: UTF8.self))
        }
        return (directories, "o")
    }
}
