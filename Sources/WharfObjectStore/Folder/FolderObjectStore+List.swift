import Foundation

extension FolderObjectStore {
    public func listObjects(bucket: String, request: ListObjectsRequest) async throws -> ObjectListing {
        guard request.maxKeys >= 0 else {
            throw ObjectStoreError.invalidArgument(field: "max-keys", reason: "must not be negative")
        }
        let start = try ListCursor(request: request)
        return try await run {
            var cursor = start
            let dir = try self.bucketDirectory(bucket)
            let objects = try self.subdirectory(dir, FolderLayout.objectsDirectory)
            var page = ListPage(limit: min(request.maxKeys, 1000))
            guard page.limit > 0 else {
                return ObjectListing(objects: [], commonPrefixes: [], isTruncated: false, nextContinuationToken: nil, lastEntry: nil)
            }
            _ = try Self.walk(objects, path: [], cursor: &cursor, page: &page)
            return page.listing()
        }
    }

    /// Visits the folder tree in key order (UTF-8 bytes), skipping subtrees that cannot hold a
    /// key of the page; returns false once the page is full and one more entry was seen.
    static func walk(_ directory: Descriptor, path: [UInt8], cursor: inout ListCursor, page: inout ListPage) throws -> Bool {
        var children: [(sortKey: [UInt8], name: [UInt8], isDirectory: Bool)] = []
        for entry in try POSIX.entries(of: directory) {
            guard let (kind, segment) = FolderLayout.unescape(entry.name) else { continue }
            if kind == UInt8(ascii: "o"), entry.kind == .file {
                children.append((segment, entry.name, false))
            } else if kind == UInt8(ascii: "d"), entry.kind == .directory {
                children.append((segment + [UInt8(ascii: "/")], entry.name, true))
            }
        }
        children.sort { $0.sortKey.lexicographicallyPrecedes($1.sortKey) }
        for child in children {
            let full = path + child.sortKey
            if child.isDirectory {
                guard cursor.mayHoldKeys(under: full) else { continue }
                guard let sub = try? POSIX.openDirectory(in: directory, String(decoding: child.name, as: UTF8.self)) else { continue }
                if try !walk(sub, path: full, cursor: &cursor, page: &page) { return false }
            } else {
                guard cursor.accepts(full) else { continue }
                if let common = cursor.commonPrefix(of: full) {
                    // A marker naming a common prefix (v1's NextMarker) has already reported it.
                    if let after = cursor.after, !after.lexicographicallyPrecedes(common) {
                        cursor.skipPrefix = common
                        continue
                    }
                    guard page.add(.prefix(common)) else { return false }
                    cursor.skipPrefix = common
                    continue
                }
                let name = String(decoding: child.name, as: UTF8.self)
                guard let file = try? POSIX.openFile(in: directory, name), let record = try? StoredObject.read(from: file) else { continue }
                let summary = ObjectSummary(
                    key: String(decoding: full, as: UTF8.self), size: record.size, etag: record.etag,
                    lastModified: Date(timeIntervalSince1970: record.lastModified))
                guard page.add(.object(summary, full)) else { return false }
            }
        }
        return true
    }
}

/// Where a listing starts and what it keeps: prefix, delimiter, and the resume point.
struct ListCursor {
    let prefix: [UInt8]
    let delimiter: [UInt8]?
    /// Only keys strictly greater than this.
    var after: [UInt8]?
    /// Keys under this common prefix were already reported.
    var skipPrefix: [UInt8]?

    init(request: ListObjectsRequest) throws {
        prefix = Array(request.prefix.utf8)
        delimiter = request.delimiter.flatMap { $0.isEmpty ? nil : Array($0.utf8) }
        if let token = request.continuationToken {
            guard let resume = ListToken.decode(token) else {
                throw ObjectStoreError.invalidArgument(field: "continuation-token", reason: "not a token this store issued")
            }
            after = resume.entry
            if resume.isPrefix { skipPrefix = resume.entry }
        } else if let startAfter = request.startAfter, !startAfter.isEmpty {
            after = Array(startAfter.utf8)
        }
    }

    /// Whether a subtree whose keys all start with `path` may contribute to the page.
    func mayHoldKeys(under path: [UInt8]) -> Bool {
        if !(path.starts(with: prefix) || prefix.starts(with: path)) { return false }
        if let skipPrefix, path.starts(with: skipPrefix) { return false }
        if let after, path.lexicographicallyPrecedes(after), !after.starts(with: path) { return false }
        return true
    }

    func accepts(_ key: [UInt8]) -> Bool {
        guard key.starts(with: prefix) else { return false }
        if let skipPrefix, key.starts(with: skipPrefix) { return false }
        if let after, !after.lexicographicallyPrecedes(key) { return false }
        return true
    }

    /// The common prefix `key` rolls up into under the delimiter, if any.
    func commonPrefix(of key: [UInt8]) -> [UInt8]? {
        guard let delimiter, key.count >= prefix.count + delimiter.count else { return nil }
        var i = prefix.count
        while i + delimiter.count <= key.count {
            if key[i..<(i + delimiter.count)].elementsEqual(delimiter) {
                return Array(key[..<(i + delimiter.count)])
            }
            i += 1
        }
        return nil
    }
}

/// A page being filled; one entry past the limit marks it truncated.
struct ListPage {
    enum Entry {
        case object(ObjectSummary, [UInt8])
        case prefix([UInt8])
    }
    let limit: Int
    var objects: [ObjectSummary] = []
    var prefixes: [String] = []
    var last: Entry?
    var truncated = false

    init(limit: Int) { self.limit = limit }

    mutating func add(_ entry: Entry) -> Bool {
        if objects.count + prefixes.count == limit {
            truncated = true
            return false
        }
        switch entry {
        case .object(let summary, _): objects.append(summary)
        case .prefix(let bytes): prefixes.append(String(decoding: bytes, as: UTF8.self))
        }
        last = entry
        return true
    }

    func listing() -> ObjectListing {
        var token: String?
        var lastEntry: String?
        switch last {
        case .object(let summary, let bytes)?:
            lastEntry = summary.key
            token = truncated ? ListToken.encode(entry: bytes, isPrefix: false) : nil
        case .prefix(let bytes)?:
            lastEntry = String(decoding: bytes, as: UTF8.self)
            token = truncated ? ListToken.encode(entry: bytes, isPrefix: true) : nil
        case nil: break
        }
        return ObjectListing(
            objects: objects, commonPrefixes: prefixes, isTruncated: truncated,
            nextContinuationToken: token, lastEntry: lastEntry)
    }
}

/// Continuation tokens: the last entry of a page, marked as key or common prefix, in base64url.
enum ListToken {
    static func encode(entry: [UInt8], isPrefix: Bool) -> String {
        let data = Data([isPrefix ? UInt8(ascii: "p") : UInt8(ascii: "k")] + entry)
        return data.base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func decode(_ token: String) -> (entry: [UInt8], isPrefix: Bool)? {
        var base64 = token.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        guard let data = Data(base64Encoded: base64), let kind = data.first,
            kind == UInt8(ascii: "p") || kind == UInt8(ascii: "k")
        else { return nil }
        return (Array(data.dropFirst()), kind == UInt8(ascii: "p"))
    }
}
