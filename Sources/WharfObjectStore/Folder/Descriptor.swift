#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// An open file descriptor closed when the last reference goes, so a body dropped half-read
/// releases its file.
final class Descriptor: @unchecked Sendable {
    let fd: Int32
    init(_ fd: Int32) { self.fd = fd }
    deinit { close(fd) }
}

/// Why a path could not be opened without following links.
enum PathFailure: Error {
    case missing
    /// A symbolic link or a non-directory where a directory was expected.
    case notTraversable
    case other(String)
}

/// `*at` system calls relative to directory descriptors, never following symbolic links: the
/// folder store builds every path from names it escaped itself, component by component.
enum POSIX {
    static func errorText(_ what: String, _ code: Int32 = errno) -> String {
        "\(what): \(String(cString: strerror(code)))"
    }

    static func openDirectory(_ path: String) throws -> Descriptor {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw ObjectStoreError.backend(errorText("open \(path)")) }
        return Descriptor(fd)
    }

    /// Opens the directory `name` inside `parent`, refusing symbolic links.
    static func openDirectory(in parent: Descriptor, _ name: String) throws(PathFailure) -> Descriptor {
        let fd = openat(parent.fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        if fd >= 0 { return Descriptor(fd) }
        switch errno {
        case ENOENT: throw .missing
        case ELOOP, ENOTDIR: throw .notTraversable
        default: throw .other(errorText("open \(name)"))
        }
    }

    /// Opens or creates the directory `name` inside `parent`, refusing symbolic links; `created`
    /// tells whether this call made it (so its entry in `parent` still has to be made durable).
    static func makeDirectory(in parent: Descriptor, _ name: String) throws(PathFailure) -> (directory: Descriptor, created: Bool) {
        do throws(PathFailure) {
            return (try openDirectory(in: parent, name), false)
        } catch .missing {
            var created = true
            if mkdirat(parent.fd, name, 0o755) != 0 {
                // ENOENT: `parent` itself was removed meanwhile (a delete pruning empty folders).
                guard errno == EEXIST else { throw errno == ENOENT ? .missing : .other(errorText("mkdir \(name)")) }
                created = false
            }
            return (try openDirectory(in: parent, name), created)
        }
    }

    /// Opens the regular file `name` inside `parent` for reading, refusing symbolic links.
    static func openFile(in parent: Descriptor, _ name: String) throws(PathFailure) -> Descriptor {
        let fd = openat(parent.fd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        if fd >= 0 {
            var st = stat()
            guard fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else {
                close(fd)
                throw .notTraversable
            }
            return Descriptor(fd)
        }
        switch errno {
        case ENOENT: throw .missing
        case ELOOP, ENOTDIR, EISDIR: throw .notTraversable
        default: throw .other(errorText("open \(name)"))
        }
    }

    static func createFile(in parent: Descriptor, _ name: String) throws -> Descriptor {
        let fd = openat(parent.fd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw ObjectStoreError.backend(errorText("create \(name)")) }
        return Descriptor(fd)
    }

    static func size(of file: Descriptor) throws -> Int64 {
        var st = stat()
        guard fstat(file.fd, &st) == 0 else { throw ObjectStoreError.backend(errorText("fstat")) }
        return Int64(st.st_size)
    }

    static func modificationDate(of file: Descriptor) -> Date {
        var st = stat()
        guard fstat(file.fd, &st) == 0 else { return Date() }
        return Date(timeIntervalSince1970: Double(st.st_mtim.tv_sec) + Double(st.st_mtim.tv_nsec) / 1e9)
    }

    static func writeAll(_ file: Descriptor, _ bytes: UnsafeRawBufferPointer) throws {
        var offset = 0
        while offset < bytes.count {
            let n = write(file.fd, bytes.baseAddress! + offset, bytes.count - offset)
            if n < 0 {
                if errno == EINTR { continue }
                throw ObjectStoreError.backend(errorText("write"))
            }
            offset += n
        }
    }

    /// Reads up to `count` bytes at `offset`, fewer only at the end of the file.
    static func readFully(_ file: Descriptor, into buffer: UnsafeMutableRawBufferPointer, at offset: Int64) throws -> Int {
        var done = 0
        while done < buffer.count {
            let n = pread(file.fd, buffer.baseAddress! + done, buffer.count - done, off_t(offset) + off_t(done))
            if n < 0 {
                if errno == EINTR { continue }
                throw ObjectStoreError.backend(errorText("read"))
            }
            if n == 0 { break }
            done += n
        }
        return done
    }

    /// Starts writing a range of the file back to disk without waiting (a hint; fsync still decides durability).
    static func startWriteback(_ file: Descriptor, from offset: Int64, count: Int64) {
        #if os(Linux)
        // SYNC_FILE_RANGE_WRITE; Glibc's module map leaves out this GNU extension, so it is looked up by name.
        _ = syncFileRange?(file.fd, offset, count, 2)
        #endif
    }

    #if os(Linux)
    private typealias SyncFileRange = @convention(c) (Int32, Int64, Int64, UInt32) -> Int32
    private static let syncFileRange: SyncFileRange? = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "sync_file_range") else { return nil }
        return unsafeBitCast(symbol, to: SyncFileRange.self)
    }()
    #endif

    static func sync(_ file: Descriptor) throws {
        guard fsync(file.fd) == 0 else { throw ObjectStoreError.backend(errorText("fsync")) }
    }

    static func rename(from: Descriptor, _ fromName: String, to: Descriptor, _ toName: String) -> Int32 {
        renameat(from.fd, fromName, to.fd, toName) == 0 ? 0 : errno
    }

    static func unlink(in parent: Descriptor, _ name: String, directory: Bool = false) -> Int32 {
        unlinkat(parent.fd, name, directory ? AT_REMOVEDIR : 0) == 0 ? 0 : errno
    }

    enum EntryKind { case file, directory, other }

    /// The entries of a directory (without `.` and `..`), symbolic links reported as `.other`.
    static func entries(of directory: Descriptor) throws -> [(name: [UInt8], kind: EntryKind)] {
        let copy = dup(directory.fd)
        guard copy >= 0, let dir = fdopendir(copy) else {
            throw ObjectStoreError.backend(errorText("opendir"))
        }
        defer { closedir(dir) }
        rewinddir(dir)
        var result: [(name: [UInt8], kind: EntryKind)] = []
        while let entry = readdir(dir) {
            let name: [UInt8] = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                let bytes = raw.bindMemory(to: UInt8.self)
                let length = bytes.firstIndex(of: 0) ?? bytes.count
                return Array(bytes[..<length])
            }
            if name == [0x2E] || name == [0x2E, 0x2E] { continue }
            var kind: EntryKind
            switch Int32(entry.pointee.d_type) {
            case Int32(DT_REG): kind = .file
            case Int32(DT_DIR): kind = .directory
            case Int32(DT_UNKNOWN):
                var st = stat()
                let ok = name.withUnsafeBufferPointer { p -> Bool in
                    String(decoding: p, as: UTF8.self).withCString { fstatat(directory.fd, $0, &st, AT_SYMLINK_NOFOLLOW) == 0 }
                }
                let type = st.st_mode & S_IFMT
                kind = !ok ? .other : type == S_IFREG ? .file : type == S_IFDIR ? .directory : .other
            default: kind = .other
            }
            result.append((name, kind))
        }
        return result
    }

    /// Removes `name` inside `parent` and everything below it, never following links.
    static func removeTree(in parent: Descriptor, _ name: String) {
        if unlink(in: parent, name) == 0 { return }
        guard let dir = try? openDirectory(in: parent, name) else { return }
        if let list = try? entries(of: dir) {
            for entry in list {
                let child = String(decoding: entry.name, as: UTF8.self)
                if entry.kind == .directory {
                    removeTree(in: dir, child)
                } else {
                    _ = unlink(in: dir, child)
                }
            }
        }
        _ = unlink(in: parent, name, directory: true)
    }

    static func randomName(_ prefix: String) -> String {
        var rng = SystemRandomNumberGenerator()
        let a = rng.next() as UInt64, b = rng.next() as UInt64
        return prefix + String(a, radix: 16) + String(b, radix: 16)
    }
}
